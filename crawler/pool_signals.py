"""Ctrl-C belongs to the crawl process, never to its worker processes: importing this module ignores SIGINT.

The analysis pool's forkserver imports it (``set_forkserver_preload``) before it forks any worker, so workers
ignore the SIGINT that a terminal sends to the whole process group from their first instant. Their
initializer runs only after they have imported the extraction stack (a second or more), and a worker that died
on a Ctrl-C in that window broke the whole pool: every page in flight failed instead of being stored.
"""

from __future__ import annotations

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
