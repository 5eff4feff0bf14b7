"""Supergroups a test declares, their members and forum topics, and Telegram's rules for them.

The rules and their error texts are the Bot API server's (tdlib/telegram-bot-api Client.cpp:
a thread it cannot find is "message thread not found", General (thread 1) included) and
tdlib's (ForumTopicManager: "the chat is not a forum", "not enough rights to create a
topic", "title must be non-empty", ...); TOPIC_ID_INVALID, TOPIC_NOT_MODIFIED and
TOPIC_CLOSED are the server's own words, passed through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.simulator.errors import bad_request

# The six colours Telegram offers for a topic icon (Bot API createForumTopic).
ICON_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
MAX_TOPIC_NAME = 128
GENERAL_THREAD_ID = 1
THREAD_NOT_FOUND = "message thread not found"


@dataclass(slots=True)
class ForumTopic:
    """One topic of a forum supergroup; its id is the id of the message that created it."""

    thread_id: int
    name: str
    icon_color: int
    created_by: int  # a user id, or the bot's own id
    icon_custom_emoji_id: str | None = None
    closed: bool = False
    deleted: bool = False

    def to_json(self) -> dict[str, Any]:
        """The Bot API's ForumTopic object."""
        body: dict[str, Any] = {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            body["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return body


@dataclass(slots=True)
class GroupState:
    """A supergroup declared by a test: the bot's rights, the members, the topics."""

    chat_id: int
    bot_admin: bool
    can_manage_topics: bool
    can_delete_messages: bool
    members: dict[int, bool] = field(default_factory=dict)  # user id -> is an admin
    topics: dict[int, ForumTopic] = field(default_factory=dict)
    service_message_ids: set[int] = field(default_factory=set)
    # The topic of every message in the group (bot's, users', service), None for General.
    thread_of: dict[int, int | None] = field(default_factory=dict)

    @property
    def bot_manages_topics(self) -> bool:
        return self.bot_admin and self.can_manage_topics

    @property
    def bot_deletes_messages(self) -> bool:
        return self.bot_admin and self.can_delete_messages

    def live_topic(self, thread_id: int) -> ForumTopic | None:
        topic = self.topics.get(thread_id)
        return None if topic is None or topic.deleted else topic


def clean_topic_name(name: str) -> str:
    """As tdlib's clean_name: control characters become spaces, the ends are trimmed and
    the rest is cut to 128 characters."""
    cleaned = "".join(" " if ord(ch) < 32 else ch for ch in name).strip()
    return cleaned[:MAX_TOPIC_NAME].rstrip()


def topic_name(raw: str | None) -> str:
    name = clean_topic_name(raw or "")
    if not name:
        raise bad_request("title must be non-empty")
    return name


def icon_color(value: int | None, default: int) -> int:
    """No colour (or 0, what the Bot API sends for none): the default; else one of the six."""
    if not value:
        return default
    if value not in ICON_COLORS:
        raise bad_request("invalid icon color specified")
    return value


def thread_for_send(
    group: GroupState | None, chat_type: str, is_forum: bool, thread_id: int | None
) -> int | None:
    """The topic a send goes to (None: no topic), or the Bot API's error.

    As the Bot API server: no thread or a negative one means none; in a forum the thread
    must be a live topic (General is never addressed by id); a private chat has no topics
    for this bot; any other chat ignores the parameter."""
    if not thread_id or thread_id < 0:
        return None
    if chat_type == "private":
        raise bad_request(THREAD_NOT_FOUND)
    if group is None or not is_forum:
        return None
    topic = group.live_topic(thread_id)
    if thread_id == GENERAL_THREAD_ID or topic is None:
        raise bad_request(THREAD_NOT_FOUND)
    if topic.closed and not group.bot_manages_topics:
        raise bad_request("TOPIC_CLOSED")
    return thread_id


def topic_to_manage(group: GroupState, thread_id: int | None) -> ForumTopic:
    """The live topic an edit/close/reopen/delete is about."""
    if not thread_id or thread_id <= 0:
        raise bad_request("invalid message thread identifier specified")
    topic = group.live_topic(thread_id)
    if topic is None:
        raise bad_request("TOPIC_ID_INVALID")
    return topic
