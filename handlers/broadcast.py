"""/umumkan: staff write an announcement, choose who gets it, check the preview, send it now
or later, follow its progress, and cancel it from /umumkan riwayat.

The draft lives in SQLite (bot/storage/broadcasts.py), one row per staff member, with the
step it is at; while they work on it, it is what they are in the middle of (their
conversation, bot/storage/conversations.py). Their next message (the announcement, a typed
filter, a time) is handed to take_draft_message ahead of the residents' handlers: if the draft
waits for a message, it handles it and the update stops there; otherwise the update goes on
to the rest of the bot untouched.

The texts and keyboards are in handlers/broadcast_views.py; sending to recipients and
reporting to staff over Telegram in handlers/broadcast_delivery.py.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

from bot import callbacks as cb
from bot.callbacks import BroadcastAction as Act
from bot.deps import Deps
from bot.domain.dates import DateError, DateProblem, parse_event_datetime
from bot.domain.recipients import STAGES, FilterError, RecipientFilter, parse_filter
from bot.feature import Feature, Group, StaffCommand
from bot.i18n import N_, _, get_locale
from bot.services import broadcast_actions as actions
from bot.services.broadcast_actions import (
    MAX_CAPTION,
    MAX_DOCUMENT_BYTES,
    MAX_PHOTO_BYTES,
    MAX_TEXT,
    is_blank,
    send_at_problem,
)
from bot.services.roles import audit, is_staff
from bot.storage import broadcasts as store
from bot.storage import conversations
from bot.storage.broadcasts import Broadcast, Status, Step
from bot.storage.conversations import Conversation, Kind
from bot.storage.recipients import count_recipients
from handlers.access import staff_only
from handlers.broadcast_delivery import (
    TelegramReporter,
    broadcaster,
    broadcaster_lifespan,
    send_content,
)
from handlers.broadcast_views import (
    GROUPS,
    cancel_button,
    content_prompt,
    filter_error_text,
    footer,
    history_view,
    long_time,
    preview_view,
    progress_text,
    recipients_view,
    room_under,
    stages_view,
    status_label,
    stop_confirm_view,
    stop_markup,
    time_prompt,
    utf16_len,
)
from handlers.common import (
    Context,
    View,
    answer_callback,
    deps,
    keyboard,
    number,
    pressed,
    send,
    show,
    user_id,
)

log = logging.getLogger(__name__)

# A draft older than this no longer takes the staff member's messages: a day later, a
# message is a new conversation, not the announcement they were asked for.
DRAFT_TTL = timedelta(hours=24)
HISTORY_SIZE = 10
HISTORY_WORDS = frozenset({"riwayat", "history"})


async def _preview(d: Deps, draft: Broadcast) -> View:
    """The preview, with its recipients counted now."""
    count = await count_recipients(d.db, draft.recipient_filter or RecipientFilter())
    return preview_view(d, draft, count)


async def _history(d: Deps) -> View:
    items = await store.recent(d.db, HISTORY_SIZE)
    figures = {b.id: await store.counts(d.db, b.id) for b in items if b.status != Status.SCHEDULED}
    return history_view(d, items, figures)


# --- /umumkan ---------------------------------------------------------------------------------


def _argument(update: Update) -> str:
    message = update.effective_message
    text = message.text if message is not None and message.text else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


@staff_only
async def umumkan(update: Update, context: Context) -> None:
    """/umumkan [filter | riwayat]: a new announcement, or the list of recent ones."""
    d = deps(context)
    argument = _argument(update)
    if argument.lower() in HISTORY_WORDS:
        await send(update, context, await _history(d))
        return
    f: RecipientFilter | None = None
    if argument:
        try:
            f = parse_filter(argument)
        except FilterError as err:
            await send(update, context, View(filter_error_text(err)))
            return
    draft = await store.new_draft(
        d.db, user_id(update), locale=get_locale(), recipient_filter=f, at=d.clock.now()
    )
    await send(update, context, content_prompt(draft))


# --- the staff member's messages while a draft waits for one ------------------------------------


def _fresh(b: Broadcast, now: datetime) -> bool:
    return now - datetime.fromisoformat(b.created_at) < DRAFT_TTL


async def take_draft_message(
    update: Update, context: Context, conversation: Conversation
) -> bool:
    """The announcement, a typed filter or a time, when the person's draft asked for it.
    False for anything else: the update passes on to the other handlers untouched."""
    message = update.effective_message
    if message is None:
        return False
    d = deps(context)
    draft = await store.get(d.db, conversation.ref)
    if draft is None or draft.status != Status.DRAFT or draft.created_by != conversation.user_id:
        await conversations.end_for(d.db, conversation.user_id, conversation.kind, conversation.ref)
        return False
    waiting = (Step.CONTENT, Step.RECIPIENTS, Step.SEND_AT)
    if draft.step not in waiting or not _fresh(draft, d.clock.now()):
        return False
    if not await is_staff(d, conversation.user_id):
        return False  # no longer staff: their message is an ordinary one now
    if draft.step == Step.CONTENT:
        await _take_content(update, context, d, draft, message)
    elif message.text is None:
        await send(update, context, View(_("broadcast.error.text_expected")))
    elif draft.step == Step.RECIPIENTS:
        await _take_filter(update, context, d, draft, message.text)
    else:
        await _take_time(update, context, d, draft, message.text)
    return True


def _content_of(message: Message) -> tuple[str, str, str | None, int] | str:
    """(kind, HTML text, file_id, visible length) or the catalog key of the problem."""
    if message.text is not None:
        if is_blank(message.text):
            return N_("broadcast.error.empty")
        return "text", message.text_html, None, utf16_len(message.text)
    caption = message.caption_html if message.caption else ""
    visible = utf16_len(message.caption or "")
    if message.photo:
        photo = message.photo[-1]  # the largest size
        if (photo.file_size or 0) > MAX_PHOTO_BYTES:
            return N_("broadcast.error.photo_too_large")
        return "photo", caption, photo.file_id, visible
    if message.document is not None:
        if (message.document.file_size or 0) > MAX_DOCUMENT_BYTES:
            return N_("broadcast.error.document_too_large")
        return "document", caption, message.document.file_id, visible
    return N_("broadcast.error.unsupported")


async def _take_content(
    update: Update, context: Context, d: Deps, draft: Broadcast, message: Message
) -> None:
    found = _content_of(message)
    if isinstance(found, str):
        await send(update, context, View(_(found), keyboard([cancel_button(draft)])))
        return
    kind, text, file_id, visible = found
    limit = MAX_TEXT if kind == "text" else MAX_CAPTION
    room = room_under(limit)
    if visible > room:
        key = "broadcast.error.too_long" if kind == "text" else "broadcast.error.caption_too_long"
        await send(update, context, View(_(key).format(limit=number(room), length=number(visible))))
        return
    next_step = Step.RECIPIENTS if draft.filter is None else Step.PREVIEW
    await store.update_draft(
        d.db, draft, content_type=kind, text=text, file_id=file_id, step=next_step
    )
    await send(update, context, View(_("broadcast.preview.intro")))
    chat = update.effective_chat
    assert chat is not None
    try:
        await send_content(context.bot, chat.id, draft, footer())
    except BadRequest as exc:
        # Telegram refused the copy: it would refuse every recipient's too.
        await store.update_draft(d.db, draft, step=Step.CONTENT)
        log.info("broadcast %s: content refused by Telegram: %s", draft.id, exc)
        refused = View(_("broadcast.error.refused"), keyboard([cancel_button(draft)]))
        await send(update, context, refused)
        return
    if next_step == Step.RECIPIENTS:
        await send(update, context, recipients_view(draft))
    else:
        await send(update, context, await _preview(d, draft))


async def _take_filter(
    update: Update, context: Context, d: Deps, draft: Broadcast, text: str
) -> None:
    try:
        f = parse_filter(text)
    except FilterError as err:
        await send(update, context, View(filter_error_text(err), keyboard([cancel_button(draft)])))
        return
    await store.update_draft(d.db, draft, filter=f.to_json(), step=Step.PREVIEW)
    await send(update, context, await _preview(d, draft))


async def _take_time(
    update: Update, context: Context, d: Deps, draft: Broadcast, text: str
) -> None:
    tz = d.settings.timezone
    try:
        when = parse_event_datetime(text, tz)
    except DateError as err:
        invalid = err.problem is DateProblem.INVALID
        key = "broadcast.error.time_invalid" if invalid else "broadcast.error.time_format"
        await send(update, context, View(_(key), time_prompt(draft).markup))
        return
    problem = send_at_problem(when, d.clock.now())
    if problem is not None:
        await send(update, context, View(_(problem), time_prompt(draft).markup))
        return
    await store.update_draft(d.db, draft, send_at=when.isoformat(), step=Step.PREVIEW)
    await send(update, context, await _preview(d, draft))


# --- buttons ---------------------------------------------------------------------------------


async def _own_draft(update: Update, context: Context, broadcast_id: int) -> Broadcast | None:
    """The pressing staff member's own draft, or None (and they are told why)."""
    b = await store.get(deps(context).db, broadcast_id)
    if b is None or b.created_by != user_id(update):
        answer_callback(update, context, _("broadcast.error.not_yours"), alert=True)
        return None
    if b.status != Status.DRAFT:
        not_draft = _("broadcast.error.not_draft").format(id=b.id, status=status_label(b.status))
        answer_callback(update, context, not_draft, alert=True)
        return None
    answer_callback(update, context)
    return b


@staff_only
async def on_button(update: Update, context: Context) -> None:
    """Every button of /umumkan but the choice of recipients."""
    d = deps(context)
    data = pressed(update, cb.BroadcastButton)
    if data is None:
        answer_callback(update, context)
        return
    action = data.action
    if action in (Act.STOP, Act.STOP_CONFIRMED, Act.KEEP_GOING):
        await _stop_buttons(update, context, d, action, data.broadcast_id)
        return
    if action is Act.RESUME:
        answer_callback(update, context)
        resumed = await actions.resume(d, user_id(update), data.broadcast_id)
        key = "broadcast.resume.done" if resumed else "broadcast.resume.not_possible"
        await send(update, context, View(_(key).format(id=data.broadcast_id)))
        return
    draft = await _own_draft(update, context, data.broadcast_id)
    if draft is None:  # e.g. the second tap of a double tap: told in the answer, nothing starts
        return
    match action:
        case Act.DISCARD:
            await broadcaster(d).cancel(draft.id, user_id(update))
            await audit(d, user_id(update), "broadcast", f"#{draft.id}", {"change": "discard"})
            await show(update, context, View(_("broadcast.discarded")))
        case Act.STAGES:
            await store.update_draft(d.db, draft, step=Step.RECIPIENTS)
            await show(update, context, stages_view(draft))
        case Act.RECIPIENTS:
            await store.update_draft(d.db, draft, step=Step.RECIPIENTS)
            await show(update, context, recipients_view(draft))
        case Act.LATER:
            await store.update_draft(d.db, draft, step=Step.SEND_AT)
            await show(update, context, time_prompt(draft))
        case Act.PREVIEW:
            await store.update_draft(d.db, draft, step=Step.PREVIEW, send_at=None)
            await show(update, context, await _preview(d, draft))
        case Act.SEND:
            await _send_now(update, context, d, draft)
        case Act.SCHEDULE:
            await _schedule(update, context, d, draft)


@staff_only
async def on_group(update: Update, context: Context) -> None:
    """The recipients of a draft: a group, or the applicants at one stage ("t.<stage>")."""
    d = deps(context)
    data = pressed(update, cb.BroadcastGroup)
    if data is None:
        answer_callback(update, context)
        return
    draft = await _own_draft(update, context, data.broadcast_id)
    if draft is None:
        return
    code = data.group
    if code.startswith("t.") and code[2:] in STAGES:
        f = RecipientFilter(stages=frozenset({code[2:]}))
    elif code in GROUPS:
        f = GROUPS[code][1]
    else:
        return
    await store.update_draft(d.db, draft, filter=f.to_json(), step=Step.PREVIEW)
    await show(update, context, await _preview(d, draft))


async def _send_now(update: Update, context: Context, d: Deps, draft: Broadcast) -> None:
    b = await actions.begin_sending(d, user_id(update), draft.id)
    if b is None:  # the other tap of a double tap won
        await _already(update, context, d, draft.id)
        return
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        chat_id, message_id = query.message.chat_id, query.message.message_id
        await store.set_progress_message(d.db, b.id, chat_id, message_id)
        b.progress_chat_id, b.progress_message_id = chat_id, message_id
    figures = await store.counts(d.db, b.id)
    eta = figures.total / d.settings.broadcast_rate if figures.total else 0.0
    sender = broadcaster(d)
    text, markup = progress_text(b, figures, eta), stop_markup(b)
    if isinstance(sender.reporter, TelegramReporter):  # it remembers what is on screen
        await sender.reporter.show_message(b, text, markup)
    else:
        await show(update, context, View(text, markup))
    sender.launch(b.id)


async def _schedule(update: Update, context: Context, d: Deps, draft: Broadcast) -> None:
    b = await actions.schedule(d, user_id(update), draft)
    if b is None or b.send_at is None:
        await _already(update, context, d, draft.id)
        return
    when = long_time(d, b.send_at, get_locale())
    await show(update, context, View(_("broadcast.scheduled").format(id=b.id, when=when)))


async def _already(update: Update, context: Context, d: Deps, broadcast_id: int) -> None:
    b = await store.get(d.db, broadcast_id)
    if b is None:
        return
    already = _("broadcast.already").format(id=b.id, status=status_label(b.status))
    await send(update, context, View(already))


async def _stop_buttons(
    update: Update, context: Context, d: Deps, action: Act, broadcast_id: int
) -> None:
    answer_callback(update, context)
    b = await store.get(d.db, broadcast_id)
    if b is None or b.status not in (Status.SCHEDULED, Status.SENDING):
        status = status_label(b.status) if b is not None else "—"
        too_late = _("broadcast.stop.too_late").format(id=broadcast_id, status=status)
        await send(update, context, View(too_late))
        return
    if action is Act.STOP:
        # A new message: the progress message is edited by the sender every few seconds.
        await send(update, context, stop_confirm_view(b))
        return
    if action is Act.KEEP_GOING:
        await show(update, context, View(_("broadcast.stop.kept").format(id=b.id)))
        return
    if await actions.stop(d, user_id(update), b.id) is None:
        too_late = _("broadcast.stop.too_late").format(id=b.id, status=status_label(Status.DONE))
        await show(update, context, View(too_late))
        return
    await show(update, context, View(_("broadcast.stop.done").format(id=b.id)))


# --- wiring ----------------------------------------------------------------------------------


_PRIVATE = filters.ChatType.PRIVATE
FEATURE = Feature(
    name="broadcast",
    handlers={
        Group.MAIN: (
            CommandHandler(["umumkan", "announce"], umumkan, filters=_PRIVATE),
            CallbackQueryHandler(on_button, pattern=cb.BroadcastButton.matches),
            CallbackQueryHandler(on_group, pattern=cb.BroadcastGroup.matches),
        ),
    },
    # A draft waiting for a message: see the module docstring.
    conversations={Kind.BROADCAST_DRAFT: take_draft_message},
    lifespan=broadcaster_lifespan,
    staff_commands=(StaffCommand("umumkan", N_("staffcmd.umumkan")),),
)
