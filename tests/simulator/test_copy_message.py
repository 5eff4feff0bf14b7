"""copyMessage between a resident's private chat and a staff topic, and sendVoice: the copy
carries the content (text, photo, document, voice, sticker) without a forward header."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.simulator import BotApiSimulator
from bot.simulator.users import TINY_PNG

from .conftest import TOKEN, Api

GROUP = -1001234567890


async def topic(api: Api, simulator: BotApiSimulator) -> int:
    simulator.group(GROUP, forum=True)
    created = await api.ok("createForumTopic", chat_id=GROUP, name="SRG-0001 · Siti")
    return int(created["message_thread_id"])


async def copy(api: Api, to: int, source: dict[str, Any], **params: Any) -> int:
    result = await api.ok("copyMessage", chat_id=to, from_chat_id=source["chat"]["id"],
                          message_id=source["message_id"], **params)  # fmt: skip
    assert list(result) == ["message_id"]
    return int(result["message_id"])


async def test_a_residents_messages_copied_into_a_topic(
    api: Api, simulator: BotApiSimulator
) -> None:
    thread = await topic(api, simulator)
    group = simulator.group(GROUP)
    siti = simulator.user(1001, "Siti")
    text = await siti.send("/tanya kapan pelatihan mulai?")
    photo = await siti.send_photo("KTP saya")
    document = await siti.send_document("ijazah.pdf", b"%PDF-1.4", mime_type="application/pdf")
    voice = await siti.send_voice(7)
    sticker = await siti.send_sticker("🙏")
    for source in (text, photo, document, voice, sticker):
        await copy(api, GROUP, source, message_thread_id=thread)

    copied = group.messages(thread)
    assert [m.message_thread_id for m in copied] == [thread] * 5
    assert copied[0].text == "/tanya kapan pelatihan mulai?" and copied[0].media is None
    assert copied[0].entities == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert copied[1].photo is not None and copied[1].photo.data == TINY_PNG
    assert copied[1].caption == "KTP saya"
    assert copied[2].document is not None and copied[2].document.filename == "ijazah.pdf"
    assert copied[2].document.data == b"%PDF-1.4"
    assert copied[3].voice is not None and copied[3].voice.duration == 7
    assert copied[4].sticker is not None and copied[4].sticker.emoji == "🙏"
    assert siti.messages == []  # nothing went back to the resident
    lines = group.transcript(thread).splitlines()
    assert lines[-3:] == [
        f"< (topic {thread}) [document ijazah.pdf]",
        f"< (topic {thread}) [voice 7s]",
        f"< (topic {thread}) [sticker 🙏]",
    ]


async def test_a_staff_photo_copied_to_the_resident_with_a_new_caption(
    api: Api, simulator: BotApiSimulator
) -> None:
    thread = await topic(api, simulator)
    group = simulator.group(GROUP)
    staff = group.add(simulator.user(9001, "Rina"))
    siti = simulator.user(1001, "Siti")
    photo = await staff.send_photo("jadwal terbaru", chat_id=GROUP, thread_id=thread)
    await copy(api, 1001, photo, caption="<b>Petugas BBPVP Serang</b>: jadwal terbaru",
               parse_mode="HTML")  # fmt: skip
    voice = await staff.send_voice(3, chat_id=GROUP, thread_id=thread)
    await copy(api, 1001, voice)
    text = await staff.send("Pelatihan mulai 5 Januari.", chat_id=GROUP, thread_id=thread)
    await copy(api, 1001, text)

    received = await siti.next_message()
    assert received.photo is not None and received.photo.data == TINY_PNG
    assert received.caption == "Petugas BBPVP Serang: jadwal terbaru"
    assert received.entities == [{"type": "bold", "offset": 0, "length": 20}]
    assert received.message_thread_id is None
    assert (await siti.next_message()).voice is not None
    assert (await siti.next_message()).text == "Pelatihan mulai 5 Januari."


async def test_what_the_bot_receives_for_a_copy(api: Api, simulator: BotApiSimulator) -> None:
    """The copy in the resident's chat, when the resident replies to it, is an ordinary bot
    message: no forward_origin."""
    thread = await topic(api, simulator)
    staff = simulator.group(GROUP).add(simulator.user(9001, "Rina"))
    photo = await staff.send_photo("a", chat_id=GROUP, thread_id=thread)
    message_id = await copy(api, 1001, photo)
    edited = await api.ok("editMessageCaption", chat_id=1001, message_id=message_id, caption="b")
    assert "forward_origin" not in edited and edited["photo"] and edited["caption"] == "b"
    assert edited["from"]["id"] == simulator.bot_user["id"]


@pytest.mark.parametrize(
    ("from_chat_id", "message_id", "error"),
    [
        (1001, 99, "Bad Request: message to copy not found"),
        (-100999, 1, "Bad Request: message to copy not found"),
        (2002, 1, "Bad Request: chat not found"),
    ],
)
async def test_copy_refusals(
    api: Api, simulator: BotApiSimulator, from_chat_id: int, message_id: int, error: str
) -> None:
    simulator.mark_missing(2002)
    simulator.user(1001, "Siti")
    assert await api.error(
        "copyMessage", chat_id=GROUP, from_chat_id=from_chat_id, message_id=message_id
    ) == (400, error, {})


async def test_a_deleted_message_cannot_be_copied(api: Api, simulator: BotApiSimulator) -> None:
    siti = simulator.user(1001, "Siti")
    sent = await siti.send("halo")
    await api.ok("deleteMessage", chat_id=1001, message_id=sent["message_id"])
    assert await api.error("copyMessage", chat_id=GROUP, from_chat_id=1001,
                           message_id=sent["message_id"]) == (
        400, "Bad Request: message to copy not found", {}
    )  # fmt: skip


async def test_copying_an_edited_message_copies_it_as_it_is_now(
    api: Api, simulator: BotApiSimulator
) -> None:
    siti = simulator.user(1001, "Siti")
    sent = await siti.send("kapan mulai")
    await siti.edit(sent, "kapan pelatihan mulai?")
    await copy(api, -5001, sent)
    assert simulator.chat(-5001).messages[-1].text == "kapan pelatihan mulai?"


async def test_copy_checks_the_target_like_a_send(api: Api, simulator: BotApiSimulator) -> None:
    thread = await topic(api, simulator)
    siti = simulator.user(1001, "Siti")
    sent = await siti.send("halo")
    simulator.group(GROUP).delete_topic(thread)
    assert await api.error("copyMessage", chat_id=GROUP, from_chat_id=1001, message_id=sent[
        "message_id"], message_thread_id=thread) == (
        400, "Bad Request: message thread not found", {}
    )  # fmt: skip
    simulator.block(1001)
    assert await api.error("copyMessage", chat_id=1001, from_chat_id=1001,
                           message_id=sent["message_id"]) == (
        403, "Forbidden: bot was blocked by the user", {}
    )  # fmt: skip
    photo = await api.ok("copyMessage", chat_id=-5001, from_chat_id=1001,
                         message_id=sent["message_id"], caption="c" * 1025)  # fmt: skip
    assert photo["message_id"] > 0  # a text keeps its text: the caption is not used


async def test_a_caption_too_long_for_a_copied_photo(api: Api, simulator: BotApiSimulator) -> None:
    siti = simulator.user(1001, "Siti")
    photo = await siti.send_photo()
    assert await api.error("copyMessage", chat_id=-5001, from_chat_id=1001,
                           message_id=photo["message_id"], caption="c" * 1025) == (
        400, "Bad Request: message caption is too long", {}
    )  # fmt: skip


async def test_send_voice(api: Api, simulator: BotApiSimulator) -> None:
    thread = await topic(api, simulator)
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(
            f"{simulator.base_url}{TOKEN}/sendVoice",
            data={"chat_id": str(GROUP), "message_thread_id": str(thread), "duration": "5",
                  "caption": "pesan suara"},
            files={"voice": ("suara.ogg", b"OggS\x00\x02" + bytes(22), "audio/ogg")},
        )  # fmt: skip
    body = response.json()
    assert body["ok"], body
    voice = body["result"]["voice"]
    assert (voice["duration"], voice["mime_type"]) == (5, "audio/ogg")
    assert body["result"]["caption"] == "pesan suara"
    assert body["result"]["message_thread_id"] == thread
    # the same file again by its file_id, to a resident
    again = await api.ok("sendVoice", chat_id=1001, voice=voice["file_id"])
    assert again["voice"]["file_id"] == voice["file_id"]
    message = simulator.chat(1001).messages[-1]
    assert message.voice is not None and message.voice.data.startswith(b"OggS")
    assert await api.error("sendVoice", chat_id=1001) == (
        400, "Bad Request: there is no voice in the request", {}
    )  # fmt: skip
    assert await api.error("sendVoice", chat_id=1001, voice="nope") == (
        400, "Bad Request: wrong file identifier/HTTP URL specified", {}
    )  # fmt: skip
