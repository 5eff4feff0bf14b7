"""A WhatsApp registration at DEBUG leaves nothing personal in the log: not the resident's
number (their wa_id, which is also the phone answer), NIK, name or typed text, nor
WhatsApp's token or app secret. The log goes through the same filter as `python -m bot`'s
(bot/logs.py), with every logger at DEBUG as LOG_LEVEL=DEBUG sets them."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from bot.logs import FORMAT, QUIET, Redactor
from bot.runner import BotRunner
from bot.simulator_whatsapp import WhatsAppSimulator
from tests.e2e.residents import Person
from tests.helpers.wa_residents import WaResident, register

WA_ID = "6285711223344"
PERSON = Person(name="Kartika Sulistyowati", nik="3673056303970004")
TYPED = "Apakah ada lowongan tukang las di Osaka bulan depan?"


@contextmanager
def debug_log(secrets: list[str]) -> Iterator[io.StringIO]:
    """The root logger at DEBUG into a buffer, through the bot's Redactor, the libraries'
    chatter quieted as bot/logs.configure quiets it; restored afterwards."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(Redactor(secrets))
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in QUIET}
    before = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(before)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def test_a_whatsapp_registration_at_debug_leaves_nothing_personal_in_the_log(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    with debug_log([wa.token, wa.app_secret]) as buffer:
        reg_no = await register(wa, wa_bot, WA_ID, person=PERSON)
        r = WaResident.of(wa, wa_bot, WA_ID)
        await r.say(TYPED)
        data = await r.say("data")
        await wa.send_status(r.last.id, "read")
        await r.idle()
    assert PERSON.nik in data[-1].text and "+6285711223344" in data[-1].text  # it passed by
    log = buffer.getvalue()
    assert "application submitted" in log  # the buffer did receive the bot's records
    forms = [
        WA_ID, WA_ID[2:], "857-1122-3344", PERSON.nik, PERSON.nik[6:12], "Kartika",
        "Sulistyowati", "lowongan tukang las", "Osaka", wa.token, wa.app_secret,
    ]  # fmt: skip
    assert [form for form in forms if form.lower() in log.lower()] == []
    assert reg_no in log  # a registration number is no personal data by itself: logged
