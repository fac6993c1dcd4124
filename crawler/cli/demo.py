"""``pantau demo …``: serve the generated demo news site (crawler.demo) for manual crawls and experiments."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import click

from crawler.cli import AppContext, cli


@cli.group()
def demo() -> None:
    """The bundled demo news site: generated Indonesian news outlets served on loopback addresses.

    Example: pantau demo serve --sources-file demo-config/sources/demo.toml
    """


@demo.command("serve")
@click.option("--port", type=int, default=None,
              help="Port for every outlet address (127.0.0.12, .13, …); default 8470, the port `pantau crawl "
                   "--demo` uses, so URLs stay the same between runs; 0 picks a free port per outlet.")
@click.option("--sources-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the [[sources]] TOML for the running site here instead of printing it.")
@click.option("--seed", type=int, default=None, help="Generator seed (same seed, same site).")
@click.option("--end-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date of the newest stories (default 2026-11-20).")
@click.option("--per-day", type=float, default=None,
              help="Stories per outlet and day (default 1; more for benchmarks).")
@click.option("--faulty", is_flag=True, help="Also serve the faulty outlet (500s, a hanging page, garbage, redirects).")
@click.option("--truth-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the truth record (what a perfect crawl finds) as JSON.")
@click.pass_obj
def serve(app: AppContext, port: int | None, sources_file: Path | None, seed: int | None, end_date: dt.datetime | None,
          per_day: float | None, faulty: bool, truth_file: Path | None) -> None:
    """Serve the demo news site until interrupted (Ctrl-C), with a ready sources file pointing at it.

    Prints one line per outlet (key and URL), then the sources TOML unless --sources-file is given. Put that
    file in a config folder beside entities/ and crawl it with `pantau --config DIR crawl`.

    Example: pantau demo serve --port 8080 --sources-file demo-config/sources/demo.toml
    """
    from crawler.demo import DemoSite
    from crawler.demo.site import DEFAULT_END_DATE, DEFAULT_PER_DAY, DEFAULT_PORT, DEFAULT_SEED

    port = DEFAULT_PORT if port is None else port

    site = DemoSite(seed=DEFAULT_SEED if seed is None else seed,
                    end_date=end_date.date() if end_date else DEFAULT_END_DATE,
                    per_day=DEFAULT_PER_DAY if per_day is None else per_day, include_faulty=faulty, port=port)
    try:
        site.start()
    except OSError as error:
        raise click.ClickException(f"cannot listen on port {port} ({error.strerror}); "
                                   "choose another with --port or use --port 0") from None
    with site:
        for outlet in site.outlets:
            click.echo(f"{outlet.key} {outlet.home_url}")
        toml = site.sources_toml()
        if sources_file:
            sources_file.parent.mkdir(parents=True, exist_ok=True)
            sources_file.write_text(toml, encoding="utf-8")
            click.echo(f"Sources written to {sources_file}")
        else:
            click.echo(toml)
        if truth_file:
            truth_file.parent.mkdir(parents=True, exist_ok=True)
            truth_file.write_text(site.truth_json(), encoding="utf-8")
            click.echo(f"Truth record written to {truth_file}")
        click.echo("Serving; press Ctrl-C to stop.", err=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
