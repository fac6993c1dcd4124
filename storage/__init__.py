"""Pantau's storage: SQLAlchemy models, Alembic migrations and the only code that writes SQL.

Open a database with :func:`connect` (migrates on first use), mirror the config with :func:`sync_config`,
record crawls with :func:`start_run` / :func:`finish_run`, and store articles with :class:`ArticleWriter`.
Every expected failure is a :class:`StorageError` with a one-line message.
"""

from storage.db import StorageError, connect, create_engine, current_revision, head_revision, safe_url, upgrade
from storage.repository import (
    ArticleWriter,
    RunRecord,
    RunStats,
    StoredArticle,
    SyncResult,
    UnknownSourceError,
    count_articles,
    count_mentions,
    explicit_aliases,
    finish_run,
    known_canonical_urls,
    mark_orphaned_runs_interrupted,
    recent_runs,
    replace_mentions,
    replace_mentions_many,
    set_run_pid,
    start_run,
    stored_articles,
    sync_config,
    sync_derived_aliases,
)

__all__ = [
    "ArticleWriter", "RunRecord", "RunStats", "StorageError", "StoredArticle", "SyncResult", "UnknownSourceError",
    "connect", "count_articles", "count_mentions", "create_engine", "current_revision", "explicit_aliases", "finish_run", "head_revision",
    "known_canonical_urls", "mark_orphaned_runs_interrupted", "recent_runs", "replace_mentions",
    "replace_mentions_many", "safe_url", "set_run_pid", "start_run", "stored_articles", "sync_config",
    "sync_derived_aliases", "upgrade",
]
