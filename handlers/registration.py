"""The resident's registration on Telegram: /start, /daftar, /ubah, /batal, the interview's
buttons and whatever the resident sends. The decisions are the conversation's
(bot/conversation/interview.py); this module turns updates into its incoming values and
shows its replies (handlers/render.py)."""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.conversation import interview
from bot.conversation import interview_views as iv
from bot.conversation.incoming import Chosen, Incoming, PhoneShared, Typed, Unsupported
from bot.conversation.reply import Place, Reply
from bot.deps import Deps
from bot.feature import Feature, Group
from bot.i18n import get_locale
from bot.storage.applicants import Applicant
from handlers import questions
from handlers.common import (
    Context,
    Markup,
    View,
    answer_callback,
    applicant_of,
    deps,
    send,
    show,
    user_id,
)
from handlers.places import tell_promoted
from handlers.render import render

log = logging.getLogger(__name__)

# Telegram deep links: 1-64 characters of A-Za-z0-9_- (anything else is not a poster code).
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def current_view(d: Deps, applicant: Applicant, notice: str = "") -> View:
    """Whatever the resident should see now, given where they are."""
    return render(iv.current_view(d, applicant, notice))


async def deliver(update: Update, context: Context, reply: Reply, *, under: Markup = None) -> None:
    """Show a reply of the conversation: a pressed button answered first, then each view
    (for a press, in place of the pressed message where it can be), then a question for the
    questions desk; then those who got a freed place are told. ``under``: Telegram's own
    buttons (the "Tanya petugas" of /status and /bantuan) under the last view, one that asks
    for no answer."""
    if update.callback_query is not None:
        answer_callback(update, context, reply.ack.text, reply.ack.alert)
    for i, shown in enumerate(reply.shown):
        view = render(shown.view)
        if under is not None and i == len(reply.shown) - 1 and view.markup is None:
            view = View(view.text, under)
        if shown.place is Place.NEW:
            await send(update, context, view)
        else:
            await show(update, context, view, keep=shown.place is Place.AFTER)
    if reply.asked is not None:
        where = render(reply.asked.where)
        await questions.on_free_text(update, context, where, remind=reply.asked.remind)
    if reply.then is not None:
        await reply.then()
    for promoted in reply.promoted:
        await tell_promoted(context, promoted)


async def start(update: Update, context: Context) -> None:
    """/start [payload]: welcome and consent, or an offer to continue what was begun."""
    payload = context.args[0] if context.args else None
    source = payload if payload and _PAYLOAD.match(payload) else None
    applicant = await applicant_of(update, context)
    reply = await interview.start(
        deps(context), user_id(update), applicant, locale=get_locale(), source=source
    )
    await deliver(update, context, reply)


async def daftar(update: Update, context: Context) -> None:
    """/daftar: start or resume the registration."""
    applicant = await applicant_of(update, context)
    reply = await interview.register(deps(context), user_id(update), applicant,
                                     locale=get_locale())  # fmt: skip
    await deliver(update, context, reply)


async def ubah(update: Update, context: Context) -> None:
    """/ubah: change answers, until staff have verified the application."""
    applicant = await applicant_of(update, context)
    await deliver(update, context, await interview.change_answers(deps(context), applicant))


async def batal(update: Update, context: Context) -> None:
    """/batal: leave the current question; the answers are kept."""
    applicant = await applicant_of(update, context)
    await deliver(update, context, await interview.pause(deps(context), applicant))


async def send_owed_confirmation(update: Update, context: Context, applicant: Applicant) -> None:
    """The registration was stored but its confirmation never sent (the process was killed
    in between): it comes now, before whatever the resident's message asks for."""
    await deliver(update, context, await interview.owed_confirmation(deps(context), applicant))


async def _receive(update: Update, context: Context, incoming: Incoming) -> None:
    applicant = await applicant_of(update, context)
    reply = await interview.receive(deps(context), user_id(update), applicant, incoming)
    await deliver(update, context, reply)


async def on_button(update: Update, context: Context) -> None:
    """A button of the interview, or one of no kind this version knows (an older version's,
    still on the phone after an upgrade): the conversation tells it as outdated."""
    query = update.callback_query
    assert query is not None
    await _receive(update, context, Chosen(query.data or ""))


async def on_text(update: Update, context: Context) -> None:
    """Typed text: the answer to the current question, if it is one."""
    message = update.effective_message
    assert message is not None and message.text is not None
    await _receive(update, context, Typed(message.text))


async def on_contact(update: Update, context: Context) -> None:
    """The "Bagikan nomor HP" button: a contact card, the sender's own or someone else's."""
    message = update.effective_message
    assert message is not None and message.contact is not None
    contact = message.contact
    own = contact.user_id == user_id(update)
    await _receive(update, context, PhoneShared(contact.phone_number, own))


async def on_other(update: Update, context: Context) -> None:
    """Stickers, photos, voice, files, locations."""
    await _receive(update, context, Unsupported())


_PRIVATE = filters.ChatType.PRIVATE

FEATURE = Feature(
    name="registration",
    handlers={
        Group.MAIN: (
            CommandHandler("start", start, filters=_PRIVATE),
            CommandHandler("daftar", daftar, filters=_PRIVATE),
            CommandHandler("ubah", ubah, filters=_PRIVATE),
            CommandHandler("batal", batal, filters=_PRIVATE),
            CallbackQueryHandler(on_button, pattern=interview.is_interview_button),
        ),
    },
    # The interview's answers typed or sent, and whatever no command or feature took.
    fallbacks=(
        CallbackQueryHandler(on_button),  # an older version's buttons
        MessageHandler(_PRIVATE & filters.CONTACT, on_contact),
        MessageHandler(_PRIVATE & filters.TEXT & ~filters.COMMAND, on_text),
        MessageHandler(_PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL, on_other),
    ),
)
