"""Checking a registration's status with its number and the birth date, on any channel.

Someone registered on Telegram who writes on WhatsApp (or from another account) has no
registration here, but may see the status of theirs: they send the registration number and
their birth date in one message ("SRG-2026-00012 17-08-1990"). When both match one submitted
registration they get the status text /status shows (stage, verdict, place, next step) and
nothing more about it; otherwise one answer that does not say whether the number exists.

Guesses are limited per caller (the channel's user id): at most GUESSES_PER_DAY different
number/date pairs a day, kept in SQLite (bot/storage/status_checks.py) rather than in
memory, so that a restart does not reset the limit, as for NIK attempts. A registration
number is easy to guess (they count up); the birth date is the secret, and 5 tries a day out
of ~15,000 plausible dates makes guessing one pointless.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from html import escape

from bot.conversation.reply import Reply, new
from bot.conversation.verdict import status_view
from bot.conversation.views import View
from bot.deps import Deps
from bot.domain.dates import DateError, parse_birth_date
from bot.domain.reg_no import PREFIX, SERIAL_DIGITS, normalize
from bot.i18n import _
from bot.storage import applicants as repo
from bot.storage import status_checks

log = logging.getLogger(__name__)

GUESSES_PER_DAY = 5
EXAMPLE = f"{PREFIX}-2026-00012 17-08-1990"

# The number as people copy it, any case, with stray spaces around the dashes.
_REG_NO = re.compile(
    rf"\b{PREFIX}\s*-\s*(\d{{4}})\s*-\s*(\d{{{SERIAL_DIGITS}}})\b", re.IGNORECASE
)
# A date-shaped part: 17-08-1990, 17/8/1990, 17.08.1990, 1990-08-17, 17 Agustus 1990.
_DATE = re.compile(
    r"\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}"
    r"|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    r"|\d{1,2}[\s\-.]*[a-z]{3,9}\.?[\s\-.,]*\d{4}",
    re.IGNORECASE,
)


def _parts(text: str) -> tuple[str, str] | None:
    """(the registration number as stored, the date as typed), or None."""
    found = _REG_NO.search(text)
    if found is None:
        return None
    rest = text[: found.start()] + " " + text[found.end() :]
    typed_date = _DATE.search(rest)
    if typed_date is None:
        return None
    reg_no = normalize(f"{PREFIX}-{found[1]}-{found[2]}")
    return (reg_no, typed_date[0]) if reg_no else None


def how_text() -> str:
    """How to check a status here, with an example."""
    return _("status_check.how").format(example=EXAMPLE)


def no_registration_view(interviewing: bool) -> View:
    """/status from someone with no registration here: how to register (or go on), and that
    a registration made elsewhere can be checked with its number and the birth date."""
    text = _("status.in_progress") if interviewing else _("status.none")
    return View(text + "\n\n" + _("status_check.elsewhere").format(how=how_text()))


def looks_like(text: str) -> bool:
    """A registration number and a date in one message."""
    return _parts(text) is not None


async def answer(d: Deps, text: str, *, caller: int) -> Reply:
    """The status of the registration ``text`` names, if its birth date matches; the answer
    never tells a wrong date from a number that does not exist."""
    parts = _parts(text)
    if parts is None:
        return new(View(how_text()))
    reg_no, typed_date = parts
    try:
        birth = parse_birth_date(typed_date, today=d.today())
    except DateError:
        return new(View(_("status_check.bad_date") + "\n\n" + how_text()))
    allowed = await status_checks.allow(
        d.db, caller, reg_no, birth.isoformat(), limit=GUESSES_PER_DAY, now=d.clock.now()
    )
    if not allowed:
        log.info("status check limit reached by user %s", caller)
        limit = _("status_check.limit").format(
            max=GUESSES_PER_DAY, contact=escape(d.settings.contact_bbpvp)
        )
        return new(View(limit))
    applicant = await repo.get_by_reg_no(d.db, reg_no)
    if applicant is None or not applicant.submitted or not _born_on(applicant.answers, birth):
        return new(View(_("status_check.not_found") + "\n\n" + how_text()))
    position = await repo.waitlist_position(d.db, applicant)
    return new(status_view(d, applicant, position))


def _born_on(answers: dict[str, object], birth: date) -> bool:
    return answers.get("birth_date") == birth.isoformat()
