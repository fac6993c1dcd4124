"""``python -m crawler …`` runs the same command line as ``pantau …`` (the daemon uses it for child crawls)."""

from crawler.cli import main

main()
