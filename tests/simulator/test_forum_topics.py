"""Forum topics in a declared supergroup: created, closed, reopened, edited and deleted by the
bot over HTTP, with the Bot API's own refusals, and what the bot's sends there look like."""

from __future__ import annotations

import pytest

from bot.simulator import ICON_COLORS, BotApiSimulator

from .conftest import Api

GROUP = -1001234567890


async def create(api: Api, name: str = "SRG-0001 · Siti", **params: object) -> int:
    topic = await api.ok("createForumTopic", chat_id=GROUP, name=name, **params)
    return int(topic["message_thread_id"])


async def test_create_gives_a_forum_topic_whose_id_is_its_creation_message(
    api: Api, simulator: BotApiSimulator
) -> None:
    group = simulator.group(GROUP, "Petugas", forum=True)
    first = await api.ok("createForumTopic", chat_id=GROUP, name="  SRG-0001 · Siti  ")
    # message 1 is the group's creation: General is thread 1, the first topic is 2
    assert first == {"message_thread_id": 2, "name": "SRG-0001 · Siti", "icon_color": 7322096}
    second = await api.ok("createForumTopic", chat_id=GROUP, name="B", icon_color=16478047)
    assert second["icon_color"] == 16478047
    # a text in between takes a message id, the next topic's id follows it
    await api.ok("sendMessage", chat_id=GROUP, text="halo")
    third = await api.ok("createForumTopic", chat_id=GROUP, name="C")
    assert [first["message_thread_id"], second["message_thread_id"]] == [2, 3]
    assert third["message_thread_id"] == 5
    assert [t.name for t in group.topics] == ["SRG-0001 · Siti", "B", "C"]
    assert group.topic(3).created_by == simulator.bot_user["id"]
    assert not group.topic(3).closed and not group.topic(3).deleted


async def test_topic_names_are_trimmed_cut_at_128_and_never_empty(
    api: Api, simulator: BotApiSimulator
) -> None:
    simulator.group(GROUP, forum=True)
    long = await api.ok("createForumTopic", chat_id=GROUP, name="n" * 200)
    assert long["name"] == "n" * 128
    for empty in ("", "   ", "\n\t"):
        assert await api.error("createForumTopic", chat_id=GROUP, name=empty) == (
            400, "Bad Request: title must be non-empty", {}
        )  # fmt: skip


@pytest.mark.parametrize("color", [1, 0xFFFFFF, 7322097, -5])
async def test_only_the_six_icon_colours(api: Api, simulator: BotApiSimulator, color: int) -> None:
    simulator.group(GROUP, forum=True)
    assert await api.error("createForumTopic", chat_id=GROUP, name="x", icon_color=color) == (
        400, "Bad Request: invalid icon color specified", {}
    )  # fmt: skip
    for good in ICON_COLORS:
        topic = await api.ok("createForumTopic", chat_id=GROUP, name="x", icon_color=good)
        assert topic["icon_color"] == good


@pytest.mark.parametrize(
    "method", ["createForumTopic", "editForumTopic", "closeForumTopic", "deleteForumTopic"]
)
async def test_topics_need_a_forum(api: Api, simulator: BotApiSimulator, method: str) -> None:
    simulator.group(-100777, "Bukan forum")  # a supergroup without topics
    for chat_id in (-100777, -5001, 1001):  # declared, undeclared group, private chat
        assert await api.error(method, chat_id=chat_id, name="x", message_thread_id=2) == (
            400, "Bad Request: the chat is not a forum", {}
        )  # fmt: skip


async def test_creating_a_topic_needs_the_right(api: Api, simulator: BotApiSimulator) -> None:
    simulator.group(GROUP, forum=True, can_manage_topics=False)
    simulator.group(-100888, forum=True, bot_admin=False)
    for chat_id in (GROUP, -100888):
        assert await api.error("createForumTopic", chat_id=chat_id, name="x") == (
            400, "Bad Request: not enough rights to create a topic", {}
        )  # fmt: skip


async def test_sends_into_a_topic_carry_its_thread(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, forum=True)
    thread = await create(api)
    sent = await api.ok("sendMessage", chat_id=GROUP, text="Pertanyaan", message_thread_id=thread)
    assert sent["message_thread_id"] == thread and sent["is_topic_message"] is True
    assert sent["chat"] == {"id": GROUP, "type": "supergroup", "title": "Group 1001234567890",
                            "is_forum": True}  # fmt: skip
    general = await api.ok("sendMessage", chat_id=GROUP, text="Umum")
    assert "message_thread_id" not in general and "is_topic_message" not in general
    assert [m.text for m in group.messages(thread)] == ["Pertanyaan"]
    assert [m.text for m in group.messages(None)] == ["Umum"]
    assert simulator.topic_messages(GROUP, thread) == group.messages(thread)


@pytest.mark.parametrize("thread", [1, 99])  # General is never addressed by id; unknown
async def test_a_thread_that_is_not_a_topic_is_not_found(
    api: Api, simulator: BotApiSimulator, thread: int
) -> None:
    simulator.group(GROUP, forum=True)
    await create(api)
    assert await api.error("sendMessage", chat_id=GROUP, text="x", message_thread_id=thread) == (
        400, "Bad Request: message thread not found", {}
    )  # fmt: skip


async def test_a_thread_outside_a_forum(api: Api, simulator: BotApiSimulator) -> None:
    simulator.group(-100777)  # no topics: the parameter is ignored, as the Bot API does
    sent = await api.ok("sendMessage", chat_id=-100777, text="x", message_thread_id=5)
    assert "message_thread_id" not in sent
    assert await api.error("sendMessage", chat_id=1001, text="x", message_thread_id=5) == (
        400, "Bad Request: message thread not found", {}
    )  # fmt: skip


async def test_close_and_reopen(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, forum=True)
    thread = await create(api)
    assert await api.ok("closeForumTopic", chat_id=GROUP, message_thread_id=thread) is True
    assert group.topic(thread).closed and group.open_topics() == []
    assert await api.error("closeForumTopic", chat_id=GROUP, message_thread_id=thread) == (
        400, "Bad Request: TOPIC_NOT_MODIFIED", {}
    )  # fmt: skip
    # an admin with can_manage_topics still writes in a closed topic
    await api.ok("sendMessage", chat_id=GROUP, text="Ditutup", message_thread_id=thread)
    assert await api.ok("reopenForumTopic", chat_id=GROUP, message_thread_id=thread) is True
    assert not group.topic(thread).closed
    assert await api.error("reopenForumTopic", chat_id=GROUP, message_thread_id=thread) == (
        400, "Bad Request: TOPIC_NOT_MODIFIED", {}
    )  # fmt: skip
    assert f"< (topic {thread}) [topic closed]" in group.transcript(thread)


async def test_a_closed_topic_refuses_a_bot_without_the_right(
    api: Api, simulator: BotApiSimulator
) -> None:
    group = simulator.group(GROUP, forum=True)
    admin = group.add(simulator.user(9001, "Rina"), admin=True)
    topic = await group.create_topic("Umum", by=admin)
    await group.close_topic(topic.thread_id, by=admin)
    group.group.can_manage_topics = False  # the admins took the right away
    error = await api.error(
        "sendMessage", chat_id=GROUP, text="x", message_thread_id=topic.thread_id
    )
    assert error == (400, "Bad Request: TOPIC_CLOSED", {})


async def test_others_topics_need_the_rights(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, forum=True, can_manage_topics=False, can_delete_messages=False)
    admin = group.add(simulator.user(9001, "Rina"), admin=True)
    theirs = (await group.create_topic("Milik admin", by=admin)).thread_id
    refusals = {
        "editForumTopic": "not enough rights to edit the topic",
        "closeForumTopic": "not enough rights to close or open the topic",
        "deleteForumTopic": "not enough rights to delete the topic",
    }
    for method, text in refusals.items():
        assert await api.error(method, chat_id=GROUP, message_thread_id=theirs, name="y") == (
            400, f"Bad Request: {text}", {}
        )  # fmt: skip
    # a topic the bot created stays its own to manage (tdlib's is_outgoing rule)
    group.group.can_manage_topics = True
    own = await create(api)
    group.group.can_manage_topics = False
    await api.ok("editForumTopic", chat_id=GROUP, message_thread_id=own, name="Baru")
    await api.ok("closeForumTopic", chat_id=GROUP, message_thread_id=own)
    await api.ok("deleteForumTopic", chat_id=GROUP, message_thread_id=own)


async def test_edit_renames_and_refuses_no_change(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, forum=True)
    thread = await create(api, "Lama")
    await api.ok("editForumTopic", chat_id=GROUP, message_thread_id=thread, name="Baru")
    assert group.topic(thread).name == "Baru" and group.topic_named("Baru") is not None
    assert await api.error(
        "editForumTopic", chat_id=GROUP, message_thread_id=thread, name="Baru"
    ) == (400, "Bad Request: TOPIC_NOT_MODIFIED", {})
    # nothing asked: answered without a change
    assert await api.ok("editForumTopic", chat_id=GROUP, message_thread_id=thread) is True
    assert await api.error(
        "editForumTopic", chat_id=GROUP, message_thread_id=thread, name=" \n"
    ) == (400, "Bad Request: title must be non-empty", {})


@pytest.mark.parametrize("method", ["editForumTopic", "closeForumTopic", "deleteForumTopic"])
async def test_managing_an_unknown_topic(api: Api, simulator: BotApiSimulator, method: str) -> None:
    simulator.group(GROUP, forum=True)
    thread = await create(api)
    assert await api.error(method, chat_id=GROUP, name="x") == (
        400, "Bad Request: invalid message thread identifier specified", {}
    )  # fmt: skip
    assert await api.error(method, chat_id=GROUP, message_thread_id=77, name="x") == (
        400, "Bad Request: TOPIC_ID_INVALID", {}
    )  # fmt: skip
    await api.ok("deleteForumTopic", chat_id=GROUP, message_thread_id=thread)
    assert await api.error(method, chat_id=GROUP, message_thread_id=thread, name="x") == (
        400, "Bad Request: TOPIC_ID_INVALID", {}
    )  # fmt: skip


async def test_a_deleted_topic_goes_with_its_messages(api: Api, simulator: BotApiSimulator) -> None:
    group = simulator.group(GROUP, forum=True)
    staff = group.add(simulator.user(9001, "Rina"))
    thread = await create(api)
    other = await create(api, "Lain")
    sent = await api.ok("sendMessage", chat_id=GROUP, text="Salinan", message_thread_id=thread)
    reply = await staff.send("Jawaban", chat_id=GROUP, thread_id=thread)
    kept = await api.ok("sendMessage", chat_id=GROUP, text="Tetap", message_thread_id=other)

    await api.ok("deleteForumTopic", chat_id=GROUP, message_thread_id=thread)
    assert group.topic(thread).deleted and group.topic_named("SRG-0001 · Siti") is None
    assert [m.deleted for m in group.messages(thread)] == [True]
    assert not group.messages(other)[0].deleted
    assert await api.error("sendMessage", chat_id=GROUP, text="x", message_thread_id=thread) == (
        400, "Bad Request: message thread not found", {}
    )  # fmt: skip
    for message_id in (sent["message_id"], reply["message_id"]):
        error = await api.error("copyMessage", chat_id=1001, from_chat_id=GROUP,
                                message_id=message_id)  # fmt: skip
        assert error == (400, "Bad Request: message to copy not found", {})
    await api.ok("copyMessage", chat_id=1001, from_chat_id=GROUP, message_id=kept["message_id"])
    with pytest.raises(AssertionError, match="no topic"):
        await staff.send("terlambat", chat_id=GROUP, thread_id=thread)


async def test_a_human_admin_deletes_a_topic_and_the_bot_learns_it_on_its_next_send(
    api: Api, simulator: BotApiSimulator
) -> None:
    group = simulator.group(GROUP, forum=True)
    thread = await create(api)
    group.delete_topic(thread)
    assert await api.ok("getUpdates") == []  # Telegram tells the bot nothing
    assert await api.error("sendMessage", chat_id=GROUP, text="x", message_thread_id=thread) == (
        400, "Bad Request: message thread not found", {}
    )  # fmt: skip
    new = await create(api)
    assert new != thread and [t.deleted for t in group.topics] == [True, False]


async def test_get_forum_topic_icon_stickers(api: Api) -> None:
    assert await api.ok("getForumTopicIconStickers") == []
