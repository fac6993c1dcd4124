"""Imports every command module so that its commands register on the ``cli`` group."""

# Each import below adds commands to crawler.cli.cli; keep one line per module.
from crawler.cli import crawl  # noqa: F401
from crawler.cli import db  # noqa: F401
from crawler.cli import entities  # noqa: F401
from crawler.cli import match  # noqa: F401
from crawler.cli import demo  # noqa: F401
from crawler.cli import daemon  # noqa: F401
from crawler.cli import extract  # noqa: F401
from crawler.cli import rematch  # noqa: F401
from crawler.cli import report  # noqa: F401
from crawler.cli import search  # noqa: F401
from crawler.cli import export  # noqa: F401
from crawler.cli import access  # noqa: F401
from crawler.cli import workers  # noqa: F401
from crawler.cli import alerts  # noqa: F401
from crawler.cli import clusters  # noqa: F401
