"""The bot process of a benchmark: the real bot (or a bare PTB echo bot) in its own process.

The load generator and the simulator live in the parent; here runs only what a deployment
runs, so this process's CPU time and resident set size are the bot's own. The parent talks
to it over stdin/stdout, one line each way:

    <- READY {"start_seconds": ...}      after the bot has started polling
    -> stats                             <- STATS {"cpu": ..., "rss_kb": ..., ...}
    -> quit                              <- BYE {...}, then the process exits
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

TOKEN = "7000000001:bench"


def proc_status(field: str) -> int | None:
    """A kB figure from /proc/self/status (Linux); None where there is no /proc."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def usage() -> dict[str, Any]:
    # VmHWM is this program's own peak. ru_maxrss is not: Linux keeps it across exec, so a
    # child forked from a big parent reports the parent's size.
    peak = proc_status("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if sys.platform == "darwin":  # bytes there, kilobytes on Linux
            peak //= 1024
    return {"cpu": time.process_time(), "rss_kb": proc_status("VmRSS"), "maxrss_kb": peak,
            "wall": time.monotonic()}  # fmt: skip


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text: the least a bot can do per update."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


_OK = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])


async def mirror_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text gets a message with one button, as a question of the interview does."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text, reply_markup=_OK)


async def mirror_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap is answered and its message edited: the real bot's two calls per tap."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    n = context.bot_data["taps"] = context.bot_data.get("taps", 0) + 1
    await query.edit_message_text(f"tap {n}", reply_markup=_OK)


class EchoBot:
    """A bare PTB bot with the real bot's concurrency settings; over PTB's own httpx client
    (``http="httpx"``, the baseline of benchmark 1) or over the real bot's aiohttp client."""

    def __init__(
        self, base_url: str, file_url: str, poll_timeout: int, *, mirror: bool, http: str
    ) -> None:
        builder = Application.builder().token(TOKEN).base_url(base_url).base_file_url(file_url)
        if http == "aiohttp":  # the real bot's client (bot/http.py), for comparison only
            from bot.http import AiohttpRequest

            builder = builder.request(AiohttpRequest(connection_pool_size=64))
            builder = builder.get_updates_request(AiohttpRequest(connection_pool_size=1))
        else:  # PTB as it comes: httpx
            builder = builder.request(
                HTTPXRequest(connection_pool_size=64, httpx_kwargs={"trust_env": False})
            )
            builder = builder.get_updates_request(HTTPXRequest(httpx_kwargs={"trust_env": False}))
        self.app = builder.concurrent_updates(64).build()
        if mirror:  # the same Bot API calls per update as the real bot, and nothing else
            self.app.add_handler(MessageHandler(filters.TEXT, mirror_text))
            self.app.add_handler(CallbackQueryHandler(mirror_tap))
        else:
            self.app.add_handler(MessageHandler(filters.TEXT, echo))
        self.poll_timeout = poll_timeout

    async def start(self) -> None:
        await self.app.initialize()
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0, timeout=self.poll_timeout)

    async def stop(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()


async def serve(args: argparse.Namespace) -> None:
    began = time.monotonic()
    bot: Any
    if args.kind in ("echo", "mirror"):
        bot = EchoBot(args.base_url, args.file_url, args.poll_timeout,
                      mirror=args.kind == "mirror", http=args.http)  # fmt: skip
    else:
        from bot.config import Settings, parse_offsets
        from bot.runner import BotRunner

        if args.limiter != "as-built":
            _swap_rate_limiter(args.limiter)

        settings = Settings(
            bot_token=TOKEN,
            database_path=Path(args.database),
            admin_ids=frozenset(args.admin),
            broadcast_rate=args.broadcast_rate or Settings().broadcast_rate,
            reminder_offsets=(
                parse_offsets("offsets", args.reminder_offsets)
                if args.reminder_offsets
                else Settings().reminder_offsets
            ),
            log_level="WARNING",
            http_port=0,
            **_whatsapp_settings(args.whatsapp),
        )
        bot = BotRunner(
            settings,
            base_url=args.base_url,
            base_file_url=args.file_url,
            rate_limiter=not args.no_rate_limiter,
            poll_timeout=args.poll_timeout,
        )
    await bot.start()
    started = time.monotonic() - began
    gc.collect()
    listening = getattr(bot, "http", None)  # the real bot's HTTP server (the web pages)
    web = {"http": listening.base_url} if listening is not None else {}
    _say("READY", {"start_seconds": started, **usage(), **_feature_figures(bot), **web})

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while True:
            line = (await reader.readline()).decode().strip()
            if line == "stats":
                _say("STATS", usage())
            elif line in ("quit", ""):  # "" is end of input: the parent went away
                break
    finally:
        await bot.stop()
    _say("BYE", usage())


def _whatsapp_settings(spec: str | None) -> dict[str, Any]:
    """``--whatsapp BASE_URL,PHONE_ID,TOKEN,VERIFY_TOKEN,APP_SECRET``: the channel on, pointed
    at the parent's WhatsApp simulator."""
    if not spec:
        return {}
    base_url, phone_id, token, verify, secret = spec.split(",")
    return {"whatsapp_api_base_url": base_url, "whatsapp_phone_number_id": phone_id,
            "whatsapp_token": token, "whatsapp_verify_token": verify,
            "whatsapp_app_secret": secret}  # fmt: skip


def _feature_figures(bot: Any) -> dict[str, Any]:
    """What start-up hooks measured about themselves (the reminder jobs re-created)."""
    deps = getattr(bot, "deps", None)
    if deps is None:
        return {}
    service = getattr(deps, "reminders", None)  # None: not in this version of the bot
    stats = service.last_restore if service is not None else None
    if stats is None:
        return {}
    jobs = bot.app.job_queue.jobs(r"^reminder:") if bot.app and bot.app.job_queue else ()
    return {"reminders": {"seconds": stats.seconds, "scheduled": stats.scheduled,
                          "send_now": stats.send_now, "skipped": stats.skipped,
                          "jobs": len(jobs)}}  # fmt: skip


def _swap_rate_limiter(choice: str) -> None:
    """Experiment only (`--limiter ptb` or `--limiter smooth:LIMIT`): another rate limiter
    in the bot process, to compare with the one bot/app.py builds.

    "ptb" is PTB's AIORateLimiter(max_retries=3), the bot's first limiter (the "before" of
    benchmark 1b); "smooth:LIMIT" is the bot's SmoothRateLimiter with another limit per
    second. Patched here, never in bot/app.py."""
    import bot.app

    if not hasattr(bot.app, "SmoothRateLimiter"):
        raise SystemExit("--limiter: this bot/app.py does not build SmoothRateLimiter")
    if choice == "ptb":
        from telegram.ext import AIORateLimiter

        def factory() -> Any:
            return AIORateLimiter(max_retries=3)
    else:
        from bot.rate_limit import SmoothRateLimiter

        limit = int(choice.partition(":")[2])

        def factory() -> Any:
            return SmoothRateLimiter(limit=limit)

    bot.app.SmoothRateLimiter = factory  # type: ignore[assignment,misc]


def _say(tag: str, payload: dict[str, Any]) -> None:
    sys.stdout.write(f"{tag} {json.dumps(payload)}\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench.botproc")
    parser.add_argument("--kind", choices=("real", "echo", "mirror"), default="real")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--file-url", required=True)
    parser.add_argument("--database", default="bench.sqlite3")
    parser.add_argument("--admin", type=int, action="append", default=[])
    parser.add_argument("--no-rate-limiter", action="store_true")
    parser.add_argument("--poll-timeout", type=int, default=1)
    parser.add_argument("--broadcast-rate", type=float, default=None)
    parser.add_argument("--reminder-offsets", default=None)
    parser.add_argument("--limiter", default="as-built", help="as-built, ptb or smooth:LIMIT")
    parser.add_argument("--whatsapp", default=None,
                        help="BASE_URL,PHONE_ID,TOKEN,VERIFY_TOKEN,APP_SECRET: WhatsApp on")
    parser.add_argument("--http", choices=("httpx", "aiohttp"), default="httpx",
                        help="echo and mirror bots: their HTTP client")  # fmt: skip
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    logging.getLogger("httpx").setLevel(logging.WARNING)
    profile_to = os.environ.get("BENCH_PROFILE")
    if not profile_to:
        asyncio.run(serve(args))
        return
    # Profiling only (stdlib cProfile): BENCH_PROFILE=/tmp/prof writes /tmp/prof.<kind>.txt,
    # the functions by own time and by cumulative time.
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        asyncio.run(serve(args))
    finally:
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(45)
        stats.sort_stats("cumulative").print_stats(90)
        Path(f"{profile_to}.{args.kind}.txt").write_text(out.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main()
