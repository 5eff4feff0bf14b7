"""People in a declared supergroup: what the bot receives from them (in a topic, in General,
as commands), what the app would not let them do, and reading the group's topics."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.simulator import BotApiSimulator

from .conftest import Api

GROUP = -1001234567890


async def updates(api: Api) -> list[dict[str, Any]]:
    found = await api.ok("getUpdates", timeout=0)
    if found:
        await api.ok("getUpdates", offset=found[-1]["update_id"] + 1)
    return [u["message"] for u in found]


async def test_messages_in_a_topic_and_in_general(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, "Petugas BBPVP", forum=True)
    staff = group.add(simulator.user(9001, "Rina"))
    topic = await api.ok("createForumTopic", chat_id=GROUP, name="SRG-0001 · Siti")
    thread = topic["message_thread_id"]

    await staff.send("Pelatihan mulai Januari.", chat_id=GROUP, thread_id=thread)
    await staff.send("Selamat pagi", chat_id=GROUP)
    await staff.send("/selesai@serang_pmi_bot", chat_id=GROUP, thread_id=thread)
    in_topic, in_general, command = await updates(api)
    assert in_topic["chat"] == {"id": GROUP, "type": "supergroup", "title": "Petugas BBPVP",
                                "is_forum": True}  # fmt: skip
    assert in_topic["from"]["id"] == 9001 and in_topic["text"] == "Pelatihan mulai Januari."
    assert in_topic["message_thread_id"] == thread and in_topic["is_topic_message"] is True
    assert "message_thread_id" not in in_general and "is_topic_message" not in in_general
    assert command["entities"] == [{"type": "bot_command", "offset": 0, "length": 23}]
    assert command["message_thread_id"] == thread


async def test_media_in_a_topic(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, forum=True)
    staff = group.add(simulator.user(9001, "Rina"))
    thread = (await api.ok("createForumTopic", chat_id=GROUP, name="T"))["message_thread_id"]
    await staff.send_photo("lihat ini", chat_id=GROUP, thread_id=thread)
    await staff.send_document("jadwal.pdf", b"%PDF-1.4", chat_id=GROUP, thread_id=thread,
                              mime_type="application/pdf")  # fmt: skip
    await staff.send_voice(4, chat_id=GROUP, thread_id=thread)
    await staff.send_sticker(chat_id=GROUP, thread_id=thread)
    photo, document, voice, sticker = await updates(api)
    assert photo["caption"] == "lihat ini" and photo["photo"]
    assert document["document"]["file_name"] == "jadwal.pdf"
    assert voice["voice"]["duration"] == 4 and voice["voice"]["mime_type"] == "audio/ogg"
    assert sticker["sticker"]["emoji"] == "👍"
    assert {m["message_thread_id"] for m in (photo, document, voice, sticker)} == {thread}
    transcript = group.transcript(thread)
    assert f"> (topic {thread}) Rina: [photo] lihat ini" in transcript
    assert f"> (topic {thread}) Rina: [voice 4s]" in transcript


async def test_the_bot_hears_everything_as_an_admin_and_commands_only_otherwise(
    api: Api, simulator: BotApiSimulator
) -> None:
    admin_group = simulator.group(GROUP, forum=True)
    plain_group = simulator.group(-100555, bot_admin=False)
    user = simulator.user(9001, "Rina")
    admin_group.add(user)
    plain_group.add(user)
    await user.send("halo", chat_id=GROUP)
    await user.send("halo", chat_id=-100555)  # privacy mode: never reaches the bot
    await user.send("/kartu", chat_id=-100555)
    assert [(m["chat"]["id"], m["text"]) for m in await updates(api)] == [
        (GROUP, "halo"), (-100555, "/kartu")
    ]  # fmt: skip


async def test_what_the_app_would_not_let_a_person_do(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, forum=True)
    stranger = simulator.user(9002, "Asing")
    with pytest.raises(AssertionError, match="not a member"):
        await stranger.send("halo", chat_id=GROUP)
    member = group.add(simulator.user(9001, "Rina"))
    admin = group.add(simulator.user(9003, "Kepala"), admin=True)
    with pytest.raises(AssertionError, match="no topic 42"):
        await member.send("halo", chat_id=GROUP, thread_id=42)
    thread = (await api.ok("createForumTopic", chat_id=GROUP, name="T"))["message_thread_id"]
    await api.ok("closeForumTopic", chat_id=GROUP, message_thread_id=thread)
    with pytest.raises(AssertionError, match="closed"):
        await member.send_photo(chat_id=GROUP, thread_id=thread)
    await admin.send("Admin boleh", chat_id=GROUP, thread_id=thread)
    with pytest.raises(ValueError, match="has no topics"):
        await member.send("x", chat_id=-100777, thread_id=3)
    group.remove(member)
    with pytest.raises(AssertionError, match="not a member"):
        await member.send("x", chat_id=GROUP)
    assert [m["text"] for m in await updates(api)] == ["Admin boleh"]


async def test_human_admins_create_close_and_reopen_topics(
    api: Api, simulator: BotApiSimulator
) -> None:
    group = simulator.group(GROUP, forum=True)
    admin = group.add(simulator.user(9003, "Kepala"), admin=True)
    member = group.add(simulator.user(9001, "Rina"))
    topic = await group.create_topic("Umum", by=member)
    with pytest.raises(AssertionError, match="not an admin"):
        await group.close_topic(topic.thread_id, by=member)
    await group.close_topic(topic.thread_id, by=admin)
    await group.reopen_topic(topic.thread_id, by=admin)
    created, closed, reopened = await updates(api)
    assert created["message_id"] == topic.thread_id == created["message_thread_id"]
    assert created["forum_topic_created"] == {"name": "Umum", "icon_color": 7322096}
    assert created["from"]["id"] == 9001
    assert closed["forum_topic_closed"] == {} and closed["message_thread_id"] == topic.thread_id
    assert reopened["forum_topic_reopened"] == {} and reopened["from"]["id"] == 9003
    assert topic.created_by == 9001 and not topic.closed
    # a service message is no content to copy
    assert await api.error(
        "copyMessage", chat_id=1001, from_chat_id=GROUP, message_id=topic.thread_id
    ) == (400, "Bad Request: message can't be copied", {})


async def test_each_message_is_read_once_in_any_order(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, forum=True)
    one = (await api.ok("createForumTopic", chat_id=GROUP, name="Satu"))["message_thread_id"]
    two = (await api.ok("createForumTopic", chat_id=GROUP, name="Dua"))["message_thread_id"]
    for text, thread in [("a1", one), ("b1", two), ("a2", one), ("b2", two), ("c", None)]:
        await api.ok("sendMessage", chat_id=GROUP, text=text, message_thread_id=thread)
    assert (await group.next_message(thread_id=two)).text == "b1"
    assert (await group.next_message(thread_id=one)).text == "a1"
    assert (await group.next_message(thread_id=None)).text == "c"  # General
    assert (await group.next_message()).text == "a2"  # the oldest unread anywhere
    assert (await group.next_message(thread_id=two)).text == "b2"
    with pytest.raises(AssertionError, match="no message from the bot in topic"):
        await group.next_message(0.05, thread_id=one)

    async def later() -> None:
        await asyncio.sleep(0.05)
        await api.ok("sendMessage", chat_id=GROUP, text="a3", message_thread_id=one)
        await api.ok("sendMessage", chat_id=GROUP, text="b3", message_thread_id=two)

    task = asyncio.create_task(later())
    assert (await group.next_message(2.0, thread_id=two)).text == "b3"
    await task
    assert [m.text for m in await group.wait_idle(quiet=0.05)] == ["a3"]
    assert [m.text for m in group.messages(one)] == ["a1", "a2", "a3"]


async def test_chat_members_and_administrators(api: Api, simulator: BotApiSimulator) -> None:
    from telegram import ChatMember

    group = simulator.group(GROUP, forum=True, can_delete_messages=False)
    group.add(simulator.user(9001, "Rina"))
    group.add(simulator.user(9003, "Kepala"), admin=True)
    simulator.user(9002, "Asing")
    bot_id = simulator.bot_user["id"]
    me = await api.ok("getChatMember", chat_id=GROUP, user_id=bot_id)
    assert me["status"] == "administrator" and me["can_manage_topics"] is True
    assert me["can_delete_messages"] is False
    statuses = {}
    for user_id in (9001, 9002, 9003):
        member = await api.ok("getChatMember", chat_id=GROUP, user_id=user_id)
        statuses[user_id] = member["status"]
        assert ChatMember.de_json(member, None).status == member["status"]  # PTB reads it
    assert statuses == {9001: "member", 9002: "left", 9003: "administrator"}
    admins = await api.ok("getChatAdministrators", chat_id=GROUP)
    assert sorted(a["user"]["id"] for a in admins) == sorted([9003, bot_id])
    assert await api.error("getChatMember", chat_id=GROUP, user_id=5) == (
        400, "Bad Request: user not found", {}
    )  # fmt: skip


async def test_a_staff_reply_to_a_copied_message(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, forum=True)
    staff = group.add(simulator.user(9001, "Rina"))
    thread = (await api.ok("createForumTopic", chat_id=GROUP, name="T"))["message_thread_id"]
    copied = await api.ok("sendMessage", chat_id=GROUP, text="Kapan mulai?",
                          message_thread_id=thread)  # fmt: skip
    await staff.send("Januari.", chat_id=GROUP, thread_id=thread, reply_to=copied["message_id"])
    photo = await staff.send_photo(chat_id=GROUP, thread_id=thread, reply_to=copied["message_id"])
    answer, _photo = await updates(api)
    replied = answer["reply_to_message"]
    assert replied["message_id"] == copied["message_id"] and replied["text"] == "Kapan mulai?"
    assert replied["from"]["is_bot"] is True and replied["message_thread_id"] == thread
    assert photo["reply_to_message"]["message_id"] == copied["message_id"]
    again = await staff.send("ya", chat_id=GROUP, thread_id=thread, reply_to=photo["message_id"])
    assert again["reply_to_message"]["from"]["id"] == 9001
    assert "reply_to_message" not in again["reply_to_message"]  # one level, as Telegram
    with pytest.raises(AssertionError, match="no message #404"):
        await staff.send("x", chat_id=GROUP, thread_id=thread, reply_to=404)


async def test_deleting_members_messages_needs_the_right(
    api: Api, simulator: BotApiSimulator
) -> None:
    group = simulator.group(GROUP, forum=True, can_delete_messages=False)
    staff = group.add(simulator.user(9001, "Rina"))
    theirs = await staff.send("halo", chat_id=GROUP)
    own = await api.ok("sendMessage", chat_id=GROUP, text="milik bot")
    assert await api.error("deleteMessage", chat_id=GROUP, message_id=theirs["message_id"]) == (
        400, "Bad Request: message can't be deleted", {}
    )  # fmt: skip
    assert await api.ok("deleteMessage", chat_id=GROUP, message_id=own["message_id"]) is True
    group.group.can_delete_messages = True
    assert await api.ok("deleteMessage", chat_id=GROUP, message_id=theirs["message_id"]) is True


async def test_the_bot_demoted_or_kicked(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, forum=True)
    staff = group.add(simulator.user(9001, "Rina"))
    group.set_bot_rights(can_manage_topics=False)
    assert await api.error("createForumTopic", chat_id=GROUP, name="x") == (
        400, "Bad Request: not enough rights to create a topic", {}
    )  # fmt: skip
    group.set_bot_rights(admin=False, can_manage_topics=True)
    await staff.send("halo", chat_id=GROUP)  # no longer an admin: privacy mode again
    group.kick_bot()
    await staff.send("/kartu", chat_id=GROUP)  # the bot is not there to hear it
    assert await updates(api) == []
    for method in ("sendMessage", "createForumTopic", "copyMessage"):
        assert await api.error(method, chat_id=GROUP, text="x", name="x", from_chat_id=GROUP,
                               message_id=2) == (
            403, "Forbidden: bot was kicked from the supergroup chat", {}
        )  # fmt: skip
    group.add_bot_back()
    await api.ok("sendMessage", chat_id=GROUP, text="kembali")
