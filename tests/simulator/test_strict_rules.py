"""The simulator refuses what Telegram refuses, with Telegram's status codes and words."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.simulator import BotApiSimulator
from bot.simulator.users import TINY_PNG

from .conftest import TOKEN, Api

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def inline(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}


# text lengths are counted after entities are parsed, in UTF-16 code units
@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("a" * 4096, None, None),
        ("a" * 4097, None, "Bad Request: message is too long"),
        ("😀" * 2048, None, None),  # 4096 code units
        ("😀" * 2048 + "a", None, "Bad Request: message is too long"),
        ("<b>" + "a" * 4096 + "</b>", "HTML", None),  # tags do not count
        ("&amp;" * 4096, "HTML", None),  # an entity counts as one character
        ("", None, "Bad Request: message text is empty"),
        ("  \n ", None, "Bad Request: message text is empty"),
        ("<b> </b>", "HTML", "Bad Request: message text is empty"),
    ],
)
async def test_message_text_length(
    api: Api, text: str, parse_mode: str | None, error: str | None
) -> None:
    response = await api.call("sendMessage", chat_id=1001, text=text, parse_mode=parse_mode)
    body = response.json()
    if error is None:
        assert body["ok"], body
    else:
        assert (response.status_code, body["description"]) == (400, error)


async def test_missing_text_is_empty(api: Api) -> None:
    assert await api.error("sendMessage", chat_id=1001) == (
        400, "Bad Request: message text is empty", {}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("caption", "ok"), [("c" * 1024, True), ("c" * 1025, False), ("😀" * 512, True)]
)
async def test_caption_length(simulator: BotApiSimulator, caption: str, ok: bool) -> None:
    import httpx

    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(
            f"{simulator.base_url}{TOKEN}/sendPhoto",
            data={"chat_id": "1001", "caption": caption},
            files={"photo": ("chart.png", TINY_PNG, "image/png")},
        )
    body = response.json()
    if ok:
        assert body["ok"], body
        assert body["result"]["caption"] == caption
    else:
        assert body["description"] == "Bad Request: message caption is too long"


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        (inline({"text": "A", "callback_data": "x" * 64}), None),
        (inline({"text": "A", "callback_data": "é" * 32}), None),  # 64 bytes of UTF-8
        (inline({"text": "A", "callback_data": "x" * 65}), "Bad Request: BUTTON_DATA_INVALID"),
        (inline({"text": "A", "callback_data": "é" * 32 + "x"}),
         "Bad Request: BUTTON_DATA_INVALID"),
        (inline({"text": "A", "url": "https://kotaserang.go.id"}), None),
        (inline({"text": "A", "url": "not a url"}), "Bad Request: BUTTON_URL_INVALID"),
        (inline({"text": "", "callback_data": "x"}), "Bad Request: BUTTON_TEXT_INVALID"),
        (inline({"text": "A"}), "Bad Request: can't parse inline keyboard button: "
         "Text buttons are unallowed in the inline keyboard"),
        (inline({"text": "A", "callback_data": ""}), "Bad Request: can't parse inline keyboard "
         "button: Text buttons are unallowed in the inline keyboard"),
        (inline({"text": "A", "callback_data": "x", "url": "https://a.id"}),
         "Bad Request: can't parse inline keyboard button: exactly one of the optional fields "
         "must be used, got callback_data, url"),
        ({"keyboard": [[{"text": "Kirim nomor", "request_contact": True}]]}, None),
        ({"keyboard": [["Ya", "Tidak"]], "one_time_keyboard": True}, None),
        ({"remove_keyboard": True}, None),
        ({"force_reply": True}, None),
        ({"something": 1}, "Bad Request: can't parse reply keyboard markup JSON object"),
    ],
)  # fmt: skip
async def test_reply_markup_rules(api: Api, markup: dict[str, Any], error: str | None) -> None:
    response = await api.call("sendMessage", chat_id=1001, text="Pilih", reply_markup=markup)
    body = response.json()
    if error is None:
        assert body["ok"], body
    else:
        assert (response.status_code, body["description"]) == (400, error)


async def test_inline_keyboard_is_echoed_reply_keyboard_is_not(api: Api) -> None:
    keyboard = inline({"text": "Setuju", "callback_data": "consent:yes"})
    result = await api.ok("sendMessage", chat_id=1001, text="x", reply_markup=keyboard)
    assert result["reply_markup"] == keyboard
    result = await api.ok("sendMessage", chat_id=1001, text="x", reply_markup={"keyboard": [["A"]]})
    assert "reply_markup" not in result  # as Telegram: Message.reply_markup is inline only


async def test_request_contact_only_in_private_chats(api: Api) -> None:
    markup = {"keyboard": [[{"text": "Kirim nomor", "request_contact": True}]]}
    assert await api.error("sendMessage", chat_id=-1001, text="x", reply_markup=markup) == (
        400, "Bad Request: phone number can be requested in private chats only", {}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("mark", "status", "description"),
    [
        ("block", 403, "Forbidden: bot was blocked by the user"),
        ("deactivate", 403, "Forbidden: user is deactivated"),
        ("mark_missing", 400, "Bad Request: chat not found"),
    ],
)
async def test_unreachable_chats(
    api: Api, simulator: BotApiSimulator, mark: str, status: int, description: str
) -> None:
    getattr(simulator, mark)(2002)
    for method, extra in [
        ("sendMessage", {"text": "x"}),
        ("sendChatAction", {"action": "typing"}),
    ]:
        assert await api.error(method, chat_id=2002, **extra) == (status, description, {})
    assert simulator.chat(2002).messages == []
    simulator.unblock(2002)
    await api.ok("sendMessage", chat_id=2002, text="x")


async def test_any_other_chat_id_exists(api: Api) -> None:
    for chat_id in (5, 987654321, 6_000_000_123):
        result = await api.ok("sendMessage", chat_id=chat_id, text="Pengumuman")
        assert result["chat"] == {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
    assert (await api.error("sendMessage", chat_id="@nobody", text="x"))[1] == (
        "Bad Request: chat not found"
    )
    assert (await api.error("sendMessage", text="x"))[1] == "Bad Request: chat_id is empty"


async def test_edit_rules(api: Api, simulator: BotApiSimulator) -> None:
    keyboard = inline({"text": "Lanjut", "callback_data": "next"})
    sent = await api.ok("sendMessage", chat_id=1001, text="<b>Soal 1</b>", parse_mode="HTML",
                        reply_markup=keyboard)  # fmt: skip
    mid = sent["message_id"]
    same = {"chat_id": 1001, "message_id": mid, "parse_mode": "HTML", "reply_markup": keyboard}
    assert await api.error("editMessageText", text="<b>Soal 1</b>", **same) == (
        400, NOT_MODIFIED, {}
    )  # fmt: skip
    # the same plain text without the bold entity is a change
    edited = await api.ok("editMessageText", text="Soal 1", **same)
    assert edited["text"] == "Soal 1" and edited["reply_markup"] == keyboard
    assert await api.error("editMessageReplyMarkup", chat_id=1001, message_id=mid,
                           reply_markup=keyboard) == (400, NOT_MODIFIED, {})  # fmt: skip
    # an edit without reply_markup removes the inline keyboard, as on Telegram
    edited = await api.ok("editMessageText", chat_id=1001, message_id=mid, text="Selesai")
    assert "reply_markup" not in edited
    current = simulator.chat(1001).message(mid)
    assert current is not None
    assert (current.text, current.edits, current.reply_markup) == (
        "Selesai", ["Soal 1", "Soal 1"], None
    )  # fmt: skip
    assert await api.error("editMessageText", chat_id=1001, message_id=999, text="x") == (
        400, "Bad Request: message to edit not found", {}
    )  # fmt: skip
    assert await api.ok("deleteMessage", chat_id=1001, message_id=mid) is True
    assert await api.error("editMessageText", chat_id=1001, message_id=mid, text="y") == (
        400, "Bad Request: message to edit not found", {}
    )  # fmt: skip
    assert await api.error("deleteMessage", chat_id=1001, message_id=mid) == (
        400, "Bad Request: message to delete not found", {}
    )  # fmt: skip
    current = simulator.chat(1001).message(mid)
    assert current is not None and current.deleted


async def test_edit_caption_and_text_kinds(simulator: BotApiSimulator, api: Api) -> None:
    import httpx

    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(
            f"{simulator.base_url}{TOKEN}/sendDocument",
            data={"chat_id": "1001", "caption": "Rekap"},
            files={"document": ("rekap.csv", b"nik,nama\n", "text/csv")},
        )
    mid = response.json()["result"]["message_id"]
    assert (await api.error("editMessageText", chat_id=1001, message_id=mid, text="x"))[1] == (
        "Bad Request: there is no text in the message to edit"
    )
    assert (await api.error("editMessageCaption", chat_id=1001, message_id=mid, caption="Rekap"))[
        1
    ] == NOT_MODIFIED
    result = await api.ok("editMessageCaption", chat_id=1001, message_id=mid, caption="Rekap 2")
    assert result["caption"] == "Rekap 2"
    [message] = simulator.chat(1001).messages
    assert message.document is not None and message.document.caption == "Rekap 2"
    assert message.document.filename == "rekap.csv" and message.document.data == b"nik,nama\n"


async def test_answer_callback_query_once(api: Api, simulator: BotApiSimulator) -> None:
    user = simulator.user(1001, "Siti")
    await api.ok("sendMessage", chat_id=1001, text="Setuju?",
                 reply_markup=inline({"text": "Setuju", "callback_data": "yes"}))  # fmt: skip
    query = await user.tap("Setuju")
    assert not query.answered
    assert await api.ok("answerCallbackQuery", callback_query_id=query.id) is True
    assert query.answered
    assert await api.error("answerCallbackQuery", callback_query_id=query.id) == (
        400, QUERY_TOO_OLD, {}
    )  # fmt: skip
    assert await api.error("answerCallbackQuery", callback_query_id="123") == (
        400, QUERY_TOO_OLD, {}
    )  # fmt: skip


async def test_global_flood_limit_answers_429(api: Api, simulator: BotApiSimulator) -> None:
    simulator.flood_limit = True
    simulator.chat_flood_limit = False
    simulator.global_rate = 5
    for chat_id in range(1, 6):
        await api.ok("sendMessage", chat_id=chat_id, text="x")
    status, description, parameters = await api.error("sendMessage", chat_id=6, text="x")
    retry_after = parameters["retry_after"]
    assert isinstance(retry_after, int) and retry_after >= 1
    assert (status, description) == (429, f"Too Many Requests: retry after {retry_after}")
    # edits count against the same overall budget
    assert (await api.error("editMessageText", chat_id=1, message_id=1, text="y"))[0] == 429
    simulator.flood_limit = False
    await api.ok("sendMessage", chat_id=6, text="x")
    assert simulator.stats()["429s"] == 2


async def test_per_chat_bucket_allows_a_burst_then_throttles(
    api: Api, simulator: BotApiSimulator
) -> None:
    simulator.flood_limit = True
    burst = 10  # the documented default bucket size
    for _ in range(burst):
        await api.ok("sendMessage", chat_id=1001, text="x")
    status, _, parameters = await api.error("sendMessage", chat_id=1001, text="x")
    assert status == 429 and parameters["retry_after"] >= 1
    await api.ok("sendMessage", chat_id=1002, text="another chat is not throttled")
    simulator.chat_flood_limit = False
    await api.ok("sendMessage", chat_id=1001, text="x")


async def test_injected_errors(api: Api, simulator: BotApiSimulator) -> None:
    simulator.inject_error("sendMessage", status=429, retry_after=3, times=2)
    for _ in range(2):
        assert await api.error("sendMessage", chat_id=1, text="x") == (
            429, "Too Many Requests: retry after 3", {"retry_after": 3}
        )  # fmt: skip
    await api.ok("sendMessage", chat_id=1, text="x")
    simulator.inject_error("sendMessage", status=502, chat_id=7)
    await api.ok("sendMessage", chat_id=1, text="other chats pass")
    assert await api.error("sendMessage", chat_id=7, text="x") == (502, "Bad Gateway", {})
    simulator.inject_error(None, status=400, description="Bad Request: boom")
    assert (await api.error("getMe"))[1] == "Bad Request: boom"
    assert simulator.chat(7).messages == []


async def test_injected_network_drop(api: Api, simulator: BotApiSimulator) -> None:
    import httpx

    simulator.inject_network_drop(times=1, method="sendMessage")
    with pytest.raises(httpx.RemoteProtocolError):
        await api.call("sendMessage", chat_id=1, text="lost")
    assert simulator.chat(1).messages == []
    simulator.inject_network_drop(after_processing=True)
    with pytest.raises(httpx.RemoteProtocolError):
        await api.call("sendMessage", chat_id=1, text="delivered, reply lost")
    assert [m.text for m in simulator.chat(1).messages] == ["delivered, reply lost"]
    await api.ok("sendMessage", chat_id=1, text="fine again")
    assert simulator.stats()["network_drops"] == 2


async def test_commands_per_scope_and_language(api: Api, simulator: BotApiSimulator) -> None:
    commands = [{"command": "start", "description": "Mulai pendaftaran"}]
    private = {"type": "all_private_chats"}
    await api.ok("setMyCommands", commands=commands, scope=private, language_code="id")
    assert await api.ok("getMyCommands", scope=private, language_code="id") == commands
    assert await api.ok("getMyCommands", scope=private, language_code="en") == []
    assert simulator.commands(private, "id") == commands
    for bad, error in [
        ({"command": "Start", "description": "x"}, "BOT_COMMAND_INVALID"),
        ({"command": "/start", "description": "x"}, "BOT_COMMAND_INVALID"),
        ({"command": "a" * 33, "description": "x"}, "BOT_COMMAND_INVALID"),
        ({"command": "start", "description": ""}, "BOT_COMMAND_DESCRIPTION_INVALID"),
        ({"command": "start", "description": "d" * 257}, "BOT_COMMAND_DESCRIPTION_INVALID"),
    ]:
        assert (await api.error("setMyCommands", commands=[bad]))[1] == f"Bad Request: {error}"
    await api.ok("deleteMyCommands", scope=private, language_code="id")
    assert simulator.commands(private, "id") == []


async def test_json_bodies_and_unknown_methods(simulator: BotApiSimulator) -> None:
    import httpx

    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(
            f"{simulator.base_url}{TOKEN}/sendMessage",
            json={"chat_id": 1001, "text": "json", "reply_markup": inline(
                {"text": "A", "callback_data": "a"})},
        )  # fmt: skip
        assert response.json()["result"]["text"] == "json"
        response = await client.get(f"{simulator.base_url}{TOKEN}/getMe")
        assert response.json()["result"]["username"] == "serang_pmi_bot"
        response = await client.post(f"{simulator.base_url}{TOKEN}/sendTelepathy")
        assert response.status_code == 404
        assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_files_round_trip(simulator: BotApiSimulator, api: Api) -> None:
    import httpx

    user = simulator.user(1001, "Siti")
    sent = await user.send_document("data.csv", b"a,b\n1,2\n", caption="data")
    file_id = sent["document"]["file_id"]
    file = await api.ok("getFile", file_id=file_id)
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.get(f"{simulator.base_file_url}{TOKEN}/{file['file_path']}")
    assert response.content == b"a,b\n1,2\n"
    assert (await api.error("getFile", file_id="nope"))[1] == "Bad Request: invalid file_id"
    # a photo upload must be an image
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(
            f"{simulator.base_url}{TOKEN}/sendPhoto",
            data={"chat_id": "1001"},
            files={"photo": ("x.png", b"not an image", "image/png")},
        )
    assert response.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"
    # re-sending a known file_id works
    result = await api.ok("sendDocument", chat_id=1001, document=file_id)
    assert result["document"]["file_id"] == file_id


async def test_get_updates_long_poll_wakes_at_once(api: Api, simulator: BotApiSimulator) -> None:
    import asyncio
    import time

    user = simulator.user(1001, "Siti")

    async def later() -> None:
        await asyncio.sleep(0.05)
        await user.send("halo")

    started = time.monotonic()
    task = asyncio.create_task(later())
    updates = await api.ok("getUpdates", timeout=5)
    await task
    assert time.monotonic() - started < 1.0
    [update] = updates
    assert update["message"]["text"] == "halo"
    assert update["message"]["from"]["language_code"] == "id"
    # not confirmed yet: delivered again, then confirmed by a higher offset
    assert await api.ok("getUpdates") == updates
    assert await api.ok("getUpdates", offset=update["update_id"] + 1) == []
    assert simulator.pending_updates() == 0


async def test_webhook_blocks_get_updates(api: Api) -> None:
    assert await api.ok("setWebhook", url="https://example.org/hook") is True
    status, description, _ = await api.error("getUpdates")
    assert status == 409 and description.startswith("Conflict: can't use getUpdates method")
    assert await api.ok("deleteWebhook", drop_pending_updates=True) is True
    assert await api.ok("getUpdates") == []


async def test_stats_and_calls_are_recorded(api: Api, simulator: BotApiSimulator) -> None:
    seen: list[tuple[int, str, bool]] = []
    simulator.on_bot_message(lambda chat_id, message, is_edit: seen.append(
        (chat_id, message.text, is_edit)))  # fmt: skip
    sent = await api.ok("sendMessage", chat_id=1, text="a")
    await api.ok("editMessageText", chat_id=1, message_id=sent["message_id"], text="b")
    simulator.block(2)
    await api.error("sendMessage", chat_id=2, text="x")
    await api.error("sendMessage", chat_id=1, text="")
    assert seen == [(1, "a", False), (1, "b", True)]
    stats = simulator.stats()
    assert {k: stats[k] for k in ("sends", "edits", "403s", "400s", "429s")} == {
        "sends": 1, "edits": 1, "403s": 1, "400s": 1, "429s": 0
    }  # fmt: skip
    assert [(c.method, c.chat_id, c.ok, c.error_code) for c in simulator.calls] == [
        ("sendMessage", 1, True, None),
        ("editMessageText", 1, True, None),
        ("sendMessage", 2, False, 403),
        ("sendMessage", 1, False, 400),
    ]
    assert json.dumps(simulator.stats())  # plain numbers, printable by benchmarks
