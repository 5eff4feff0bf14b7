"""3. One person floods the bot: does anyone else notice?

The simulator enforces Telegram's limits (30 sends+edits/s overall; per private chat a burst
of 10, then 1/s). One resident sends 500 messages in 10 s, the last one /info; two other
residents send /info every 0.5 s while it lasts (twenty each: as many as Telegram lets the
bot answer one chat in 10 s, a burst of 10 and then one a second). The bot
runs as deployed, in its own process.

Reported: the others' wait for each /info answer (p50 / p95) and how many were answered at
all (within 180 s), the 429s the bot met, what the flooder got (replies, "please wait"
notices) and the flooder's recovery: from its last message to the bot's answer to it.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from bot.simulator import BotApiSimulator, SentMessage
from scripts.bench.harness import BotProcess, percentile
from scripts.bench.report import Result
from scripts.bench.rush import classify_429s

NAME = "3 flood"
FLOODER = 4_000_000
ASKERS = 4_000_001
INFO_MARK = "KUR PMI"  # a phrase of the /info answer, in Indonesian
NOTICE_MARK = "Mohon tunggu sebentar"


async def run(
    messages: int = 500,
    seconds: float = 10.0,
    askers: int = 2,
    ask_every: float = 0.5,
    ask_after: float = 0.0,
    answer_within: float = 180.0,
    rtt: float = 0.0,
    jitter: float = 0.0,
) -> Result:
    result = Result(NAME)
    with tempfile.TemporaryDirectory(prefix="bench-flood-") as tmp:
        database = Path(tmp) / "flood.sqlite3"
        async with BotApiSimulator(flood_limit=True, rtt=rtt, jitter=jitter) as sim:
            asker_ids = [ASKERS + i for i in range(askers)]
            replies: dict[int, list[tuple[float, str]]] = {uid: [] for uid in
                                                            [FLOODER, *asker_ids]}  # fmt: skip

            def on_message(chat_id: int, message: SentMessage, is_edit: bool) -> None:
                if not is_edit and chat_id in replies:
                    replies[chat_id].append((time.monotonic(), message.text))

            sim.on_bot_message(on_message)
            bot = BotProcess(sim, kind="real", database=database)
            await bot.start()
            try:
                before = sim.stats()
                flooder = sim.user(FLOODER, first_name="Banjir")
                users = [sim.user(uid, first_name="Warga") for uid in asker_ids]
                asked: dict[int, list[float]] = {uid: [] for uid in asker_ids}
                start = time.monotonic()

                async def flood() -> float:
                    for i in range(messages):
                        await asyncio.sleep(max(0.0, start + i * seconds / messages
                                                - time.monotonic()))  # fmt: skip
                        await flooder.send("/info" if i == messages - 1 else f"halo {i}")
                    return time.monotonic()

                async def ask(uid: int, offset: float) -> None:
                    user = users[asker_ids.index(uid)]
                    k = 0
                    while (at := start + offset + k * ask_every) < start + seconds + ask_after:
                        await asyncio.sleep(max(0.0, at - time.monotonic()))
                        asked[uid].append(time.monotonic())
                        await user.send("/info")
                        k += 1

                offsets = [i * ask_every / askers for i in range(askers)]
                flooding = asyncio.create_task(flood())
                await asyncio.gather(
                    *(ask(uid, off) for uid, off in zip(asker_ids, offsets, strict=True))
                )
                stopped = await flooding

                def answers(uid: int) -> list[float]:
                    return [at for at, text in replies[uid] if INFO_MARK in text]

                def recovered() -> float | None:
                    after = [at for at in answers(FLOODER) if at >= stopped]
                    return after[0] - stopped if after else None

                deadline = time.monotonic() + answer_within
                while time.monotonic() < deadline:
                    if recovered() is not None and all(
                        len(answers(uid)) >= len(asked[uid]) for uid in asker_ids
                    ):
                        break
                    await asyncio.sleep(0.1)
                after = sim.stats()
                overall, per_chat = classify_429s(sim)
            finally:
                await bot.stop()

    waits: list[float] = []
    unanswered = 0
    for uid in asker_ids:
        got = answers(uid)
        # One answer per /info, in order: the k-th answer is the k-th question's.
        waits += [a - q for q, a in zip(asked[uid], got, strict=False)]
        unanswered += max(0, len(asked[uid]) - len(got))
    total = sum(len(v) for v in asked.values())
    too_many = after["429s"] - before["429s"]
    sends = after["sends"] + after["edits"] - before["sends"] - before["edits"]
    p50, p95 = percentile(waits, 50), percentile(waits, 95)
    recovery = recovered()
    to_flooder = len(replies[FLOODER])
    notices = sum(1 for _at, text in replies[FLOODER] if NOTICE_MARK in text)
    result.add("flood", f"{messages} messages in {seconds:.0f} s, {askers} others ask /info "
               f"every {ask_every} s")  # fmt: skip
    if rtt:
        result.add("round trip added", f"{rtt * 1000:.0f} ± {jitter * 1000:.0f}", "ms")
    result.add("others' /info wait p50 / p95", f"{p50:.2f} / {p95:.2f}", "s", "p95 < 1 s",
               p95 < 1.0 if waits else None)  # fmt: skip
    result.add("others' /info answered", f"{total - unanswered} / {total}", "",
               f"all within {answer_within:.0f} s", unanswered == 0)  # fmt: skip
    result.add("429 answers", too_many)
    result.add("  of which overall / per chat", f"{overall} / {per_chat}")
    result.add("sends+edits", sends)
    result.add("messages to the flooder (notices)", f"{to_flooder} ({notices})")
    result.add("flooder answered again after", "n/a" if recovery is None else recovery,
               "" if recovery is None else "s", "< 30 s",
               recovery is not None and recovery < 30)  # fmt: skip
    if recovery is None:
        result.notes.append(f"the flooder's last message got no answer within "
                            f"{answer_within:.0f} s")  # fmt: skip
    result.data = {
        "messages": messages, "seconds": seconds, "askers": askers, "asked": total,
        "unanswered": unanswered, "p50": p50, "p95": p95, "429s": too_many,
        "429_overall": overall, "429_per_chat": per_chat, "sends": sends,
        "to_flooder": to_flooder, "notices": notices, "recovery": recovery,
        "rtt": rtt, "jitter": jitter,
    }  # fmt: skip
    return result
