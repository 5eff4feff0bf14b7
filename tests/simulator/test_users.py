"""Simulated users: the updates they produce and how they read the bot's replies."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.simulator import BotApiSimulator

from .conftest import Api


async def next_update(api: Api) -> dict[str, Any]:
    [update] = await api.ok("getUpdates", timeout=1)
    await api.ok("getUpdates", offset=update["update_id"] + 1)
    return update


async def test_commands_carry_a_bot_command_entity(api: Api, simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti", "id")
    await user.send("/start kel_cipocok")
    message = (await next_update(api))["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["chat"] == {"id": 1001, "type": "private", "first_name": "Siti"}
    await user.send("/start@serang_pmi_bot")
    assert (await next_update(api))["message"]["entities"][0]["length"] == 21
    await user.send("halo /start")
    assert "entities" not in (await next_update(api))["message"]


async def test_message_ids_and_update_ids_increase(api: Api, simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti")
    await user.send("satu")
    await api.ok("sendMessage", chat_id=1001, text="balasan")
    await user.send("dua")
    updates = await api.ok("getUpdates")
    assert [u["message"]["message_id"] for u in updates] == [1, 3]
    assert updates[1]["update_id"] == updates[0]["update_id"] + 1


async def test_contacts_and_media(api: Api, simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti", phone_number="+6281234567890")
    await user.send_contact()
    contact = (await next_update(api))["message"]["contact"]
    assert contact == {"phone_number": "+6281234567890", "first_name": "Siti", "user_id": 1001}
    await user.send_contact("+628111", user_id=2002)
    assert (await next_update(api))["message"]["contact"]["user_id"] == 2002
    await user.send_contact("+628222", include_user_id=False)
    assert "user_id" not in (await next_update(api))["message"]["contact"]
    await user.send_photo(caption="KTP")
    message = (await next_update(api))["message"]
    assert message["caption"] == "KTP" and message["photo"][0]["width"] > 0
    for action, key in [
        (user.send_sticker(), "sticker"),
        (user.send_voice(), "voice"),
        (user.send_location(), "location"),
    ]:
        await action
        assert key in (await next_update(api))["message"]
    assert "[contact +6281234567890]" in user.transcript()


async def test_tap_sends_callback_query_with_the_message(
    api: Api, simulator: BotApiSimulator
) -> None:
    user = simulator.user(1001, "Siti")
    keyboard = {
        "inline_keyboard": [
            [
                {"text": "✅ Setuju", "callback_data": "consent:yes"},
                {"text": "Tidak setuju", "callback_data": "consent:no"},
            ]
        ]
    }
    sent = await api.ok("sendMessage", chat_id=1001, text="Persetujuan", reply_markup=keyboard)
    await api.ok("sendMessage", chat_id=1001, text="no keyboard here")
    query = await user.tap("✅ Setuju")
    update = await next_update(api)
    callback = update["callback_query"]
    assert callback["id"] == query.id and callback["data"] == "consent:yes"
    assert callback["from"]["id"] == 1001 and callback["chat_instance"]
    assert callback["message"]["message_id"] == sent["message_id"]
    assert callback["message"]["reply_markup"] == keyboard
    # a unique substring is enough; an ambiguous or unknown one lists the buttons
    await user.tap("Tidak")
    with pytest.raises(AssertionError, match=r"Setuju.*Tidak setuju"):
        await user.tap("setuju")
    with pytest.raises(AssertionError, match="Nanti"):
        await user.tap("Nanti")


async def test_tap_without_keyboard_fails_clearly(simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti")
    with pytest.raises(AssertionError, match="no bot message with inline buttons"):
        await user.tap("Setuju")


async def test_tap_on_an_older_message(api: Api, simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti")
    first = {"inline_keyboard": [[{"text": "Ubah", "callback_data": "edit:1"}]]}
    await api.ok("sendMessage", chat_id=1001, text="Ringkasan", reply_markup=first)
    old = await user.next_message()
    second = {"inline_keyboard": [[{"text": "Kirim", "callback_data": "send"}]]}
    await api.ok("sendMessage", chat_id=1001, text="Kirim?", reply_markup=second)
    query = await user.tap_on(old, "Ubah")
    assert query.data == "edit:1"


async def test_next_message_in_order_including_edits(api: Api, simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti")
    await user.send("halo")
    a = await api.ok("sendMessage", chat_id=1001, text="satu")
    await api.ok("sendMessage", chat_id=1001, text="dua")
    await api.ok("editMessageText", chat_id=1001, message_id=a["message_id"], text="satu!")
    assert [(await user.next_message()).text for _ in range(3)] == ["satu", "dua", "satu!"]
    # messages sent before the user's next action are skipped by the cursor
    await api.ok("sendMessage", chat_id=1001, text="old news")
    await user.send("lagi")
    await api.ok("sendMessage", chat_id=1001, text="baru")
    assert (await user.next_message()).text == "baru"


async def test_next_message_timeout_shows_transcript(simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti")
    await user.send("halo?")
    with pytest.raises(AssertionError, match=r"(?s)no message from the bot.*> halo\?"):
        await user.next_message(timeout=0.05)


async def test_wait_idle_collects_until_quiet(api: Api, simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti")
    await user.send("halo")

    async def bot() -> None:
        await next_update(api)
        for text in ("a", "b", "c"):
            await api.ok("sendMessage", chat_id=1001, text=text)
            await asyncio.sleep(0.02)

    task = asyncio.create_task(bot())
    # Quiet is 25 times the gap between the sends: a busy machine does not end it early.
    messages = await user.wait_idle(quiet=0.5, timeout=5)
    await task
    assert [m.text for m in messages] == ["a", "b", "c"]


async def test_reply_keyboard_and_press(api: Api, simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti", phone_number="+628999")
    assert user.reply_keyboard() == []
    markup = {"keyboard": [[{"text": "📱 Kirim nomor", "request_contact": True}], ["Batal"]],
              "one_time_keyboard": True}  # fmt: skip
    await api.ok("sendMessage", chat_id=1001, text="Nomor HP?", reply_markup=markup)
    rows = user.reply_keyboard()
    assert rows[0][0]["request_contact"] is True and rows[1] == [{"text": "Batal"}]
    await user.press("Kirim nomor")
    assert (await next_update(api))["message"]["contact"]["phone_number"] == "+628999"
    assert user.reply_keyboard() == []  # one-time keyboards hide after use
    await api.ok("sendMessage", chat_id=1001, text="x", reply_markup={"keyboard": [["Ya"]]})
    await api.ok("sendMessage", chat_id=1001, text="y", reply_markup={"remove_keyboard": True})
    assert user.reply_keyboard() == []


async def test_blocked_user_who_writes_unblocks(api: Api, simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti")
    simulator.block(1001)
    assert (await api.error("sendMessage", chat_id=1001, text="x"))[0] == 403
    await user.send("/start")
    await api.ok("sendMessage", chat_id=1001, text="Selamat datang kembali")
    simulator.deactivate(1001)
    with pytest.raises(AssertionError, match="deactivated"):
        await user.send("x")


async def test_transcript_is_readable(api: Api, simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti")
    await user.send("/start")
    keyboard = {"inline_keyboard": [[{"text": "Ya", "callback_data": "y"},
                                     {"text": "Tidak", "callback_data": "n"}]]}  # fmt: skip
    sent = await api.ok("sendMessage", chat_id=1001, text="<b>Siap?</b>\nBaris 2",
                        parse_mode="HTML", reply_markup=keyboard)  # fmt: skip
    query = await user.tap("Ya")
    await api.ok("answerCallbackQuery", callback_query_id=query.id, text="Oke")
    await api.ok("editMessageText", chat_id=1001, message_id=sent["message_id"], text="Siap.")
    assert user.transcript() == "\n".join(
        [
            "> /start",
            "< Siap?\n  Baris 2 [Ya | Tidak]",
            "> [tap: Ya]",
            "< (toast: Oke)",
            f"< (edit #{sent['message_id']}) Siap.",
        ]
    )


async def test_edits_arrive_as_edited_message_and_are_checked(
    api: Api, simulator: BotApiSimulator
) -> None:
    user = simulator.user(1001, "Siti")
    sent = await user.send("/tahap SRG-2026-00001 terverifikasi")
    await next_update(api)
    await user.edit(sent, "/tahap SRG-2026-00001 tidak_lolos")
    update = await next_update(api)
    edited = update["edited_message"]
    assert "message" not in update
    assert edited["message_id"] == sent["message_id"] and edited["date"] == sent["date"]
    assert edited["edit_date"] >= edited["date"]
    assert edited["text"].endswith("tidak_lolos") and edited["entities"][0]["length"] == 6
    with pytest.raises(AssertionError, match="changes nothing"):
        await user.edit(sent, "/tahap SRG-2026-00001 tidak_lolos")
    with pytest.raises(AssertionError, match="1-4096"):
        await user.edit(sent, " ")
    bot_message = await api.ok("sendMessage", chat_id=1001, text="balasan")
    with pytest.raises(AssertionError, match="not one of mine"):
        await user.edit({**sent, "message_id": bot_message["message_id"]}, "x")
    await user.send_contact()
    contact = (await next_update(api))["message"]
    with pytest.raises(AssertionError, match="cannot be edited"):
        await user.edit(contact, "x")


async def test_captions_carry_commands_and_groups_hear_only_commands(
    api: Api, simulator: BotApiSimulator
) -> None:
    user = simulator.user(1001, "Siti")
    await user.send_document("jadwal.csv", b"a,b\n", caption="/jadwalkan")
    message = (await next_update(api))["message"]
    assert message["caption_entities"] == [{"type": "bot_command", "offset": 0, "length": 10}]
    await user.send("halo semua", chat_id=-5001)  # privacy mode: the bot never sees it
    await user.send("/status", chat_id=-5001)
    message = (await next_update(api))["message"]
    assert message["text"] == "/status" and message["chat"]["type"] == "group"
    assert message["from"]["id"] == 1001
