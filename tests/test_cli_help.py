"""Every command documents itself: help text with an ``Example:`` line, reachable with --help."""

from __future__ import annotations

import click
import pytest

from crawler.cli import cli, main


def all_commands() -> list[tuple[str, click.Command]]:
    import crawler.cli.commands  # noqa: F401  (registers every command module on ``cli``)

    found: list[tuple[str, click.Command]] = []

    def walk(prefix: str, command: click.Command) -> None:
        found.append((prefix, command))
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)

    walk("", cli)
    return found


def test_the_documented_commands_exist():
    names = {name for name, _ in all_commands()}
    for expected in ("crawl", "sources list", "sources check", "entities list", "runs", "query", "db upgrade",
                     "demo serve", "extract", "match", "rematch", "daemon", "status"):
        assert expected in names, f"pantau {expected} is missing"


@pytest.mark.parametrize("name,command", all_commands(), ids=lambda value: value if isinstance(value, str) else "")
def test_every_command_has_help_with_an_example(name, command):
    if command.hidden:
        pytest.skip("hidden command")
    text = command.help or ""
    assert text.strip(), f"pantau {name} has no help text"
    assert "Example:" in text, f"pantau {name}: help must end with an 'Example:' line"
    example = text.split("Example:")[-1].strip().splitlines()[0]
    assert "pantau" in example or "schedule.py" in example, example


def test_help_runs_without_a_traceback(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "Example: pantau crawl --demo" in capsys.readouterr().out
