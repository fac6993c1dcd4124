"""``pantau db grant-readonly``: a read-only PostgreSQL role for analysts (storage.access does the SQL)."""

from __future__ import annotations

import os

import click

from crawler.cli import AppContext
from crawler.cli.db import db_group, open_database, storage_errors


@db_group.command("grant-readonly")
@click.argument("role")
@click.option("--password-env", metavar="VAR", default=None,
              help="Set the role's password from this environment variable (never on the command line).")
@click.option("--no-login", is_flag=True, help="Create a group role without LOGIN (grant it to people).")
@click.pass_obj
def grant_readonly(app: AppContext, role: str, password_env: str | None, no_login: bool) -> None:
    """Create or update a PostgreSQL role that can read every table and view but change nothing.

    Its sessions are read-only by default and it gets SELECT on tables and views that later migrations add.
    Run it as the database owner. SQLite has no roles: see docs/analysts.md for read-only use of the file.

    Example: ANALYST_PASSWORD=… pantau db grant-readonly analyst --password-env ANALYST_PASSWORD
    """
    from storage.access import grant_read_only

    password = None
    if password_env is not None:
        password = os.environ.get(password_env)
        if password is None:
            raise click.ClickException(f"environment variable {password_env} is not set; export it first")
    from storage.db import create_engine

    with storage_errors():  # SQLite has no roles: say so before anything else (even for a missing file)
        probe = create_engine(app.database_url)
        try:
            if probe.dialect.name != "postgresql":
                grant_read_only(probe, role, password, login=not no_login)
        finally:
            probe.dispose()
    engine = open_database(app)
    try:
        with storage_errors():
            statements = grant_read_only(engine, role, password, login=not no_login)
    finally:
        engine.dispose()
    for statement in statements:
        click.echo(statement + ";")
    click.echo(f"Role {role} can now read (and only read) every table and view.", err=True)
