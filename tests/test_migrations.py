"""Schema migrations and opening databases: upgrade and downgrade, models agree with migrations, concurrent
first use, SQLite session settings, and one-line errors for bad URLs and unreachable servers."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import storage
from storage.db import alembic_config, create_engine, downgrade, head_revision, migration_connection
from storage.models import Base

TABLES = {"source", "crawl_run", "article", "entity", "entity_alias", "mention", "quote"}


def _tables(engine: sa.Engine) -> set[str]:
    """The model tables in the database (later revisions add search tables that the models do not map)."""
    return set(sa.inspect(engine).get_table_names()) & TABLES


def _model_tables_only(name: str | None, type_: str, parent_names: dict) -> bool:
    return name in Base.metadata.tables if type_ == "table" else True


def test_migrations_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert storage.current_revision(engine) is None
        assert storage.upgrade(engine) == head_revision()
        assert _tables(engine) == TABLES
        downgrade(engine, "base")
        assert storage.current_revision(engine) is None
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
        assert sa.inspect(engine).get_view_names() == []
        storage.upgrade(engine)
        assert _tables(engine) == TABLES
        assert storage.current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_migrations_match_models(database_url: str) -> None:
    engine = storage.connect(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "compare_server_default": True, "include_name": _model_tables_only})
            assert compare_metadata(context, Base.metadata) == []
        with migration_connection(engine) as connection:
            command.check(alembic_config(connection))  # what `alembic check` runs; raises on a difference
    finally:
        engine.dispose()


def test_connect_migrates_on_first_use_and_twice_is_harmless(database_url: str) -> None:
    first = storage.connect(database_url)
    second = storage.connect(database_url)
    try:
        assert storage.current_revision(second) == head_revision()
    finally:
        first.dispose()
        second.dispose()


def test_connect_two_processes_at_once_migrate_once(database_url: str) -> None:
    script = textwrap.dedent(f"""
        import storage
        engine = storage.connect({database_url!r})
        print(storage.current_revision(engine))
    """)
    processes = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(4)]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err
        assert out.strip() == head_revision()
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    finally:
        engine.dispose()


def test_connect_refuses_a_database_from_a_newer_pantau(database_url: str) -> None:
    engine = storage.connect(database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    storage.db._migrated.clear()  # this process remembers it migrated the URL; forget that
    with pytest.raises(storage.StorageError, match="revision 9999.*upgrade Pantau"):
        storage.connect(database_url)


def test_connect_sqlite_creates_folder_and_sets_pragmas(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'deeper' / 'pantau.db'}"
    engine = storage.connect(url)
    try:
        assert (tmp_path / "nested" / "deeper" / "pantau.db").exists()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        engine.dispose()


def test_connect_plain_postgresql_url_uses_psycopg(postgres_url: str) -> None:
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    engine = storage.connect(plain)
    try:
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


@pytest.mark.parametrize("url, expected", [
    ("nonsense", "is not a database URL"),
    ("mysql://u@localhost/x", "unsupported database 'mysql'"),
    ("postgresql+nosuchdriver://u@localhost/x", "cannot use postgresql+nosuchdriver://u@localhost/x"),
    ("postgresql://pantau:s3cret@127.0.0.1:1/pantau", "cannot open database postgresql+psycopg://pantau:***@"),
])
def test_connect_bad_url_is_one_line_without_password(url: str, expected: str) -> None:
    with pytest.raises(storage.StorageError) as caught:
        storage.connect(url)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert "s3cret" not in message


def test_connect_unwritable_sqlite_folder_is_one_line(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(storage.StorageError, match="cannot create the folder") as caught:
        storage.connect(f"sqlite:///{blocker / 'sub' / 'pantau.db'}")
    assert "\n" not in str(caught.value)


def test_connect_not_a_database_file_is_one_line(tmp_path) -> None:
    path = tmp_path / "pantau.db"
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(storage.StorageError, match="cannot open database sqlite:///") as caught:
        storage.connect(f"sqlite:///{path}")
    assert "\n" not in str(caught.value)
