"""Crawl runs distributed over machines: Celery workers fed through a Redis broker, one PostgreSQL database.

The unit of distribution is the crawl run — one source, or one date range of one source's archive — never the
URL: politeness caps requests per domain, so many machines do not crawl one site faster, while hundreds of
sources spread naturally over many workers (DESIGN.md decision 6). The parts:

- :mod:`~crawler.workers.app` — the Celery app: Redis broker, late acknowledgement with redelivery when a
  worker is lost (a visibility timeout longer than a run may last), and two queues, ``live`` before
  ``backfill``;
- :mod:`~crawler.workers.tasks` — the one task, ``pantau.crawl``: a run executed exactly as the daemon's
  children are (:class:`~crawler.daemon.runner.CrawlRunner`: the run claim in SQL, one child crawl process in
  its own process group, the time limit), so that a source is never crawled twice at once, whoever asked;
- :mod:`~crawler.workers.backfill` — an archive crawl split into month-long date ranges.

The daemon stays the single leader (``pantau daemon --executor celery`` enqueues due runs instead of starting
children); ``pantau worker`` runs on any number of machines; ``pantau backfill`` enqueues archive ranges.
Nothing here is imported by the single-machine default: ``pantau crawl`` and ``pantau daemon`` need no Redis.

scrapy-redis (a shared URL frontier) is deliberately not used: its 0.9.1 release starts spiders through
``start_requests``, which Scrapy removed in 2.16, and a shared frontier buys nothing under per-domain politeness.
"""
