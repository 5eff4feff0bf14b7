"""`python -m scripts.bench [NAMES...] [--quick]`: run the benchmarks, print a table, write JSON.

Names: interactive, rush, broadcast, network, flood, reminders, staff, memory, whatsapp,
wabroadcast, web, wa_registration
(default: all but network, which is broadcast three times over). `--quick`
runs small sizes to check the machinery (a few minutes in all); the full sizes are the
ones the issue names (the rush alone takes ~15 minutes: 1,000 registrations at 30 msg/s).
`--rtt 0.25 --jitter 0.05` puts a network between the bot and the simulator (each call's
round trip 250 ms ± 50 ms) for rush, broadcast and flood; `network` runs broadcast at 0, 100 ms
± 20 and 250 ms ± 50 and prints the three side by side (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import shlex
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from scripts.bench import (
    broadcast,
    flood,
    interactive,
    memory,
    network,
    reminders,
    rush,
    staff,
    wa_registration,
    wabroadcast,
    web,
    whatsapp,
)
from scripts.bench.harness import ROOT, machine
from scripts.bench.report import Result, table, write_json

NAMES = ("interactive", "rush", "broadcast", "network", "flood", "reminders", "staff", "memory",
         "whatsapp", "wabroadcast", "web", "wa_registration")  # fmt: skip
DEFAULT = tuple(n for n in NAMES if n != "network")


def plan(args: argparse.Namespace) -> dict[str, Callable[[], Awaitable[Result]]]:
    quick = args.quick
    net = {"rtt": args.rtt, "jitter": args.jitter}
    return {
        "interactive": lambda: interactive.run(
            residents=args.residents or (8 if quick else 20),
            registrations=2 if quick else 5,
            rounds=1 if quick else 5,
        ),
        "rush": lambda: rush.run(
            residents=args.rush_residents or (60 if quick else 1000),
            window=20.0 if quick else 60.0,
            **net,
        ),
        "broadcast": lambda: broadcast.run(
            recipients=args.recipients or (300 if quick else 3000), askers=5 if quick else 20,
            **net,
        ),
        "network": lambda: network.run(
            recipients=args.recipients or (300 if quick else 3000), askers=5 if quick else 20,
        ),
        "flood": lambda: flood.run(
            messages=100 if quick else 500, seconds=2.0 if quick else 10.0,
            **net,
        ),
        "reminders": lambda: reminders.run(pending=1000 if quick else 10_000),
        "staff": lambda: staff.run(applicants=1000 if quick else 10_000),
        "memory": lambda: memory.run(applicants=1000 if quick else 10_000),
        "whatsapp": lambda: whatsapp.run(recipients=args.recipients or (300 if quick else 3000)),
        "wabroadcast": lambda: wabroadcast.run(
            whatsapp=args.recipients or (300 if quick else 3000),
            telegram=100 if quick else 1000, askers=4 if quick else 20,
        ),
        "wa_registration": wa_registration.run,  # one registration: the same quick or not
        "web": lambda: web.run(
            applicants=1000 if quick else 10_000, export_rows=800 if quick else 8_000,
            repeat=3 if quick else 10, residents=3 if quick else 20,
        ),
    }


async def run_all(names: list[str], args: argparse.Namespace) -> list[Result]:
    jobs = plan(args)
    results = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        began = time.monotonic()
        try:
            result = await jobs[name]()
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            logging.getLogger("bench").exception("%s failed", name)
            result = Result(name, available=False)
            result.add("status", "failed")
            result.notes.append(f"{type(exc).__name__}: {exc}".splitlines()[0])
        result.seconds = time.monotonic() - began
        print(f"  {name}: {result.seconds:.1f} s", file=sys.stderr, flush=True)
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"one or more of {', '.join(NAMES)} (default: all but network)")
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--residents", type=int, default=None,
                        help="interactive: concurrent residents")
    parser.add_argument("--rush-residents", type=int, default=None)
    parser.add_argument("--recipients", type=int, default=None, help="broadcast: recipients")
    parser.add_argument("--rtt", type=float, default=0.0,
                        help="rush, broadcast, flood: seconds of round trip the simulator adds "
                        "to every call")
    parser.add_argument("--jitter", type=float, default=0.0,
                        help="with --rtt: each round trip varies by up to this many seconds")
    parser.add_argument("--limiter", default="as-built",
                        help="the bot's rate limiter as built; ptb: PTB's AIORateLimiter as the "
                        "bot first had it; smooth:LIMIT: the bot's own limiter, another limit/s "
                        "(experiments patched into the bench's bot process only)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")  # fmt: skip
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if not re.fullmatch(r"as-built|ptb|smooth:\d+", args.limiter):
        parser.error("--limiter: as-built, ptb or smooth:LIMIT (e.g. smooth:28)")
    unknown = [n for n in args.names if n not in NAMES]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # A bot process that quits cuts its pending long poll: aiohttp logs that as an error.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    names = list(dict.fromkeys(args.names)) or list(DEFAULT)
    os.environ["BENCH_LIMITER"] = args.limiter  # read by every bot process started
    info = machine()
    print(f"{info['cores']} cores on this machine", file=sys.stderr, flush=True)
    results = asyncio.run(run_all(names, args))
    for result in results:
        if args.limiter != "as-built":
            result.name += f" [{args.limiter} limiter]"
        if args.rtt and result.name.split()[0] in ("1b", "2", "3"):
            result.name += f" [rtt {args.rtt * 1000:.0f}±{args.jitter * 1000:.0f} ms]"
    print(table(results, info))
    command = "python -m scripts.bench " + shlex.join(argv)
    path = write_json(results, info, args.out, command.strip())
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
