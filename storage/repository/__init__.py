"""Everything Pantau writes to SQL and the few reads the crawler needs, one module per aggregate.

Writes are Core statements, one transaction per unit of work (:func:`storage.db.write_transaction`), batched
where volume matters. The parts:

- :mod:`~storage.repository.common` — the tables, the clock, chunked IN lists, error wrapping;
- :mod:`~storage.repository.config_sync` — sources and agencies mirrored from the config files;
- :mod:`~storage.repository.runs` — crawl runs and the orphan check;
- :mod:`~storage.repository.articles` — :class:`ArticleWriter`, the one writer of articles;
- :mod:`~storage.repository.mentions` — mention and quote rows, replaced wholesale by re-matching;
- :mod:`~storage.repository.reads` — stored articles read back in pages, and their counts.

New capabilities (clusters, tone, alerts, fetch state …) get modules of their own beside this package.
"""

from __future__ import annotations

from storage.repository.articles import ArticleWriter, known_canonical_urls
from storage.repository.common import (  # noqa: F401 -- the helpers and tables are shared with storage's other modules
    FINISHED_STATUSES,
    RunStatus,
    RunTrigger,
    UnknownSourceError,
    _chunks,
    _source_row,
    _without_nul,
    _wrap,
    alias_table,
    article_table,
    crawl_run_table,
    entity_table,
    mention_table,
    quote_table,
    source_table,
    utc_now,
)
from storage.repository.config_sync import (
    SyncResult,
    explicit_aliases,
    sync_config,
    sync_derived_aliases,
)
from storage.repository.mentions import replace_mentions, replace_mentions_many
from storage.repository.reads import (
    StoredArticle,
    count_articles,
    count_mentions,
    stored_articles,
)
from storage.repository.runs import (
    PID_START_SLACK,
    RunRecord,
    RunStats,
    finish_run,
    mark_orphaned_runs_interrupted,
    process_alive,
    recent_runs,
    set_run_pid,
    start_run,
)

__all__ = [
    "FINISHED_STATUSES", "PID_START_SLACK", "ArticleWriter", "RunRecord", "RunStats", "RunStatus", "RunTrigger",
    "StoredArticle", "SyncResult", "UnknownSourceError", "count_articles", "count_mentions", "explicit_aliases",
    "finish_run", "known_canonical_urls", "mark_orphaned_runs_interrupted", "process_alive", "recent_runs",
    "replace_mentions", "replace_mentions_many", "set_run_pid", "start_run", "stored_articles", "sync_config",
    "sync_derived_aliases", "utc_now",
]
