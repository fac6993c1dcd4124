"""Helper processes that die with the process that started them (issue #17: no orphans after a kill -9).

A crawl's extraction workers hold their own ends of the pool's pipes, so when the crawl process is killed
outright (SIGKILL, the OOM killer) nothing tells them to stop: they, and the forkserver that forked them, would
be re-parented to init and live on. :func:`die_with` starts a daemon thread that ends this process as soon as
the given one is gone (a pidfd where Linux has one, else a poll once a second). Imported as a forkserver
preload module, this module ties the forkserver to its parent the same way.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import time

# Set by crawler.analysis before the forkserver starts: the pid the forkserver must not outlive.
PARENT_ENV = "PANTAU_LIFELINE_PARENT"


def _wait_for_exit(pid: int) -> None:
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])  # readable once the process has exited
        return
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:  # alive, owned by someone else
            pass
        time.sleep(1.0)


def die_with(pid: int) -> None:
    """End this process (at once, without cleanup) when process ``pid`` exits."""
    def watch() -> None:
        _wait_for_exit(pid)
        os._exit(1)

    threading.Thread(target=watch, name=f"lifeline-{pid}", daemon=True).start()


def _in_forkserver_of(parent: str | None) -> bool:
    return bool(parent) and "multiprocessing.forkserver" in sys.modules and str(os.getppid()) == parent


if _in_forkserver_of(os.environ.get(PARENT_ENV)):
    # Imported by the forkserver (set_forkserver_preload): tie it to the crawl process that started it.
    die_with(os.getppid())
