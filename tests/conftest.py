"""Shared fixtures: each kind of resource lives in its own module under tests/fixtures/."""

pytest_plugins = [
    "tests.fixtures.databases",
    "tests.fixtures.news_site",
    "tests.fixtures.demo_crawl",
    "tests.fixtures.redis_server",
    "tests.fixtures.receivers",
    "tests.fixtures.hostile_site",
]
