"""2n. Benchmark 2 over a network: the same broadcast at several round trips, one table.

Serang is about a quarter of a second from the Bot API (issue 11). Benchmark 2 (a broadcast
while residents ask /status, the simulator enforcing Telegram's limits) runs once per round
trip, each call's round trip ``rtt`` ± ``jitter_share`` of it (each leg drawn apart), and
the figures the issue names come side by side: all sends+edits/s while the broadcast ran
(replies included), the broadcast's share of them, the residents' /status p50 and p95, 429s
(and their share of the sends), lost and duplicated messages.

The Markdown table in the notes is the one kept in docs/benchmarks.md.
"""

from __future__ import annotations

from scripts.bench import broadcast
from scripts.bench.report import Result

NAME = "2n broadcast over a network"
RTTS = (0.0, 0.1, 0.25)
JITTER_SHARE = 0.2  # 250 ms ± 50 ms, as the issue puts it

HEADER = (
    "| round trip | sends+edits/s in all | broadcast sends/s | /status p50 / p95 | 429s (share)"
    " | lost | duplicates |"
)


def label(rtt: float, jitter: float) -> str:
    return f"{rtt * 1000:.0f} ± {jitter * 1000:.0f} ms" if rtt else "0 (loopback)"


def markdown_row(rtt: float, jitter: float, data: dict[str, float]) -> str:
    return (
        f"| {label(rtt, jitter)} | {data['rate_all']:.1f} | {data['rate']:.1f}"
        f" | {data['status_p50'] * 1000:.0f} / {data['status_p95'] * 1000:.0f} ms"
        f" | {data['429s']:.0f} ({data['share_429'] * 100:.2f} %)"
        f" | {data['lost']:.0f} | {data['duplicates']:.0f} |"
    )


async def run(recipients: int = 3000, askers: int = 20,
              rtts: tuple[float, ...] = RTTS, jitter_share: float = JITTER_SHARE,
              blocked_share: float = 0.05, deactivated_share: float = 0.01) -> Result:  # fmt: skip
    result = Result(NAME)
    lines = [HEADER, "|" + "---|" * 7]
    runs = []
    for rtt in rtts:
        jitter = rtt * jitter_share
        one = await broadcast.run(recipients=recipients, askers=askers, rtt=rtt, jitter=jitter,
                                  blocked_share=blocked_share,
                                  deactivated_share=deactivated_share)  # fmt: skip
        if not one.available:
            return one
        data = one.data
        at = label(rtt, jitter)
        result.add(f"{at}: sends+edits/s in all", data["rate_all"], "/s",
                   ">= 27 (90 % of 30)", data["rate_all"] >= 27)  # fmt: skip
        result.add(f"{at}: broadcast sends/s", data["rate"], "/s")
        result.add(f"{at}: /status p50 / p95",
                   f"{data['status_p50'] * 1000:.0f} / {data['status_p95'] * 1000:.0f}", "ms",
                   "p95 < 1 s", data["status_p95"] < 1.0)  # fmt: skip
        result.add(f"{at}: 429s (share of sends)",
                   f"{data['429s']} ({data['share_429'] * 100:.2f} %)", "", "<= 0.1 %",
                   data["share_429"] <= 0.001)  # fmt: skip
        result.add(f"{at}: lost / duplicates", f"{data['lost']} / {data['duplicates']}", "",
                   "0 / 0", data["lost"] == data["duplicates"] == 0)  # fmt: skip
        lines.append(markdown_row(rtt, jitter, data))
        runs.append({"rtt": rtt, "jitter": jitter, **data})
    result.notes.append("\n".join(lines))
    result.data = {"recipients": recipients, "askers": askers, "runs": runs}
    return result
