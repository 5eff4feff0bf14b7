"""The update processor: one chat's backlog holds one slot, and a flood is answered once.

Updates are real PTB Update objects; what handling them does is a coroutine of the test, so
what ran, in which order, is asserted (never how long it took)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.update_processor import PerChatUpdateProcessor


def text_update(update_id: int, chat_id: int, text: str = "halo") -> Update:
    user = User(chat_id, "Warga", is_bot=False)
    chat = Chat(chat_id, Chat.PRIVATE)
    message = Message(update_id, datetime.now(UTC), chat, from_user=user, text=text)
    return Update(update_id, message=message)


async def test_one_chats_backlog_holds_one_slot_and_others_go_on() -> None:
    processor = PerChatUpdateProcessor(2)
    release = asyncio.Event()
    handled: list[str] = []

    async def slow(name: str) -> None:
        handled.append(name)
        await release.wait()

    async def quick(name: str) -> None:
        handled.append(name)

    # Five updates of chat 1, the first one still being handled, the rest waiting their turn.
    busy = [asyncio.create_task(processor.process_update(text_update(i, 1), slow(f"a{i}")))
            for i in range(5)]  # fmt: skip
    await asyncio.sleep(0.01)
    assert handled == ["a0"]
    # With two slots, PTB's own processor let chat 1's waiting updates take both.
    await asyncio.wait_for(processor.process_update(text_update(9, 2), quick("b")), 5)
    assert handled == ["a0", "b"]
    release.set()
    await asyncio.gather(*busy)
    assert handled == ["a0", "b", "a1", "a2", "a3", "a4"]  # chat 1 still in order


async def test_a_flood_is_answered_once_with_the_latest_message_and_one_notice() -> None:
    notices: list[int] = []

    async def notice(update: Update) -> None:
        assert update.effective_chat is not None
        notices.append(update.effective_chat.id)

    processor = PerChatUpdateProcessor(8, flood_burst=10, flood_rate=0.001, quiet=0.05,
                                       on_flood=notice)  # fmt: skip
    handled: list[int] = []

    async def handle(n: int) -> None:
        await asyncio.sleep(0)  # the bot at work: the chat's later updates queue meanwhile
        handled.append(n)

    await asyncio.gather(
        *(processor.process_update(text_update(n, 1), handle(n)) for n in range(40))
    )
    # What had begun before the flood showed, then only the last: not forty answers.
    assert handled[-1] == 39 and len(handled) <= 11
    assert handled == sorted(handled)
    assert processor.dropped == 40 - len(handled)
    assert notices == [1]


async def test_a_flood_of_one_chat_leaves_another_chat_untouched() -> None:
    processor = PerChatUpdateProcessor(8, flood_burst=3, flood_rate=0.001, quiet=0.05)
    handled: list[tuple[int, int]] = []

    async def handle(chat: int, n: int) -> None:
        await asyncio.sleep(0)
        handled.append((chat, n))

    await asyncio.gather(
        *(processor.process_update(text_update(n, 1), handle(1, n)) for n in range(20)),
        *(processor.process_update(text_update(100 + n, 2), handle(2, n)) for n in range(3)),
    )
    assert [n for chat, n in handled if chat == 2] == [0, 1, 2]
    flooder = [n for chat, n in handled if chat == 1]
    assert flooder[-1] == 19 and len(flooder) <= 4 and flooder == sorted(flooder)


async def test_after_a_pause_the_flooder_is_a_person_again() -> None:
    processor = PerChatUpdateProcessor(8, flood_burst=2, flood_rate=10, quiet=0.05)
    handled: list[int] = []

    async def handle(n: int) -> None:
        await asyncio.sleep(0)  # the bot at work: the chat's later updates queue meanwhile
        handled.append(n)

    await asyncio.gather(*(processor.process_update(text_update(n, 1), handle(n))
                           for n in range(6)))  # fmt: skip
    assert handled[-1] == 5 and len(handled) <= 3
    await asyncio.sleep(0.25)  # the bucket is full again: nothing of the flood is remembered
    await processor.process_update(text_update(6, 1), handle(6))
    await processor.process_update(text_update(7, 1), handle(7))
    assert handled[-2:] == [6, 7]


async def test_someone_who_waits_for_each_answer_is_never_flooding_however_fast() -> None:
    # The scripted residents of the tests answer at once, 30 times a second: no backlog, so
    # nothing to merge.
    processor = PerChatUpdateProcessor(8, flood_burst=3, flood_rate=0.001, quiet=0.05)
    handled: list[int] = []

    async def handle(n: int) -> None:
        await asyncio.sleep(0)
        handled.append(n)

    for n in range(30):
        await processor.process_update(text_update(n, 1), handle(n))
    assert handled == list(range(30))
    assert processor.dropped == 0
