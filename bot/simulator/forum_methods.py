"""Bot API methods for forum topics, copyMessage and chat members, as strict as Telegram.

Rights follow tdlib: a topic the bot created itself may be edited, closed and deleted by it
without the administrator right; any other needs can_manage_topics (can_delete_messages to
delete). Telegram's apps let admins write in a closed topic, so a bot with
can_manage_topics may still post there; without it the server answers TOPIC_CLOSED.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.simulator.copying import copied_message
from bot.simulator.errors import bad_request
from bot.simulator.forum import (
    ICON_COLORS,
    ForumTopic,
    GroupState,
    icon_color,
    topic_name,
    topic_to_manage,
)
from bot.simulator.models import ChatState, SentMessage
from bot.simulator.params import Params
from bot.simulator.validation import check_reply_markup, format_text

if TYPE_CHECKING:
    from bot.simulator.methods import BotApiMethods

Handler = Callable[[Params], Awaitable[Any]]

_ADMIN_RIGHTS = (
    "can_manage_chat", "can_change_info", "can_delete_messages", "can_invite_users",
    "can_restrict_members", "can_pin_messages", "can_manage_topics", "can_promote_members",
    "can_manage_video_chats", "can_post_stories", "can_edit_stories", "can_delete_stories",
)  # fmt: skip


class ForumMethods:
    """createForumTopic and friends, copyMessage, getChatMember, getChatAdministrators."""

    def __init__(self, base: BotApiMethods) -> None:
        self.base = base
        self.state = base.state

    def handlers(self) -> dict[str, Handler]:
        return {
            "createForumTopic": self.create_forum_topic,
            "editForumTopic": self.edit_forum_topic,
            "closeForumTopic": self.close_forum_topic,
            "reopenForumTopic": self.reopen_forum_topic,
            "deleteForumTopic": self.delete_forum_topic,
            "getForumTopicIconStickers": self.get_forum_topic_icon_stickers,
            "copyMessage": self.copy_message,
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
        }

    # topics -------------------------------------------------------------------------------
    def _forum(self, p: Params) -> tuple[ChatState, GroupState]:
        chat = self.base.target_chat(p)
        group = self.state.groups.get(chat.id)
        if group is None or not chat.is_forum:
            raise bad_request("the chat is not a forum")
        return chat, group

    def _is_own(self, topic: ForumTopic) -> bool:
        return topic.created_by == self.state.bot_user["id"]

    def _service(self, chat: ChatState, group: GroupState, thread_id: int | None, line: str) -> int:
        """A service message (topic created/edited/closed/reopened) takes a message id."""
        message_id = chat.new_message_id()
        group.service_message_ids.add(message_id)
        group.thread_of[message_id] = thread_id if thread_id is not None else message_id
        chat.log.append(f"< (topic {group.thread_of[message_id]}) [{line}]")
        chat.notify()
        return message_id

    async def create_forum_topic(self, p: Params) -> dict[str, Any]:
        chat, group = self._forum(p)
        if not group.bot_manages_topics:
            raise bad_request("not enough rights to create a topic")
        name = topic_name(p.get_str("name"))
        default = ICON_COLORS[len(group.topics) % len(ICON_COLORS)]
        color = icon_color(p.get_int("icon_color"), default)
        self.base.throttle(chat, per_chat=True)
        thread_id = self._service(chat, group, None, f"topic created: {name}")
        topic = ForumTopic(
            thread_id=thread_id,
            name=name,
            icon_color=color,
            created_by=int(self.state.bot_user["id"]),
            icon_custom_emoji_id=p.get_str("icon_custom_emoji_id") or None,
        )
        group.topics[thread_id] = topic
        self.state.counters["topics_created"] += 1
        return topic.to_json()

    async def edit_forum_topic(self, p: Params) -> bool:
        chat, group = self._forum(p)
        topic = topic_to_manage(group, p.get_int("message_thread_id"))
        if not group.bot_manages_topics and not self._is_own(topic):
            raise bad_request("not enough rights to edit the topic")
        raw_name = p.get_str("name")
        emoji = p.get_str("icon_custom_emoji_id") if "icon_custom_emoji_id" in p else None
        if not raw_name and emoji is None:
            return True  # nothing asked: tdlib answers without asking the server
        name = topic_name(raw_name) if raw_name else topic.name
        new_emoji = topic.icon_custom_emoji_id if emoji is None else (emoji or None)
        if (name, new_emoji) == (topic.name, topic.icon_custom_emoji_id):
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.name, topic.icon_custom_emoji_id = name, new_emoji
        self._service(chat, group, topic.thread_id, f"topic renamed: {name}")
        return True

    async def close_forum_topic(self, p: Params) -> bool:
        return self._set_closed(p, closed=True)

    async def reopen_forum_topic(self, p: Params) -> bool:
        return self._set_closed(p, closed=False)

    def _set_closed(self, p: Params, *, closed: bool) -> bool:
        chat, group = self._forum(p)
        topic = topic_to_manage(group, p.get_int("message_thread_id"))
        if not group.bot_manages_topics and not self._is_own(topic):
            raise bad_request("not enough rights to close or open the topic")
        if topic.closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        self._service(chat, group, topic.thread_id, "topic closed" if closed else "topic reopened")
        return True

    async def delete_forum_topic(self, p: Params) -> bool:
        chat, group = self._forum(p)
        topic = topic_to_manage(group, p.get_int("message_thread_id"))
        if not group.bot_deletes_messages and not self._is_own(topic):
            raise bad_request("not enough rights to delete the topic")
        delete_topic(chat, group, topic)
        return True

    async def get_forum_topic_icon_stickers(self, p: Params) -> list[Any]:
        return []  # custom-emoji icons are for Premium users' groups; this bot uses colours

    # copying ------------------------------------------------------------------------------
    async def copy_message(self, p: Params) -> dict[str, int]:
        source_chat_id = p.get_int("from_chat_id")
        if source_chat_id is None:
            raise bad_request("chat not found")
        message_id = p.required_int("message_id", "message identifier is not specified")
        source_chat = self.state.chat(source_chat_id)
        if source_chat.status == "missing":
            raise bad_request("chat not found")
        chat = self.base.target_chat(p)
        markup = check_reply_markup(p.get_json("reply_markup"), chat.id)
        caption = None
        if "caption" in p:  # its length counts only where it replaces a media caption
            caption = format_text(
                p.get_str("caption") or "", p.get_str("parse_mode"), p.get_json("caption_entities")
            )
        content = copied_message(self.state, source_chat, message_id, caption)
        thread = self.base.thread(p, chat)
        reply_to = self.base.reply_to(p, chat)
        self.base.throttle(chat, per_chat=True)
        message: SentMessage = content.evolve(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            reply_markup=markup,
            date=int(time.time()),
            reply_to_message_id=reply_to,
            message_thread_id=thread,
        )
        self.base._deliver(chat, message)
        return {"message_id": message.message_id}

    # members ------------------------------------------------------------------------------
    async def get_chat_member(self, p: Params) -> dict[str, Any]:
        chat = self.state.chat(p.chat_id())
        if chat.status == "missing":
            raise bad_request("chat not found")
        user_id = p.required_int("user_id", "user not found")
        return self._member(chat, user_id)

    async def get_chat_administrators(self, p: Params) -> list[dict[str, Any]]:
        chat = self.state.chat(p.chat_id())
        if chat.status == "missing":
            raise bad_request("chat not found")
        group = self.state.groups.get(chat.id)
        if group is None:
            raise bad_request("there are no administrators in the private chat")
        ids = [uid for uid, admin in group.members.items() if admin]
        if group.bot_admin:
            ids.append(int(self.state.bot_user["id"]))
        return [self._member(chat, uid) for uid in ids]

    def _member(self, chat: ChatState, user_id: int) -> dict[str, Any]:
        bot_id = int(self.state.bot_user["id"])
        user = self.state.bot_user if user_id == bot_id else self.state.user_info.get(user_id)
        if user is None:
            raise bad_request("user not found")
        group = self.state.groups.get(chat.id)
        if group is None:
            # a private chat with its own user, or a group no test declared
            status = "member" if chat.type != "private" or user_id in (chat.id, bot_id) else "left"
            return {"status": status, "user": user}
        if user_id == bot_id:
            if not group.bot_admin:
                return {"status": "member", "user": user}
            rights = {name: False for name in _ADMIN_RIGHTS}
            rights.update(
                can_manage_chat=True,
                can_manage_topics=group.can_manage_topics,
                can_delete_messages=group.can_delete_messages,
            )
            return {
                "status": "administrator", "user": user, "can_be_edited": False,
                "is_anonymous": False, **rights,
            }  # fmt: skip
        if user_id not in group.members:
            return {"status": "left", "user": user}
        if group.members[user_id]:
            rights = {name: True for name in _ADMIN_RIGHTS}
            return {
                "status": "administrator", "user": user, "can_be_edited": False,
                "is_anonymous": False, **rights,
            }  # fmt: skip
        return {"status": "member", "user": user}


def delete_topic(chat: ChatState, group: GroupState, topic: ForumTopic) -> None:
    """The topic goes with every message in it (the bot's, the users', the service ones)."""
    topic.deleted = True
    for message_id, thread in group.thread_of.items():
        if thread != topic.thread_id:
            continue
        current = chat.message(message_id)
        if current is not None and not current.deleted:
            chat.replace(current.evolve(deleted=True))
        elif message_id in chat.user_message_ids:
            chat.deleted_user_message_ids.add(message_id)
    chat.log.append(f"< (topic {topic.thread_id}) [topic deleted]")
    chat.notify()
