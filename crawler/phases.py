"""Where a crawl process's time goes: named marks of wall and CPU seconds since the process started.

Off (one environment lookup per mark) unless ``PANTAU_PHASE_LOG`` names a file; then every :func:`mark` appends
one line ``name<TAB>wall<TAB>cpu`` to it: wall seconds since the process was launched (``PANTAU_PHASE_EPOCH``,
the launcher's ``time.time()``, else the process's creation time; interpreter start included) and CPU seconds
of this process, all its threads. bench/archive_crawl.py ``--phases`` sets it and
prints the table of docs/performance.md ("Where the time goes"). The extraction workers are other processes:
their CPU is not in these marks (the bench adds the whole tree's CPU).
"""

from __future__ import annotations

import os
import time

PHASE_LOG_ENV = "PANTAU_PHASE_LOG"
PHASE_EPOCH_ENV = "PANTAU_PHASE_EPOCH"

_created: float | None = None


def _process_created() -> float:
    global _created
    if _created is None:
        if os.environ.get(PHASE_EPOCH_ENV):
            _created = float(os.environ[PHASE_EPOCH_ENV])
        else:
            import psutil  # only when phases are logged; its creation time is off by up to a second

            _created = psutil.Process().create_time()
    return _created


def mark(name: str) -> None:
    """Record that the phase ``name`` ends now (no-op unless PANTAU_PHASE_LOG is set)."""
    path = os.environ.get(PHASE_LOG_ENV)
    if not path:
        return
    wall = time.time() - _process_created()
    cpu = time.process_time()
    with open(path, "a", encoding="utf-8") as log:
        log.write(f"{name}\t{wall:.4f}\t{cpu:.4f}\n")
