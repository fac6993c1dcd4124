"""The demo news site: generated Indonesian regional and national news, served over loopback HTTP.

Used by ``pantau crawl --demo``, by the test suite (real Scrapy crawls) and by the benchmarks. Every story is
written from templates with a seeded RNG (nothing is copied from real sites), so the same arguments always give
the same pages, and a truth record says what a perfect crawl must find.

API::

    from crawler.demo import DemoSite

    site = DemoSite(seed=20261120, end_date=date(2026, 11, 20), per_day=1, include_faulty=False)
    with site:                       # or site.start() ... site.stop()
        for outlet in site.outlets:  # .key, .name, .home_url, .timezone, .region, .stories
            print(outlet.key, outlet.home_url)
        toml = site.sources_toml()   # a ready [[sources]] file for the running servers
        truth = site.truth()         # {"planted_alerts": [{rule, condition, agency, urls, …}],
                                     #  "outlets": [{key, name, home_url, timezone, region,
                                     #   articles: [{url, canonical_url, title, authors, published_at,
                                     #               is_advertorial, pages, section, tags,
                                     #               mentions: [{entity_id, surface, field, zone, resolution}],
                                     #               traps: [{kind, surface, field, zone}],
                                     #               tone: {entity_id: negative|neutral|positive}}],
                                     #   traps: [...], faults: [...]}]}

Keyword options: ``days`` (61: about two months ending at ``end_date``), ``port`` (0 = a free port per outlet;
N = that port on every outlet address), ``today`` (a date or callable for the header-date trap and the footer
year; the wall clock by default), ``archive`` (the national portal keeps eight October-2024 stories around the
Kominfo→Komdigi rename), ``entities``/``config_dir`` (the agency dictionary; the bundled one by default),
``hang_seconds`` (how long the faulty outlet's hanging page waits).

Outlets (outlet i listens on 127.0.0.(11+i), falling back to 127.0.0.1 where that address cannot be bound):

1. ``kabarmahakam`` — WordPress portal, Asia/Makassar (:mod:`crawler.demo.wordpress`)
2. ``diksinusa`` — custom CMS modelled on diksi.co, Asia/Makassar (:mod:`crawler.demo.customcms`)
3. ``gemanusantara`` — national portal, Asia/Jakarta, multi-page stories, advertorials (:mod:`crawler.demo.national`)
4. ``kabarrapuh`` — faulty outlet, only with ``include_faulty=True`` (:mod:`crawler.demo.faulty`)

Command line: ``python -m crawler.demo serve [--port N] [--faulty]`` prints one line per outlet
(``KEY URL``) and serves until killed; ``python -m crawler.demo truth`` prints the truth record as JSON.
``pantau demo serve`` does the same and can write the sources file.

Each outlet also carries the stories :mod:`crawler.demo.alerts` plants for the example alert rules (a spike,
first-time outlets, a keyword), appended after the generated ones so that those keep their pages.
Each outlet's newest stories (late on ``end_date``) are one of each :data:`~crawler.demo.topics.TONE_TOPICS`
topic: two clearly negative stories (complaints about a service, a stalled project) and two clearly positive ones
(an award, a WTP audit opinion) toward a named agency, recorded in the truth record's ``tone``.

Modules: :mod:`~crawler.demo.vocabulary` (words, date formats), :mod:`~crawler.demo.topics` (story templates,
traps), :mod:`~crawler.demo.agencies` (which names may be planted), :mod:`~crawler.demo.stories` (the generator),
:mod:`~crawler.demo.truth` (mentions and traps off the stories), :mod:`~crawler.demo.outlet` and one module per
outlet style (routes and HTML), :mod:`~crawler.demo.server` (HTTP), :mod:`~crawler.demo.site` (all together).
"""

from __future__ import annotations

from crawler.demo.site import DEFAULT_END_DATE, DEFAULT_PER_DAY, DEFAULT_SEED, DemoSite

__all__ = ["DEFAULT_END_DATE", "DEFAULT_PER_DAY", "DEFAULT_SEED", "DemoSite"]
