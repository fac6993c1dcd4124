"""``python -m crawler.demo serve|truth``: the demo site without the rest of Pantau (tests start it as a
subprocess and read the outlet URLs from its first lines)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading

from crawler.demo.site import DEFAULT_END_DATE, DEFAULT_PER_DAY, DEFAULT_SEED, DemoSite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.demo", description=__doc__)
    parser.add_argument("command", choices=["serve", "truth", "sources"])
    parser.add_argument("--port", type=int, default=0, help="port for every outlet address (default: free ports)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--end-date", type=dt.date.fromisoformat, default=DEFAULT_END_DATE)
    parser.add_argument("--per-day", type=float, default=DEFAULT_PER_DAY)
    parser.add_argument("--faulty", action="store_true", help="also serve the faulty outlet")
    args = parser.parse_args(argv)
    site = DemoSite(seed=args.seed, end_date=args.end_date, per_day=args.per_day, include_faulty=args.faulty,
                    port=args.port)
    with site:
        if args.command == "truth":
            print(site.truth_json())
        elif args.command == "sources":
            print(site.sources_toml())
        else:
            for outlet in site.outlets:
                print(f"{outlet.key} {outlet.home_url}", flush=True)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
