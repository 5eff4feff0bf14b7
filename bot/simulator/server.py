"""BotApiSimulator: a loopback Telegram Bot API server running in the caller's event loop.

Start it, point PTB's Application at `sim.base_url` and `sim.base_file_url`, then drive the
bot through simulated users: `user = sim.user(1001, "Siti")`, `await user.send("/start")`,
`reply = await user.next_message()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from bot.simulator.errors import ApiError
from bot.simulator.forum import GroupState
from bot.simulator.groups import SimGroup
from bot.simulator.limits import FloodControl
from bot.simulator.methods import BotApiMethods
from bot.simulator.models import (
    ApiCall,
    CallbackQueryRecord,
    ChatState,
    FaultRule,
    SentMessage,
    StoredFile,
)
from bot.simulator.params import Params
from bot.simulator.state import SimState
from bot.simulator.users import SimUser
from bot.simulator.validation import command_scope_key

_LOGGER = logging.getLogger(__name__)
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected error",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_MAX_BODY = 60 * 1024 * 1024


class BotApiSimulator:
    """A strict, in-process stand-in for api.telegram.org (see the package docstring)."""

    def __init__(
        self,
        bot_username: str = "serang_pmi_bot",
        *,
        flood_limit: bool = True,
        global_rate: float = 30.0,
        chat_burst: int = 10,
        chat_rate: float = 1.0,
        bot_id: int = 7000000001,
        bot_first_name: str = "Serang PMI",
        host: str = "127.0.0.1",
        token: str | None = None,
        rtt: float = 0.0,
        jitter: float = 0.0,
        random_seed: int | None = 1,
        allow_http_webhook: bool = False,
    ) -> None:
        # Like Telegram, a token it does not know gets 401 Unauthorized; None takes any token
        # (most tests do not care which one the bot was given).
        self._token = token
        bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._state = SimState(bot_user, FloodControl(global_rate, chat_burst, chat_rate))
        self._state.flood_limit = flood_limit
        # Telegram takes https webhooks only; the tests' bot server is plain http on
        # 127.0.0.1, so they ask for it here. Nothing else is relaxed.
        self._state.allow_http_webhook = allow_http_webhook
        self._webhook_task: asyncio.Task[None] | None = None
        self.webhook_retry_delay = 0.5  # Telegram waits longer; tests need not
        self._methods = BotApiMethods(self._state)
        self._faults: list[FaultRule] = []
        self._users: dict[int, SimUser] = {}
        self._groups: dict[int, SimGroup] = {}
        self._host = host
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self.calls: list[ApiCall] = []
        self.rtt = rtt
        self.jitter = jitter
        self._rng = random.Random(random_seed)

    # lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Serve on host:<free port> in the running event loop."""
        if self._runner is not None:
            raise RuntimeError("the simulator is already running")
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        # Started again after a stop: the same port, as a server back from an outage.
        site = web.TCPSite(runner, self._host, self._port or 0)
        await site.start()
        self._port = int(runner.addresses[0][1])
        self._runner = runner
        self._state.closing = False
        self._webhook_task = asyncio.create_task(self._deliver_to_webhook())

    async def stop(self) -> None:
        """End pending long polls and close the server."""
        if self._runner is None:
            return
        self._state.shutdown()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def _deliver_to_webhook(self) -> None:
        """While a webhook is set, POST each update to it, in order, one at a time, with the
        secret header; anything but a 2xx keeps the update queued, records the error (as
        getWebhookInfo shows it) and tries again after a pause, as Telegram does."""
        state = self._state
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout, trust_env=False) as session:
            while True:
                update = state.next_for_webhook() if state.webhook_url else None
                if update is None:
                    await state.wait_for_updates(1.0)
                    continue
                headers = {"Content-Type": "application/json"}
                if state.webhook_secret is not None:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = state.webhook_secret
                body = json.dumps(update.to_json(), ensure_ascii=False)
                try:
                    async with session.post(state.webhook_url, data=body, headers=headers) as r:
                        ok = 200 <= r.status < 300
                        error = f"Wrong response from the webhook: {r.status} {r.reason}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    ok, error = False, f"Connection failed: {type(exc).__name__}"
                if ok:
                    state.delivered_to_webhook(update)
                    state.counters["webhook_deliveries"] += 1
                else:
                    state.webhook_last_error = (int(time.time()), error)
                    state.counters["webhook_errors"] += 1
                    await asyncio.sleep(self.webhook_retry_delay)

    async def __aenter__(self) -> BotApiSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("call `await sim.start()` first")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self._host}:{self.port}/file/bot"

    # configuration ------------------------------------------------------------------------
    @property
    def bot_user(self) -> dict[str, Any]:
        return dict(self._state.bot_user)

    @property
    def flood_limit(self) -> bool:
        """Master switch for flood control (overall window and per-chat buckets)."""
        return self._state.flood_limit

    @flood_limit.setter
    def flood_limit(self, enabled: bool) -> None:
        self._state.flood_limit = enabled
        self._state.flood.reset()

    @property
    def chat_flood_limit(self) -> bool:
        """Per-chat buckets on/off, while flood_limit is on (the overall window stays)."""
        return self._state.chat_flood_limit

    @chat_flood_limit.setter
    def chat_flood_limit(self, enabled: bool) -> None:
        self._state.chat_flood_limit = enabled

    @property
    def global_rate(self) -> float:
        return self._state.flood.global_rate

    @global_rate.setter
    def global_rate(self, rate: float) -> None:
        self._state.flood.global_rate = rate

    @property
    def callback_answer_timeout(self) -> float | None:
        """Seconds after which answerCallbackQuery is "too old" (None: never)."""
        return self._state.callback_answer_timeout

    @callback_answer_timeout.setter
    def callback_answer_timeout(self, seconds: float | None) -> None:
        self._state.callback_answer_timeout = seconds

    # chats and users ----------------------------------------------------------------------
    def chat(self, chat_id: int) -> ChatState:
        """The chat with this id (any id exists unless marked missing)."""
        return self._state.chat(chat_id)

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        language_code: str | None = "id",
        *,
        last_name: str | None = None,
        username: str | None = None,
        phone_number: str | None = None,
    ) -> SimUser:
        """The simulated user `user_id` (created on first use; the same object afterwards)."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        user = SimUser(
            self._state,
            user_id,
            first_name or f"User{user_id}",
            last_name=last_name,
            username=username,
            language_code=language_code,
            phone_number=phone_number,
        )
        self._users[user_id] = user
        return user

    def group(
        self,
        chat_id: int,
        title: str | None = None,
        *,
        forum: bool = False,
        bot_admin: bool = True,
        can_manage_topics: bool = True,
        can_delete_messages: bool = True,
    ) -> SimGroup:
        """The supergroup `chat_id` (negative), declared on first call with the bot in it
        (an admin with these rights unless bot_admin=False); the same object afterwards.
        Members must be added (`group.add(user)`) before they write there."""
        if chat_id >= 0:
            raise ValueError("a group chat id is negative")
        existing = self._groups.get(chat_id)
        if existing is not None:
            return existing
        chat = self._state.chat(chat_id)
        chat.type = "supergroup"
        chat.is_forum = forum
        chat.first_name = title or chat.first_name
        state = GroupState(chat_id, bot_admin, can_manage_topics, can_delete_messages)
        if not chat.messages and not chat.user_message_ids:
            # Message 1 of a supergroup is its creation (and General is thread 1), so the
            # first topic is never thread 1.
            created = chat.new_message_id()
            state.service_message_ids.add(created)
            state.thread_of[created] = None
        self._state.groups[chat_id] = state
        group = SimGroup(self._state, chat, state)
        self._groups[chat_id] = group
        return group

    def topic_messages(self, chat_id: int, thread_id: int | None) -> list[SentMessage]:
        """The bot's messages in one topic of a declared group (None: General)."""
        group = self._groups.get(chat_id)
        if group is None:
            raise AssertionError(f"no group {chat_id} declared with sim.group()")
        return group.messages(thread_id)

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: sends answer 403 "bot was blocked by the user"."""
        self._state.chat(chat_id).status = "blocked"

    def unblock(self, chat_id: int) -> None:
        self._state.chat(chat_id).status = "ok"

    def deactivate(self, chat_id: int) -> None:
        """The account was deleted: sends answer 403 "user is deactivated"."""
        self._state.chat(chat_id).status = "deactivated"

    def mark_missing(self, chat_id: int) -> None:
        """No such chat: calls answer 400 "chat not found"."""
        self._state.chat(chat_id).status = "missing"

    # faults -------------------------------------------------------------------------------
    def inject_error(
        self,
        method: str | None = "sendMessage",
        status: int = 429,
        description: str | None = None,
        retry_after: int | None = 2,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (None: any but getUpdates), optionally
        only those for `chat_id`, with this error. retry_after is sent with 429s only."""
        retry = max(1, int(retry_after or 1)) if status == 429 else None
        text = description or _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        self._faults.append(
            FaultRule(
                method=method.lower() if method else None,
                chat_id=chat_id,
                times=times,
                status=status,
                description=text.format(retry_after=retry),
                retry_after=retry,
            )
        )

    def inject_network_drop(
        self,
        times: int = 1,
        method: str | None = None,
        chat_id: int | None = None,
        *,
        after_processing: bool = False,
    ) -> None:
        """Close the connection without answering the next `times` matching calls (method
        None: any but getUpdates). With after_processing the call takes effect first, as when
        Telegram delivered a message but the reply was lost."""
        self._faults.append(
            FaultRule(
                method=method.lower() if method else None,
                chat_id=chat_id,
                times=times,
                drop=True,
                after_processing=after_processing,
            )
        )

    def clear_faults(self) -> None:
        self._faults.clear()

    def _take_fault(self, method: str, chat_id: int | None) -> FaultRule | None:
        for rule in self._faults:
            if rule.times > 0 and rule.matches(method, chat_id):
                rule.times -= 1
                if rule.times <= 0:
                    self._faults.remove(rule)
                return rule
        return None

    # records ------------------------------------------------------------------------------
    def on_bot_message(self, callback: Callable[[int, SentMessage, bool], Any]) -> None:
        """Call `callback(chat_id, message, is_edit)` for every send and edit (coroutines are
        scheduled as tasks)."""
        self._state.listeners.append(callback)

    @property
    def callback_queries(self) -> list[CallbackQueryRecord]:
        return list(self._state.callback_queries.values())

    def unanswered_callbacks(self) -> list[CallbackQueryRecord]:
        return [record for record in self.callback_queries if not record.answered]

    @property
    def files(self) -> dict[str, StoredFile]:
        return self._state.files

    @property
    def webhook_url(self) -> str:
        return self._state.webhook_url

    @property
    def menu_buttons(self) -> dict[int | None, dict[str, Any]]:
        return dict(self._state.menu_buttons)

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """The command list stored for exactly this scope and language (as getMyCommands)."""
        return list(self._state.commands.get(command_scope_key(scope, language_code), []))

    def stats(self) -> dict[str, int]:
        counters = self._state.counters
        return {
            "calls": len(self.calls),
            "sends": counters["sends"],
            "edits": counters["edits"],
            "deletes": counters["deletes"],
            "callback_answers": counters["callback_answers"],
            "429s": counters["429"],
            "403s": counters["403"],
            "400s": counters["400"],
            "network_drops": counters["drops"],
            "webhook_deliveries": counters["webhook_deliveries"],
            "webhook_errors": counters["webhook_errors"],
            "topics_created": counters["topics_created"],
        }

    def watch_bot(self, idle: Callable[[], bool] | None) -> None:
        """Tell the simulator how to see that the bot (in this process) has handled every
        update it took: `SimUser.wait_idle(settle=...)` then returns without the quiet time."""
        self._state.bot_idle = idle

    def pending_updates(self) -> int:
        """Updates queued for the bot and not yet confirmed by getUpdates."""
        return self._state.pending_update_count

    # network ------------------------------------------------------------------------------
    # A real network between the bot and Telegram: each call waits `rtt` / 2 on the way in
    # (before Telegram sees it: flood control counts it then) and `rtt` / 2 on the way back,
    # each leg drawn at random within ± `jitter` / 2, so a round trip lies in rtt ± jitter
    # and the two legs are not equal. Set at construction or later (sim.rtt = 0.25).
    def _leg(self) -> float:
        if self.rtt <= 0 and self.jitter <= 0:
            return 0.0
        half = self.jitter / 2
        return max(0.0, self.rtt / 2 + self._rng.uniform(-half, half))

    # HTTP ---------------------------------------------------------------------------------
    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        leg = self._leg()
        if leg:
            await asyncio.sleep(leg)
        response = await self._answer_api(request)
        leg = self._leg()
        if leg:
            await asyncio.sleep(leg)
        return response

    async def _answer_api(self, request: web.Request) -> web.StreamResponse:
        if self._token is not None and request.match_info["token"] != self._token:
            return self._finish(request.match_info["method"], None, ApiError(401, "Unauthorized"))
        found = self._methods.lookup(request.match_info["method"])
        if found is None:
            return self._finish(request.match_info["method"], None, ApiError(404, "Not Found"))
        name, handler = found
        try:
            params = await Params.from_request(request)
        except ApiError as err:
            return self._finish(name, None, err)
        chat_id = params.peek_chat_id()
        fault = self._take_fault(name.lower(), chat_id)
        if fault is not None and fault.drop and not fault.after_processing:
            return self._drop(request, name, chat_id)
        if fault is not None and not fault.drop:
            error = ApiError(fault.status, fault.description, fault.retry_after)
            return self._finish(name, chat_id, error)
        try:
            result = await handler(params)
        except ApiError as err:
            return self._finish(name, chat_id, err)
        except Exception as err:  # a simulator bug: say so loudly, still answer like Telegram
            _LOGGER.exception("simulator failed in %s", name)
            return self._finish(name, chat_id, ApiError(500, f"Internal Server Error: {err!r}"))
        if fault is not None:  # dropped after the call took effect
            return self._drop(request, name, chat_id)
        self.calls.append(ApiCall(time.monotonic(), name, chat_id, True))
        body = json.dumps({"ok": True, "result": result}, ensure_ascii=False)
        return web.Response(text=body, content_type="application/json")

    def _finish(self, name: str, chat_id: int | None, err: ApiError) -> web.Response:
        self.calls.append(
            ApiCall(time.monotonic(), name, chat_id, False, err.status, err.description)
        )
        self._state.counters[str(err.status)] += 1
        return _error_response(err)

    def _drop(self, request: web.Request, name: str, chat_id: int | None) -> web.Response:
        self.calls.append(ApiCall(time.monotonic(), name, chat_id, False, None))
        self._state.counters["drops"] += 1
        transport = request.transport
        if transport is not None:
            transport.abort()
        request.protocol.force_close()
        return web.Response(status=500)  # never reaches the client

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self._state.files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.data, content_type="application/octet-stream")


def _error_response(err: ApiError) -> web.Response:
    return web.Response(
        text=json.dumps(err.to_json(), ensure_ascii=False),
        status=err.status,
        content_type="application/json",
    )
