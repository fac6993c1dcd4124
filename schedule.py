#!/usr/bin/env python3
"""Pantau's scheduled daemon from a clone: ``python schedule.py [OPTIONS]`` is ``pantau [GLOBAL OPTIONS] daemon
[OPTIONS]``.

Installed Pantau (``pip install pantau``) has no schedule.py: its entry point is ``pantau daemon``. This script is
for running the daemon from a clone of the repository. Run from a clone (the script beside the clone's
``crawler/`` and ``pyproject.toml``), it runs that clone's code, even when another Pantau is installed and even
under ``python -P``; a copy of the script anywhere else runs the installed Pantau, never a stray ``crawler/``
folder that happens to sit beside the copy. Either way it says at start-up which code it runs.

A script, not a module: Pantau never installs a top-level module named ``schedule`` (a popular PyPI package has
that name). The global options ``--database-url``, ``--config`` and ``-v`` may be given here too, e.g.

    python schedule.py --database-url sqlite:///pantau.db --config ./config --log-format json
"""

from __future__ import annotations

import sys
from pathlib import Path

GLOBAL_OPTIONS_WITH_VALUE = ("--database-url", "--config")
GLOBAL_FLAGS = ("-v", "-vv", "--verbose")


def daemon_argv(argv: list[str]) -> list[str]:
    """Move the global options in ``argv`` before the ``daemon`` command; everything else goes after it."""
    global_args: list[str] = []
    daemon_args: list[str] = []
    arguments = iter(argv)
    for argument in arguments:
        name = argument.split("=", 1)[0]
        if name in GLOBAL_OPTIONS_WITH_VALUE:
            global_args.append(argument)
            if "=" not in argument:
                global_args.append(next(arguments, ""))
        elif argument in GLOBAL_FLAGS:
            global_args.append(argument)
        else:
            daemon_args.append(argument)
    return [*global_args, "daemon", *daemon_args]


def is_clone(folder: Path) -> bool:
    """Whether ``folder`` is the root of a Pantau source tree (a clone), not just any folder."""
    pyproject = folder / "pyproject.toml"
    return (folder / "crawler" / "cli" / "__init__.py").is_file() and pyproject.is_file() \
        and 'name = "pantau"' in pyproject.read_text(encoding="utf-8")


def use_code_for(script_folder: Path, path: list[str]) -> tuple[list[str], bool]:
    """``sys.path`` for a schedule.py in ``script_folder``: the clone first when it is one, else without it."""
    here = script_folder.resolve()
    others = [entry for entry in path if Path(entry or ".").resolve() != here]
    if is_clone(here):
        return [str(here), *others], True
    return others, False


def describe_code(from_clone: bool) -> str:
    """One line naming the Pantau code this process runs: this clone, or the installed package and its version."""
    import crawler

    root = Path(crawler.__file__).resolve().parent.parent
    if from_clone:
        return f"schedule.py: running Pantau from this clone, {root} (not from any installed pantau)"
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("pantau")
    except PackageNotFoundError:
        installed = "of unknown version"
    return f"schedule.py: running the installed Pantau {installed} from {root}"


if __name__ == "__main__":
    sys.path[:], _from_clone = use_code_for(Path(__file__).parent, sys.path)
    print(describe_code(_from_clone), file=sys.stderr)

    from crawler.cli import main

    main(daemon_argv(sys.argv[1:]))
