"""An FAQ entry as the resident reads it, whatever the channel: its title in bold and its
answer with the programme's words (minimum age, quotas, links, contacts) filled in."""

from __future__ import annotations

import html

from bot.deps import Deps
from bot.domain.faq import FaqEntry
from bot.i18n import get_locale
from bot.rule_words import rule_words


def answer_words(d: Deps) -> dict[str, str]:
    s = d.settings
    words = {k: v for k, v in rule_words(d.rules).items() if k in ("min_age",) or "quota" in k}
    words.update(
        siapkerja_url=s.siapkerja_url, karirhub_url=s.karirhub_url,
        contact_bbpvp=s.contact_bbpvp, contact_disnaker=s.contact_disnaker,
    )  # fmt: skip
    return {k: html.escape(v) for k, v in words.items()}


def entry_text(d: Deps, entry: FaqEntry) -> str:
    """The entry as catalog-style HTML (title bold, the answer escaped)."""
    locale = get_locale()
    answer = html.escape(entry.answer(locale)).format(**answer_words(d))
    return f"<b>{html.escape(entry.title(locale))}</b>\n{answer}"
