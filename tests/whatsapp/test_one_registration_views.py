"""The views of "one person, one registration" as WhatsApp messages, accepted by the
simulator: the NIK registered on the other channel (two reply buttons, each title within
WhatsApp's 20 characters) and how to check a status, in both languages."""

from __future__ import annotations

import pytest

from bot.channels.whatsapp.client import WhatsAppClient
from bot.channels.whatsapp.render import options, render
from bot.conversation import status_check
from bot.conversation.interview import nik_elsewhere_view
from bot.i18n import use_locale
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.storage.applicants import Applicant
from tests.helpers.whatsapp import receiving

RESIDENT = "6281234567891"


@pytest.mark.parametrize("locale", ["id", "en"])
async def test_the_views_are_accepted_with_buttons(
    wa: WhatsAppSimulator, client: WhatsAppClient, locale: str
) -> None:
    async with receiving(wa):
        await wa.user(RESIDENT).send_text("halo")
    with use_locale(locale):
        told = nik_elsewhere_view(Applicant(-1, answers={"name": "Siti"}), "telegram")
        how = status_check.no_registration_view(interviewing=False)
    (message,) = render(told)
    assert message["interactive"]["type"] == "button"
    titles = [b["reply"]["title"] for b in message["interactive"]["action"]["buttons"]]
    assert len(titles) == 2 and all(len(t) <= 20 for t in titles), titles
    assert [o.id for o in options(told)] == ["nik-not-mine:nik", "back:nik"]
    for view in (told, how):
        for m in render(view):
            delivery = await client.send({"to": RESIDENT, **m})
            assert delivery.sent, delivery.error
    assert "SRG-2026-00012 17-08-1990" in str(render(how))
    assert wa.errors == {}
