"""Pertanyaan: residents' open questions, one question's conversation, a reply and "Selesai".

A reply here goes through the same functions as a reply in the staff group's topic
(bot/channels/telegram/question_desk.py): the resident gets the same signed message, stored the same
way; the topic gets a copy ("[dari web] Rina: ...") so staff in the group see a colleague
answered. "Selesai" does what /selesai does. The question's id is the only thing in an address.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot
from telegram.error import TelegramError

from bot.channels.telegram import question_desk as desk
from bot.channels.telegram import question_relay as relay
from bot.deps import Deps
from bot.domain.dates import format_datetime, stored_moment
from bot.i18n import N_, _, use_locale
from bot.services.notify import Delivery
from bot.storage import question_inbox
from bot.storage import questions as store
from bot.storage.questions import Direction, Question, QuestionMessage, Status
from bot.web.dashboard.auth import Staffer
from bot.web.dashboard.news import back_to, news_from
from bot.web.dashboard.pages import deps_of, page, staff_page
from bot.web.dashboard.security import PREFIX

log = logging.getLogger(__name__)

PATH = PREFIX + "/pertanyaan"
REPLY_MAX = 3500  # Telegram's 4096 less the signature, with room to spare
# A reply written here has no Telegram original: it is sent as text, never copied.
NO_ORIGINAL = 0

MEDIA = {
    "photo": N_("web.inbox.media.photo"),
    "document": N_("web.inbox.media.document"),
    "voice": N_("web.inbox.media.voice"),
    "video": N_("web.inbox.media.video"),
    "audio": N_("web.inbox.media.audio"),
}
OTHER_MEDIA = N_("web.inbox.media.other")

# What the page says after a form, named in the address it returns to: ?kabar=KEY.
NEWS = {
    "terkirim": N_("web.inbox.news.sent"),
    "diblokir": N_("web.inbox.news.blocked"),
    "gagal": N_("web.inbox.news.failed"),
    "di_luar_24_jam": N_("web.inbox.news.outside_window"),
    "kosong": N_("web.inbox.news.empty"),
    "panjang": N_("web.inbox.news.too_long"),
    "tertutup": N_("web.inbox.news.closed_already"),
    "selesai": N_("web.inbox.news.closed"),
    "selesai_tanpa_kabar": N_("web.inbox.news.closed_untold"),
}


def bot_of(request: Request) -> Bot:
    bot = request.app.state.bot
    assert isinstance(bot, Bot)
    return bot


def news(request: Request) -> str | None:
    return news_from(request, NEWS)


def back(question_id: int | None, key: str) -> Response:
    return back_to(f"{PATH}/{question_id}" if question_id is not None else PATH, key)


async def staff_name(d: Deps, bot: Bot, staff_id: int) -> str | None:
    """A staff member's first name as Telegram shows it in the staff group (not stored)."""
    group = d.settings.staff_group_id
    if group is None:
        return None
    try:
        member = await bot.get_chat_member(group, staff_id)
    except TelegramError as exc:
        log.info("staff member's name not found: %s", type(exc).__name__)
        return None
    return member.user.first_name or None


def staff_label(staff_id: int | None, names: dict[int, str | None]) -> str:
    name = names.get(staff_id) if staff_id is not None else None
    return name or _("web.inbox.staff_id").format(id=staff_id or "—")


async def resident_labels(d: Deps, question: Question) -> tuple[str, str]:
    who = await relay.resident(d, question.user_id, None)
    return who.reg_no or _("questions.topic.unregistered"), who.first_name


@dataclass(frozen=True)
class Line:
    when: str
    incoming: bool
    who: str
    media: str | None
    text: str | None


def when(d: Deps, stored: str, locale: str) -> str:
    return format_datetime(stored_moment(stored, d.settings.timezone), locale)


def line(
    d: Deps, m: QuestionMessage, locale: str, resident: str, names: dict[int, str | None]
) -> Line:
    incoming = m.direction is Direction.IN
    media = None if m.kind == "text" else _(MEDIA.get(m.kind, OTHER_MEDIA))
    who = resident if incoming else staff_label(m.staff_id, names)
    return Line(when(d, m.at, locale), incoming, who, media, m.body)


@staff_page()
async def inbox(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    rows = []
    for r in await question_inbox.open_questions(d.db):
        reg_no, first_name = await resident_labels(d, r.question)
        waiting = r.question.waiting_since
        since = when(d, waiting, who.locale) if waiting else _("web.inbox.answered")
        rows.append((r.question.id, reg_no, first_name, since, r.messages))
    return page(
        "inbox.html", who, "pertanyaan", title=_("web.nav.questions"), rows=rows,
        news=news(request),
    )  # fmt: skip


async def _question(request: Request) -> Question | None:
    return await store.get(deps_of(request).db, int(request.path_params["question_id"]))


@staff_page()
async def conversation(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    question = await _question(request)
    if question is None or question.status is Status.DRAFT:
        return page("refused.html", who, "pertanyaan", 404, title=_("web.nav.questions"),
                    message=_("web.inbox.not_found"))  # fmt: skip
    reg_no, first_name = await resident_labels(d, question)
    rows = await store.messages(d.db, question.id)
    bot = bot_of(request)
    names = {s: await staff_name(d, bot, s) for s in {m.staff_id for m in rows if m.staff_id}}
    lines = [line(d, m, who.locale, first_name, names) for m in rows]
    title = _("web.inbox.question_title").format(id=question.id)
    return page(
        "inbox_question.html", who, "pertanyaan", title=title, question_id=question.id,
        reg_no=reg_no, first_name=first_name, lines=lines, is_open=question.status is Status.OPEN,
        news=news(request), reply_max=REPLY_MAX,
    )  # fmt: skip


async def _thread(d: Deps, question: Question) -> int | None:
    group = d.settings.staff_group_id
    if group is None:
        return None
    topic = await store.topic_of(d.db, question.user_id, group)
    return topic.thread_id if topic is not None else None


@staff_page()
async def reply(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    question = await _question(request)
    if question is None or question.status is not Status.OPEN:
        return back(question.id if question else None, "tertutup")
    text = (await request.form()).get("teks")
    body = text.strip() if isinstance(text, str) else ""
    if not body:
        return back(question.id, "kosong")
    if len(body) > REPLY_MAX:
        return back(question.id, "panjang")
    bot = bot_of(request)
    name = await staff_name(d, bot, who.user_id)
    thread = await _thread(d, question)
    if thread is not None:  # staff in the group see that a colleague answered, and what
        with use_locale(relay.group_locale(d)):
            copy = _("web.inbox.topic_copy").format(
                name=html.escape(staff_label(who.user_id, {who.user_id: name})),
                text=html.escape(body),
            )
        await relay.tell_group(d, bot, copy, thread)
    told = await desk.answer(
        d, bot, question, who.user_id, name, "text", body, NO_ORIGINAL, NO_ORIGINAL, thread
    )
    if told.sent:
        return back(question.id, "terkirim")
    if told.outside_window:  # a WhatsApp resident who last wrote over 24 hours ago
        return back(question.id, "di_luar_24_jam")
    return back(question.id, "diblokir" if told.outcome is Delivery.BLOCKED else "gagal")


@staff_page()
async def close(request: Request, who: Staffer) -> Response:
    d = deps_of(request)
    question = await _question(request)
    if question is None or question.status is not Status.OPEN:
        return back(question.id if question else None, "tertutup")
    bot = bot_of(request)
    name = staff_label(who.user_id, {who.user_id: await staff_name(d, bot, who.user_id)})
    reached = await desk.finish(d, bot, question, who.user_id, name, await _thread(d, question))
    return back(None, "selesai" if reached else "selesai_tanpa_kabar")


ROUTES = [
    Route(PATH, inbox, methods=["GET"]),
    Route(PATH + "/{question_id:int}", conversation, methods=["GET"]),
    Route(PATH + "/{question_id:int}/balas", reply, methods=["POST"]),
    Route(PATH + "/{question_id:int}/selesai", close, methods=["POST"]),
]
