"""What the workers are doing, for ``pantau status``: who answers, which runs each has in flight, queue lengths."""

from __future__ import annotations

from crawler.workers.app import QUEUES, broker_url, make_app

INSPECT_TIMEOUT = 1.0


def worker_runs(broker: str | None = None) -> dict[str, list[str]]:
    """Worker name -> the runs it is executing ("source" or "source since..until"), from Celery's inspect."""
    app = make_app(broker or broker_url())
    active = app.control.inspect(timeout=INSPECT_TIMEOUT).active() or {}
    runs: dict[str, list[str]] = {}
    for node, tasks in active.items():
        runs[node] = []
        for task in tasks:
            args, kwargs = task.get("args") or [], task.get("kwargs") or {}
            label = str(args[0]) if args else "?"
            if kwargs.get("since"):
                label += f" {kwargs['since']}..{kwargs.get('until')}"
            runs[node].append(label)
    return runs


def queue_lengths(broker: str | None = None) -> dict[str, int]:
    """Messages waiting in each queue (the broker's list length; Redis)."""
    app = make_app(broker or broker_url())
    with app.connection_for_read() as connection:
        client = connection.channel().client
        return {queue: int(client.llen(queue)) for queue in QUEUES}
