"""Meta's notifications, as the simulator delivers them, read into channel-free Incoming."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.channels.incoming import Incoming, Kind, Location, Media
from bot.channels.whatsapp.notifications import read_notification
from bot.simulator_whatsapp import WhatsAppSimulator
from tests.helpers.whatsapp import receiving

RESIDENT = "6281234567890"


async def read_all(wa: WhatsAppSimulator, body: bytes) -> list[Incoming]:
    messages, _ = read_notification(json.loads(body), wa.phone_number_id)
    return messages


async def test_every_kind_a_resident_sends(wa: WhatsAppSimulator) -> None:
    async with receiving(wa) as hook:
        siti = wa.user(RESIDENT, "Siti")
        await siti.send_text("Halo")
        await siti.send_button_reply("consent:yes", "Setuju", context="wamid.Q")
        await siti.send_list_reply("kec:serang", "Serang", "Kecamatan")
        await siti.send_media("image", caption="foto KTP")
        await siti.send_media("sticker")
        await siti.send_media("document")
        await siti.send_media("video")
        await siti.send_voice()
        await siti.send_media("audio")
        await siti.send_location(-6.12, 106.15, name="Rumah")
        await siti.send_reaction("wamid.Q", "👍")
        await siti.send_contacts()
    read = [m for body in hook.bodies for m in await read_all(wa, body)]
    assert [(m.kind, m.text, m.choice_id, m.media) for m in read] == [
        (Kind.TEXT, "Halo", None, None),
        (Kind.CHOICE, "Setuju", "consent:yes", None),
        (Kind.CHOICE, "Serang", "kec:serang", None),
        (Kind.MEDIA, "foto KTP", None, Media.IMAGE),
        (Kind.MEDIA, "", None, Media.STICKER),
        (Kind.MEDIA, "", None, Media.DOCUMENT),
        (Kind.MEDIA, "", None, Media.VIDEO),
        (Kind.MEDIA, "", None, Media.VOICE),
        (Kind.MEDIA, "", None, Media.AUDIO),
        (Kind.LOCATION, "", None, None),
        (Kind.REACTION, "", None, None),
        (Kind.CONTACTS, "", None, None),
    ]
    assert {(m.channel, m.sender, m.name) for m in read} == {("whatsapp", RESIDENT, "Siti")}
    assert read[1].reply_to == "wamid.Q"
    assert read[9].location == Location(-6.12, 106.15, "Rumah")
    assert (read[10].reaction, read[10].reply_to) == ("👍", "wamid.Q")
    assert all(m.message_id.startswith("wamid.") for m in read)
    assert all(abs((m.sent_at - datetime.now(UTC)).total_seconds()) < 60 for m in read)


def test_another_numbers_notification_and_unknown_types() -> None:
    def note(phone_id: str, message: dict[str, object]) -> dict[str, object]:
        value = {"metadata": {"phone_number_id": phone_id}, "messages": [message]}
        return {"object": "whatsapp_business_account",
                "entry": [{"changes": [{"field": "messages", "value": value}]}]}  # fmt: skip

    poll = {"from": RESIDENT, "id": "wamid.P", "timestamp": "1764298800", "type": "unsupported"}
    mine, _ = read_notification(note("1", poll), "1")
    theirs, _ = read_notification(note("2", poll), "1")
    assert [(m.kind, m.sent_at) for m in mine] == [
        (Kind.UNSUPPORTED, datetime(2025, 11, 28, 3, 0, tzinfo=UTC))
    ]
    assert theirs == []
    assert read_notification({"object": "page"}, "1") == ([], [])
    assert read_notification(["not", "a", "notification"], "1") == ([], [])


async def test_statuses_are_read_with_their_codes(wa: WhatsAppSimulator) -> None:
    async with receiving(wa) as hook:
        await wa.send_status("wamid.A", "delivered")
        await wa.send_status("wamid.A", "failed", code=131047)
    statuses = [
        s for b in hook.bodies for s in read_notification(json.loads(b), wa.phone_number_id)[1]
    ]
    assert [(s.message_id, s.status, s.error_code) for s in statuses] == [
        ("wamid.A", "delivered", None),
        ("wamid.A", "failed", 131047),
    ]
