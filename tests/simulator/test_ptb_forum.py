"""A real PTB Application relaying between a private chat and a forum topic: PTB reads every
result the simulator gives (ForumTopic, MessageId, ChatMember, topic messages) and gets
Telegram's errors as its own BadRequest."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from bot.simulator import BotApiSimulator

GROUP = -1001234567890
THREADS: dict[int, int] = {}  # resident chat id -> topic, for this module's tiny relay


async def relay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Resident -> a topic of their own; staff in a topic -> the resident."""
    message = update.effective_message
    assert message is not None
    if message.chat.type == "private":
        thread = THREADS.get(message.chat.id)
        if thread is None:
            topic = await context.bot.create_forum_topic(GROUP, f"Tanya · {message.chat.id}")
            thread = THREADS[message.chat.id] = topic.message_thread_id
        await message.copy(GROUP, message_thread_id=thread)
        return
    if message.is_topic_message and message.message_thread_id is not None:
        resident = next(c for c, t in THREADS.items() if t == message.message_thread_id)
        await message.copy(resident)


@pytest.fixture
async def app(simulator: BotApiSimulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    THREADS.clear()
    application = (
        Application.builder()
        .token("123:ABC")
        .base_url(simulator.base_url)
        .base_file_url(simulator.base_file_url)
        .request(HTTPXRequest(httpx_kwargs={"trust_env": False}))
        .get_updates_request(HTTPXRequest(httpx_kwargs={"trust_env": False}))
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, relay))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def test_a_question_and_its_answer_through_a_topic(
    simulator: BotApiSimulator,
    app: Application,  # type: ignore[type-arg]
) -> None:
    group = simulator.group(GROUP, "Petugas", forum=True)
    staff = group.add(simulator.user(9001, "Rina"))
    siti = simulator.user(1001, "Siti")

    await siti.send("Apakah pelatihannya gratis?")
    question = await group.next_message()
    thread = question.message_thread_id
    assert thread is not None and group.topic(thread).name == "Tanya · 1001"
    assert question.text == "Apakah pelatihannya gratis?"
    await siti.send_voice(6)
    assert (await group.next_message(thread_id=thread)).voice is not None

    await staff.send_photo("Brosur resmi", chat_id=GROUP, thread_id=thread)
    answer = await siti.next_message()
    assert answer.photo is not None and answer.caption == "Brosur resmi"
    await staff.send("Ya, gratis.", chat_id=GROUP, thread_id=thread)
    assert (await siti.next_message()).text == "Ya, gratis."
    transcript = group.transcript(thread)
    assert f"> (topic {thread}) Rina: Ya, gratis." in transcript
    assert f"< (topic {thread}) [voice 6s]" in transcript


async def test_ptb_reads_topic_results_and_errors(
    simulator: BotApiSimulator,
    app: Application,  # type: ignore[type-arg]
) -> None:
    from telegram import ChatMemberAdministrator

    group = simulator.group(GROUP, forum=True)
    bot = app.bot
    topic = await bot.create_forum_topic(GROUP, "SRG-0002 · Budi", icon_color=9367192)
    assert topic.name == "SRG-0002 · Budi" and topic.icon_color == 9367192
    sent = await bot.send_message(GROUP, "halo", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    me = await bot.get_chat_member(GROUP, bot.id)
    assert isinstance(me, ChatMemberAdministrator) and me.can_manage_topics
    chat = await bot.get_chat(GROUP)
    assert chat.is_forum and chat.type == "supergroup"

    assert await bot.close_forum_topic(GROUP, topic.message_thread_id)
    with pytest.raises(BadRequest, match="Topic_not_modified"):
        await bot.close_forum_topic(GROUP, topic.message_thread_id)
    group.delete_topic(topic.message_thread_id)
    with pytest.raises(BadRequest, match="Message thread not found"):
        await bot.send_message(GROUP, "x", message_thread_id=topic.message_thread_id)
    with pytest.raises(BadRequest, match="Message to copy not found"):
        await bot.copy_message(1001, GROUP, sent.message_id)
    simulator.group(-100777)
    with pytest.raises(BadRequest, match="The chat is not a forum"):
        await bot.create_forum_topic(-100777, "x")
