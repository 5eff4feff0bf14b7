"""An answer as the resident reads it back: option labels, dates, lists (HTML-escaped here,
once, since every text is HTML)."""

from __future__ import annotations

from datetime import date
from html import escape

from bot.domain import questionnaire as qn
from bot.domain.dates import format_date_short
from bot.i18n import _, get_locale


def option_label(option: qn.Option) -> str:
    return _(option.label) if option.translate else option.label


def labels_for(question: qn.Question, answers: qn.Answers) -> dict[str, str]:
    return {o.value: option_label(o) for o in question.options_given(answers)}


def answer_text(question: qn.Question, answers: qn.Answers) -> str:
    """An answer as the resident reads it back (escaped)."""
    value = answers.get(question.key)
    if value is None:
        return "—"
    labels = labels_for(question, answers)
    match question.kind:
        case qn.Kind.CHOICE:
            return escape(labels.get(str(value), str(value)))
        case qn.Kind.MULTI:
            return escape(", ".join(labels.get(v, v) for v in value)) if value else _("lang.none")
        case qn.Kind.RANKED:
            return escape(", ".join(f"{i}. {labels.get(v, v)}" for i, v in enumerate(value, 1)))
        case qn.Kind.DATE:
            return format_date_short(date.fromisoformat(value), get_locale())
        case _:
            return escape(str(value))


def answered_line(question: qn.Question, answers: qn.Answers) -> str:
    """ "✓ Nama: Siti": an answer confirmed above the next question."""
    return f"✓ {_(question.label)}: {answer_text(question, answers)}"
