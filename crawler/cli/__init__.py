"""The ``pantau`` command line: one click group, one module per command family.

Global options (``--database-url``, ``--config``) live here and reach every command through
:class:`AppContext`. Library errors are specific exceptions; :func:`main` turns the expected ones into a
one-line message on stderr and a non-zero exit code, never a traceback. Database failures are turned into
that line here, in one place, for every command (:func:`storage.db.database_error` writes it).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from crawler.config import ConfigError, default_config_dir

DATABASE_ENV = "PANTAU_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///pantau.db"

# Exit codes: 1 = the work itself failed, 2 = the user's input (config, arguments) is wrong.
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


@dataclass
class AppContext:
    database_url: str
    config_dir: Path


class PantauError(Exception):
    """An expected failure the CLI reports as one line (``exit_code`` says which kind).

    ``already_reported``: the line was already logged to stderr (the daemon logs its refusals), so
    :func:`main` only exits.
    """

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *, exit_code: int | None = None, already_reported: bool = False) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
        self.already_reported = already_reported


# The --database-url of this invocation, for main's one-line database errors (set by the group callback).
_database_url_in_use: str | None = None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--database-url", envvar=DATABASE_ENV, default=DEFAULT_DATABASE_URL, show_default=True,
              help="SQLAlchemy URL of the database (env PANTAU_DATABASE_URL).")
@click.option("--config", "config_dir", envvar="PANTAU_CONFIG", type=click.Path(path_type=Path),
              default=None, help="Config folder with sources/ and entities/ (env PANTAU_CONFIG).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="pantau")
@click.pass_context
def cli(ctx: click.Context, database_url: str, config_dir: Path | None, verbose: int) -> None:
    """Pantau: monitor how the news covers Indonesian government agencies.

    Example: pantau crawl --demo
    """
    if not logging.getLogger().handlers:
        level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # Libraries that set their own loggers' levels (Scrapy sets its to DEBUG) still pass through this
        # handler: records from child loggers are not checked against the root logger's level.
        for handler in logging.getLogger().handlers:
            handler.setLevel(level)
    global _database_url_in_use
    _database_url_in_use = database_url
    ctx.obj = AppContext(database_url=database_url, config_dir=config_dir or default_config_dir())


def _register_commands() -> None:
    from crawler.cli import commands  # noqa: F401  (each module adds its commands to ``cli``)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI, turning expected errors into one line and an exit code."""
    _register_commands()
    try:
        cli.main(args=argv, prog_name="pantau", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except ConfigError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except PantauError as error:
        if not error.already_reported:
            click.echo(f"Error: {error}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except Exception as error:
        _exit_on_database_error(error)
        raise
    sys.exit(0)


def _exit_on_database_error(error: Exception) -> None:
    """Exit with one line when ``error`` is a database failure (any command, however deep it was raised)."""
    if _database_url_in_use is None:
        return
    from storage.db import DatabaseNotFound, database_error

    translated = database_error(_database_url_in_use, error)
    if translated is None:
        return
    click.echo(f"Error: {translated}", err=True)
    sys.exit(EXIT_BAD_INPUT if isinstance(translated, DatabaseNotFound) else EXIT_FAILED)
