"""Full-text search over article titles and texts, kept current by triggers on ``article``.

SQLite: an FTS5 external-content table ``article_fts(title, text)`` over ``article`` (rowid = article.id,
tokenizer unicode61 without diacritics) and three triggers. PostgreSQL: ``article_search(article_id, document)``
with a 'simple'-configuration tsvector (title weighted A, text B), a GIN index and one trigger. Both live
beside the models (storage/migrations/env.py leaves tables the models do not define alone), and both are
filled from the articles already stored when the revision runs. storage/search.py queries them.

Note for later migrations: a SQLite batch migration that recreates ``article`` drops its triggers; such a
revision must recreate them (copy ``_SQLITE_TRIGGERS``) and rebuild the index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_TABLE = """
CREATE VIRTUAL TABLE article_fts USING fts5(
    title, text, content='article', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
)"""

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER article_fts_after_insert AFTER INSERT ON article BEGIN
    INSERT INTO article_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END""",
    """CREATE TRIGGER article_fts_after_delete AFTER DELETE ON article BEGIN
    INSERT INTO article_fts (article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END""",
    """CREATE TRIGGER article_fts_after_update AFTER UPDATE OF title, text ON article BEGIN
    INSERT INTO article_fts (article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO article_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END""",
)

_POSTGRESQL_DOCUMENT = ("setweight(to_tsvector('simple', coalesce({row}title, '')), 'A') || "
                        "setweight(to_tsvector('simple', coalesce({row}text, '')), 'B')")

_POSTGRESQL = (
    """CREATE TABLE article_search (
    article_id integer PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE,
    document tsvector NOT NULL
)""",
    "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
    f"""CREATE FUNCTION pantau_article_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO article_search (article_id, document)
    VALUES (NEW.id, {_POSTGRESQL_DOCUMENT.format(row='NEW.')})
    ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
    RETURN NULL;
END
$$""",
    """CREATE TRIGGER article_search_refresh AFTER INSERT OR UPDATE OF title, text ON article
    FOR EACH ROW EXECUTE FUNCTION pantau_article_search_refresh()""",
    f"INSERT INTO article_search (article_id, document) SELECT id, {_POSTGRESQL_DOCUMENT.format(row='')} "
    "FROM article",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRESQL:
            op.execute(statement)
        return
    op.execute(_SQLITE_TABLE)
    for statement in _SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO article_fts (article_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS article_search_refresh ON article")
        op.execute("DROP FUNCTION IF EXISTS pantau_article_search_refresh()")
        op.execute("DROP TABLE IF EXISTS article_search")
        return
    for name in ("article_fts_after_update", "article_fts_after_delete", "article_fts_after_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS article_fts")
