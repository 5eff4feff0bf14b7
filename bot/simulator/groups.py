"""SimGroup: a supergroup a test declares (e.g. the staff group with topics), read and acted
on as its human admins would."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from bot.simulator.forum import ICON_COLORS, ForumTopic, GroupState, topic_name
from bot.simulator.forum_methods import delete_topic
from bot.simulator.models import ChatState, SentMessage
from bot.simulator.state import SimState
from bot.simulator.transcript import topic_prefix, user_line
from bot.simulator.users import SimUser

_ANY: Any = object()  # next_message(): a message in any topic
_LINE_TOPIC = re.compile(r"[<>] (?:\(edit #\d+\) )?\(topic (\d+)\) ")


def _line_thread(line: str) -> int | None:
    match = _LINE_TOPIC.match(line)
    return int(match.group(1)) if match else None


class SimGroup:
    """One supergroup: members, topics, the bot's messages in each topic.

    Each bot message is read once: next_message(thread_id=...) takes the oldest unread one
    of that topic and leaves the others unread, so topics can be awaited in any order
    without a message being skipped or returned twice."""

    def __init__(self, state: SimState, chat: ChatState, group: GroupState) -> None:
        self._state = state
        self.chat = chat
        self.group = group
        # Which bot events (indexes into chat.events) a test has read: each is returned
        # once, whichever topic it was asked from.
        self._read: set[int] = set()
        self._floor = 0

    def __repr__(self) -> str:
        return f"SimGroup({self.id}, {self.title!r})"

    @property
    def id(self) -> int:
        return self.chat.id

    @property
    def title(self) -> str:
        return self.chat.first_name

    # members ------------------------------------------------------------------------------
    def add(self, user: SimUser, *, admin: bool = False) -> SimUser:
        """The user joins the group (as an admin with all rights when `admin`)."""
        self.group.members[user.id] = admin
        return user

    def remove(self, user: SimUser) -> None:
        self.group.members.pop(user.id, None)

    # the bot ------------------------------------------------------------------------------
    def set_bot_rights(
        self,
        *,
        admin: bool | None = None,
        can_manage_topics: bool | None = None,
        can_delete_messages: bool | None = None,
    ) -> None:
        """The group's owner promotes or demotes the bot (None: leave as it is)."""
        if admin is not None:
            self.group.bot_admin = admin
        if can_manage_topics is not None:
            self.group.can_manage_topics = can_manage_topics
        if can_delete_messages is not None:
            self.group.can_delete_messages = can_delete_messages

    def kick_bot(self) -> None:
        """The bot is removed from the group: its calls there answer 403 "bot was kicked
        from the supergroup chat" and nothing written there reaches it."""
        self.chat.status = "kicked"

    def add_bot_back(self) -> None:
        self.chat.status = "ok"

    # topics -------------------------------------------------------------------------------
    @property
    def topics(self) -> list[ForumTopic]:
        """Every topic, in creation order, closed and deleted ones included."""
        return list(self.group.topics.values())

    def topic(self, thread_id: int) -> ForumTopic:
        topic = self.group.topics.get(thread_id)
        if topic is None:
            raise AssertionError(f"{self!r} has no topic {thread_id}; topics: {self.topics}")
        return topic

    def open_topics(self) -> list[ForumTopic]:
        return [t for t in self.group.topics.values() if not t.closed and not t.deleted]

    def topic_named(self, name: str) -> ForumTopic | None:
        """The newest topic of this name that is not deleted."""
        for topic in reversed(self.group.topics.values()):
            if topic.name == name and not topic.deleted:
                return topic
        return None

    # reading ------------------------------------------------------------------------------
    def messages(self, thread_id: int | None = None) -> list[SentMessage]:
        """The bot's messages in a topic (None: General), current versions, deleted ones
        included (flagged)."""
        return [m for m in self.chat.messages if m.message_thread_id == thread_id]

    async def next_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 (a bound on the assertion, as SimUser's)
        *,
        thread_id: int | None = _ANY,
    ) -> SentMessage:
        """The oldest bot send or edit in the group (in topic `thread_id` when given; None
        is General) not yet returned by next_message or wait_idle."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for index in self._unread():
                message = self.chat.events[index].message
                if thread_id is _ANY or message.message_thread_id == thread_id:
                    self._read.add(index)
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                where = "" if thread_id is _ANY else f" in topic {thread_id}"
                raise AssertionError(
                    f"{self!r}: no message from the bot{where} within {timeout:g}s.\n"
                    f"Transcript:\n{self.transcript()}"
                )
            await self.chat.wait_changed(remaining)

    def _unread(self) -> list[int]:
        while self._floor in self._read:
            self._read.discard(self._floor)
            self._floor += 1
        return [i for i in range(self._floor, len(self.chat.events)) if i not in self._read]

    async def wait_idle(
        self,
        quiet: float = 0.3,
        timeout: float = 5.0,  # noqa: ASYNC109 (as SimUser.wait_idle)
    ) -> list[SentMessage]:
        """Every bot send or edit in the group not yet read, until the bot has had the
        group's updates and stays quiet for `quiet` seconds."""
        chat = self.chat
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        last_activity = loop.time()
        collected: list[SentMessage] = []
        while True:
            for index in self._unread():
                collected.append(chat.events[index].message)
                self._read.add(index)
            now = loop.time()
            if chat.pending_updates == 0 and now - last_activity >= quiet:
                return collected
            if now >= deadline:
                raise AssertionError(
                    f"{self!r}: the bot did not go quiet within {timeout:g}s.\n"
                    f"Transcript:\n{self.transcript()}"
                )
            wait = deadline - now if chat.pending_updates else quiet - (now - last_activity)
            if await chat.wait_changed(max(min(wait, deadline - now), 0.001)):
                last_activity = loop.time()

    def transcript(self, thread_id: int | None = _ANY) -> str:
        """Both sides of the group, one line per event; only topic `thread_id` when given
        (None: General)."""
        lines = self.chat.log
        if thread_id is not _ANY:
            lines = [line for line in lines if _line_thread(line) == thread_id]
        return "\n".join(lines) if lines else "(nothing yet)"

    # a human admin acting ------------------------------------------------------------------
    async def create_topic(
        self, name: str, *, by: SimUser, icon_color: int = ICON_COLORS[0]
    ) -> ForumTopic:
        """A member creates a topic in the app; the bot gets the forum_topic_created message."""
        self._check_admin(by, may_be_member=True)
        clean = topic_name(name)
        message_id = self.chat.new_message_id()
        topic = ForumTopic(message_id, clean, icon_color, created_by=by.id)
        self.group.topics[message_id] = topic
        created = {"name": topic.name, "icon_color": topic.icon_color}
        await self._service(by, topic, {"forum_topic_created": created}, "created")
        return topic

    async def close_topic(self, thread_id: int, *, by: SimUser) -> None:
        """An admin closes the topic in the app; the bot gets forum_topic_closed."""
        self._check_admin(by)
        topic = self._live(thread_id)
        if topic.closed:
            raise AssertionError(f"{self!r}: topic {thread_id} is already closed")
        topic.closed = True
        await self._service(by, topic, {"forum_topic_closed": {}}, "closed")

    async def reopen_topic(self, thread_id: int, *, by: SimUser) -> None:
        """An admin reopens the topic in the app; the bot gets forum_topic_reopened."""
        self._check_admin(by)
        topic = self._live(thread_id)
        if not topic.closed:
            raise AssertionError(f"{self!r}: topic {thread_id} is open")
        topic.closed = False
        await self._service(by, topic, {"forum_topic_reopened": {}}, "reopened")

    def delete_topic(self, thread_id: int) -> None:
        """An admin deletes the topic in the app: it goes with its messages and Telegram
        tells the bot nothing; its next send there meets "message thread not found"."""
        delete_topic(self.chat, self.group, self._live(thread_id))

    def _live(self, thread_id: int) -> ForumTopic:
        topic = self.group.live_topic(thread_id)
        if topic is None:
            raise AssertionError(f"{self!r}: no live topic {thread_id}")
        return topic

    def _check_admin(self, user: SimUser, *, may_be_member: bool = False) -> None:
        if user.id not in self.group.members:
            raise AssertionError(f"{user!r} is not a member of {self!r}")
        if not may_be_member and not self.group.members[user.id]:
            raise AssertionError(f"{user!r} is not an admin of {self!r}")

    async def _service(
        self, by: SimUser, topic: ForumTopic, content: dict[str, Any], what: str
    ) -> None:
        message_id = topic.thread_id if what == "created" else self.chat.new_message_id()
        self.group.service_message_ids.add(message_id)
        self.group.thread_of[message_id] = topic.thread_id
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.chat.chat_json(),
            "from": by.as_json(),
            "message_thread_id": topic.thread_id,
            "is_topic_message": True,
            **content,
        }
        line = f"{topic_prefix(topic.thread_id)}{by.first_name}: [topic {what}: {topic.name}]"
        self.chat.log.append(user_line(line))
        # Service messages reach a bot in a group whatever its privacy mode.
        self._state.enqueue("message", message, self.id)
        await asyncio.sleep(0)
