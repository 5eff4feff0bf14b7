"""The simulated residents write through a signed webhook, as Meta delivers, and read what
the bot sent; duplicates and statuses come when a test asks for them."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from bot.simulator_whatsapp import WebhookRefused, WhatsAppSimulator
from tests.helpers.whatsapp import Graph, Receiver

RESIDENT = "6281234567890"


async def test_every_delivery_is_signed_with_the_app_secret(
    wa: WhatsAppSimulator, hook: Receiver
) -> None:
    await wa.user(RESIDENT, "Siti").send_text("halo")
    (body,), (header,) = hook.bodies, hook.signatures
    expected = hmac.new(b"test-app-secret", body, hashlib.sha256).hexdigest()
    assert header == "sha256=" + expected
    value = hook.values()[0]
    assert value["metadata"]["phone_number_id"] == wa.phone_number_id
    assert value["contacts"] == [{"profile": {"name": "Siti"}, "wa_id": RESIDENT}]
    (message,) = value["messages"]
    assert (message["from"], message["type"], message["text"]) == (
        RESIDENT,
        "text",
        {"body": "halo"},
    )
    assert message["id"].startswith("wamid.")


async def test_a_duplicate_is_the_same_body_twice(wa: WhatsAppSimulator, hook: Receiver) -> None:
    message_id = await wa.user(RESIDENT).send_text("halo", duplicate=True)
    assert len(hook.bodies) == 2 and hook.bodies[0] == hook.bodies[1]
    assert [m["id"] for m in hook.messages()] == [message_id, message_id]


async def test_every_kind_of_message_a_phone_sends(wa: WhatsAppSimulator, hook: Receiver) -> None:
    user = wa.user(RESIDENT)
    await user.send_button_reply("ya", "Ya", context="wamid.Q")
    await user.send_list_reply("serang", "Serang", "Kecamatan")
    await user.send_media("image", caption="KTP")
    await user.send_media("sticker")
    await user.send_media("document")
    await user.send_voice()
    await user.send_location(-6.12, 106.15, name="Rumah")
    await user.send_reaction("wamid.Q", "👍")
    await user.send_contacts()
    kinds = [m["type"] for m in hook.messages()]
    assert kinds == [
        "interactive",
        "interactive",
        "image",
        "sticker",
        "document",
        "audio",
        "location",
        "reaction",
        "contacts",
    ]
    messages = hook.messages()
    assert messages[0]["interactive"]["button_reply"] == {"id": "ya", "title": "Ya"}
    assert messages[0]["context"]["id"] == "wamid.Q"
    assert messages[1]["interactive"]["list_reply"]["id"] == "serang"
    assert messages[2]["image"]["caption"] == "KTP"
    assert messages[5]["audio"]["voice"] is True
    assert messages[6]["location"]["latitude"] == -6.12
    assert messages[7]["reaction"] == {"message_id": "wamid.Q", "emoji": "👍"}


async def test_a_resident_presses_what_the_bot_offered(
    wa: WhatsAppSimulator, graph: Graph, hook: Receiver
) -> None:
    user = wa.user(RESIDENT)
    await user.send_text("halo")
    await graph.buttons(RESIDENT, ["Setuju", "Tidak setuju"], ids=["c:yes", "c:no"])
    offered = await user.next_message()
    assert offered.titles == ["Setuju", "Tidak setuju"]
    await user.press("Setuju")
    reply = hook.messages()[-1]
    assert reply["interactive"]["button_reply"] == {"id": "c:yes", "title": "Setuju"}
    assert reply["context"]["id"] == offered.id
    sections = [{"rows": [{"id": "k:1", "title": "Serang"}, {"id": "k:2", "title": "Kasemen"}]}]
    await graph.list_message(RESIDENT, sections, button="Pilih kecamatan")
    await user.press("Kasemen")
    assert hook.messages()[-1]["interactive"]["list_reply"] == {"id": "k:2", "title": "Kasemen"}
    with pytest.raises(AssertionError):
        await user.press("Walantaka")


async def test_statuses_when_asked(wa: WhatsAppSimulator, graph: Graph, hook: Receiver) -> None:
    await wa.user(RESIDENT).send_text("halo")
    message_id = (await graph.text(RESIDENT, "Terima kasih")).json()["messages"][0]["id"]
    await wa.send_status(message_id, "delivered")
    await wa.send_status(message_id, "read")
    await wa.send_status(message_id, "failed", code=131026)
    statuses = hook.statuses()
    assert [(s["id"], s["status"], s["recipient_id"]) for s in statuses] == [
        (message_id, "delivered", RESIDENT),
        (message_id, "read", RESIDENT),
        (message_id, "failed", RESIDENT),
    ]
    assert statuses[2]["errors"][0]["code"] == 131026
    assert "errors" not in statuses[0]


async def test_a_refused_delivery_is_tried_again_then_raised(
    wa: WhatsAppSimulator, hook: Receiver
) -> None:
    wa.webhook_retry_delay = 0.01
    hook.answer = 503
    with pytest.raises(WebhookRefused) as refused:
        await wa.user(RESIDENT).send_text("halo")
    assert refused.value.status == 503
    assert len(hook.bodies) == wa.webhook_retries + 1
    assert (
        len(
            {
                json.loads(b)["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
                for b in hook.bodies
            }
        )
        == 1
    )


async def test_the_transcript_reads_like_the_chat(
    wa: WhatsAppSimulator, graph: Graph, hook: Receiver
) -> None:
    user = wa.user(RESIDENT, "Siti")
    await user.send_text("daftar")
    await graph.buttons(RESIDENT, ["Setuju", "Tidak setuju"], body="Apakah Anda setuju?")
    sections = [{"rows": [{"id": "a", "title": "Serang"}, {"id": "b", "title": "Kasemen"}]}]
    await graph.list_message(RESIDENT, sections, button="Pilih", body="Kecamatan?")
    assert wa.transcript == [
        "> Siti: daftar",
        "< Apakah Anda setuju? [Setuju | Tidak setuju]",
        "< Kecamatan? {Pilih: 1. Serang | 2. Kasemen}",
    ]
