"""Pantau: a news-monitoring and media-coverage crawler for Indonesian government public relations.

This package is the application: the command line, configuration, Scrapy settings, the pure domain logic
(extraction, dates, agency matching) and the generated demo news site used by ``--demo``, tests and
benchmarks. Spiders, pipelines and storage are sibling packages.
"""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"
