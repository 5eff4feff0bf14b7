"""An announcement as a WhatsApp resident reads it: Telegram's HTML as WhatsApp's marks, the
footer with the word to reply in their language, WhatsApp's length, the 24-hour window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.whatsapp.announcements import (
    MAX_TEMPLATE_PARAMETER,
    MAX_TEXT,
    announcement_text,
    in_window,
    template_text,
)
from bot.storage.broadcasts import Broadcast
from bot.storage.contacts import Contact


def announcement(text: str | None, content_type: str = "text") -> Broadcast:
    return Broadcast(
        id=1, created_by=1, locale="id", status="sending", step=None,
        content_type=content_type, text=text, file_id=None, filter="{}", send_at=None,
        total=0, sent=0, blocked=0, failed=0, skipped=0, progress_chat_id=None,
        progress_message_id=None, cancelled_by=None, created_at="", started_at=None,
        finished_at=None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "footer"),
    [("id", "_Tidak ingin menerima pengumuman lagi? Balas dengan kata berhenti_"),
     ("en", "_Don't want these announcements? Reply with the word berhenti_")],
)  # fmt: skip
def test_html_becomes_whatsapp_marks_and_the_footer_names_the_word(
    locale: str, footer: str
) -> None:
    text = announcement_text(announcement("<b>Pelatihan las</b> &amp; <i>listrik</i>"), locale)
    assert text == f"*Pelatihan las* & _listrik_\n\n{footer}"


def test_a_photo_goes_as_its_caption_and_one_without_text_is_not_sent() -> None:
    assert announcement_text(announcement("Jadwal baru", "photo"), "id") is not None
    assert announcement_text(announcement(None, "photo"), "id") is None
    assert announcement_text(announcement("  ", "document"), "id") is None


def test_a_long_one_is_cut_to_whatsapps_length() -> None:
    text = announcement_text(announcement("a" * 4096), "id")
    assert text is not None and len(text) == MAX_TEXT and "berhenti" in text


def test_the_window_is_24_hours_from_the_last_message() -> None:
    now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)

    def contact(hours: float) -> Contact:
        at = (now - timedelta(hours=hours)).isoformat(timespec="seconds")
        return Contact(-1, "6281300000001", at)

    assert in_window(contact(23.9), now)
    assert not in_window(contact(24), now)
    assert not in_window(contact(30), now)


def test_the_template_parameter_is_one_line_and_fits() -> None:
    b = announcement("<b>Wawancara</b>\n\n  Senin   pukul 08.00\nDi BBPVP")
    assert template_text(b) == "*Wawancara* · Senin pukul 08.00 · Di BBPVP"
    long = template_text(announcement("kata " * 400))
    assert long is not None and len(long) == MAX_TEMPLATE_PARAMETER and long.endswith("…")
    assert template_text(announcement(None, "photo")) is None
