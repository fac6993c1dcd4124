#!/usr/bin/env python3
"""Pantau's scheduled daemon: ``python schedule.py [OPTIONS]`` is ``pantau [GLOBAL OPTIONS] daemon [OPTIONS]``.

A script, not a module: Pantau never installs a top-level module named ``schedule`` (a popular PyPI package has
that name). The global options ``--database-url``, ``--config`` and ``-v`` may be given here too, e.g.

    python schedule.py --database-url sqlite:///pantau.db --config ./config --log-format json
"""

from __future__ import annotations

import sys

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


if __name__ == "__main__":
    from crawler.cli import main

    main(daemon_argv(sys.argv[1:]))
