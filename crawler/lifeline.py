"""Helper processes that die with the process that started them (issue #17: no orphans after a kill -9).

A crawl's extraction workers hold their own ends of the pool's pipes, so when the crawl process is killed
outright (SIGKILL, the OOM killer) nothing tells them to stop: they, and the forkserver that forked them, would
be re-parented to init and live on. Two ties, each enough on its own:

- the kernel's: ``PR_SET_PDEATHSIG`` (:func:`die_with_parent`), set in the forkserver as the first thing it
  imports and in every worker right after the forkserver forks it (``os.register_at_fork``), so the kernel sends
  SIGKILL when the parent goes. It only covers a death *after* the call, so the parent's pid is checked right
  after it: a parent that died in between (a kill during the forkserver's start-up) ends the child at once;
- ours: :func:`die_with`, a daemon thread waiting on a pidfd of the crawl process (a poll once a second where
  Linux has no pidfd), for the workers, whose parent (the forkserver) could outlive the crawl.

Imported as the forkserver's first preload module (:func:`forkserver_context`), this module ties the forkserver
to the crawl that started it and every worker to the forkserver. The forkserver's start-up (preloading the
extraction stack) takes seconds on a loaded machine; a crawl killed in that window used to leave the forkserver
and the pool's resource tracker alive until it finished, beyond the crash suite's 5 s grace.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.context
import os
import select
import signal
import sys
import threading
import time

# Set by forkserver_context before the forkserver starts: the pid the forkserver must not outlive.
PARENT_ENV = "PANTAU_LIFELINE_PARENT"
# "1" when the forkserver was started from the parent's main thread. PR_SET_PDEATHSIG fires when the *thread*
# that forked the child ends, so it is only safe for a child of a thread that lives as long as its process.
MAIN_THREAD_ENV = "PANTAU_LIFELINE_MAIN_THREAD"

_PR_SET_PDEATHSIG = 1


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


_LIBC = _libc()


def die_with_parent(parent_pid: int) -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies; end it now if ``parent_pid`` is already gone.

    Returns whether the kernel tie is in place (False off Linux: the :func:`die_with` thread is then the tie).
    """
    tied = _LIBC is not None and _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent_pid:  # the parent died before the call took effect: nobody will send the signal
        os._exit(1)
    return tied


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


def forkserver_context(preload: list[str]) -> multiprocessing.context.BaseContext:
    """The forkserver context for a pool of this process, with this module preloaded first so the forkserver,
    and every process it forks, dies with this process. ``preload`` follows (imported once, in the forkserver).

    Takes effect when the forkserver starts (the first pool of the process); later pools fork from the same one.
    """
    context = multiprocessing.get_context("forkserver")
    os.environ[PARENT_ENV] = str(os.getpid())
    os.environ[MAIN_THREAD_ENV] = "1" if threading.current_thread() is threading.main_thread() else "0"
    context.set_forkserver_preload([__name__, *(name for name in preload if name != __name__)])
    return context


def _tie_forked_child_to_forkserver(forkserver_pid: int) -> None:
    # Runs in each worker right after fork(), before it reads its first byte from the pool; the forkserver forks
    # from its main thread only, so the signal is safe here.
    die_with_parent(forkserver_pid)


def imported_by_forkserver_preload() -> bool:
    """Whether this import runs inside ``multiprocessing.forkserver.main`` (its preload), not in some other
    process that merely inherited :data:`PARENT_ENV` (a crawl started by the daemon, a shell that kept it)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "main" and frame.f_globals.get("__name__") == "multiprocessing.forkserver":
            return True
        frame = frame.f_back
    return False


if os.environ.get(PARENT_ENV, "").isdigit() and imported_by_forkserver_preload():
    # Imported by the forkserver (the first preload module): tie it to the crawl process that started it. A
    # forkserver whose parent already died (getppid is no longer that pid) ends here, before its slow imports.
    _parent = int(os.environ[PARENT_ENV])
    if os.environ.get(MAIN_THREAD_ENV) == "1":
        die_with_parent(_parent)
    elif os.getppid() != _parent:
        os._exit(1)
    die_with(_parent)
    _forkserver_pid = os.getpid()
    os.register_at_fork(after_in_child=lambda: _tie_forked_child_to_forkserver(_forkserver_pid))
