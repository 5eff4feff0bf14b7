"""The conversation's neutral views as WhatsApp messages: every question of the interview,
in both languages, is accepted by the simulator (Meta's limits), and every choice stays
reachable through the list's pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.whatsapp.client import WhatsAppClient
from bot.channels.whatsapp.render import options, page_of, plain, render, split
from bot.config import Settings
from bot.conversation import views as cv
from bot.conversation.interview_views import consent_view, question_view
from bot.deps import Deps
from bot.domain import questionnaire as qn
from bot.domain.regions import KECAMATAN
from bot.i18n import use_locale
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.storage.applicants import Applicant
from bot.storage.db import Database
from tests.helpers.whatsapp import receiving

RESIDENT = "6281234567890"


@pytest.fixture
async def deps(tmp_path: Path) -> AsyncIterator[Deps]:
    db = await Database.open(tmp_path / "render.sqlite3")
    yield Deps(settings=Settings(database_path=tmp_path / "render.sqlite3"), db=db)
    await db.close()


@pytest.fixture
async def resident(wa: WhatsAppSimulator) -> str:
    async with receiving(wa):
        await wa.user(RESIDENT).send_text("halo")
    wa.pair_rate = None  # this test sends far more to one person than a conversation does
    return RESIDENT


def every_question_view(d: Deps) -> list[cv.View]:
    views = [consent_view()]
    answers: dict[str, Any] = {"domicile": "kota_serang", "name": "Siti", "nik": "3673055512980001",
                               "_nik_birth_date": "1998-12-15", "_nik_sex": "P"}  # fmt: skip
    for question in qn.QUESTIONS:
        if question.key == "kelurahan":
            for kecamatan in KECAMATAN:
                given = {**answers, "kecamatan": kecamatan.slug}
                views.append(question_view(d, Applicant(1, answers=given), question))
            continue
        views.append(question_view(d, Applicant(1, answers=answers), question))
    return views


def shown_ids(message: dict[str, Any]) -> list[str]:
    interactive = message.get("interactive", {})
    action = interactive.get("action", {})
    if interactive.get("type") == "button":
        return [b["reply"]["id"] for b in action["buttons"]]
    if interactive.get("type") == "list":
        return [r["id"] for s in action["sections"] for r in s["rows"]]
    return []


@pytest.mark.parametrize("locale", ["id", "en"])
async def test_every_question_is_accepted_and_every_choice_reachable(
    wa: WhatsAppSimulator, client: WhatsAppClient, resident: str, deps: Deps, locale: str
) -> None:
    with use_locale(locale):
        views = every_question_view(deps)
        for view in views:
            wanted = {o.id for o in options(view)}
            reached: set[str] = set()
            page, pages_seen = 0, set()
            while page not in pages_seen:  # follow "Lainnya" until it comes back round
                pages_seen.add(page)
                messages = render(view, page=page)
                for message in messages:
                    delivery = await client.send({"to": resident, **message})
                    assert delivery.sent, (view.text[:40], delivery.error)
                ids = shown_ids(messages[-1])
                reached |= {i for i in ids if page_of(i) is None}
                more = [page_of(i) for i in ids if page_of(i) is not None]
                page = more[0] if more else page
            assert reached == wanted, view.text[:60]
    assert wa.errors == {}


async def test_kelurahan_of_walantaka_in_two_pages(deps: Deps) -> None:
    walantaka = next(k for k in KECAMATAN if len(k.kelurahan) > 10)
    answers = {"domicile": "kota_serang", "kecamatan": walantaka.slug}
    with use_locale("id"):
        view = question_view(deps, Applicant(1, answers=answers), qn.BY_KEY["kelurahan"])
        first, second = render(view)[-1], render(view, page=1)[-1]
    rows = [r["title"] for r in first["interactive"]["action"]["sections"][0]["rows"]]
    assert len(rows) == 10 and rows[-1] == "Lainnya ›"
    assert first["interactive"]["footer"]["text"] == "Halaman 1 dari 2"
    second_ids = shown_ids(second)
    assert page_of(second_ids[-1]) == 0  # the last page leads back to the first
    assert len(options(view)) == len(walantaka.kelurahan) + 1  # and "« Kembali"


def test_two_or_three_short_answers_are_buttons_longer_a_list() -> None:
    yes_no = cv.View("Setuju?", cv.YesNo(cv.Option("y", "Setuju"), cv.Option("n", "Tidak setuju")))
    (buttons,) = render(yes_no)
    assert buttons["interactive"]["type"] == "button"
    long = cv.View("Pendidikan?", cv.SingleChoice((cv.Option("a", "SD / sederajat"),
                   cv.Option("b", "Diploma atau sarjana (D3/S1)"))))  # fmt: skip
    (listed,) = render(long)
    assert listed["interactive"]["type"] == "list"
    row = listed["interactive"]["action"]["sections"][0]["rows"][1]
    assert row == {"id": "b", "title": "Diploma atau sarjana (D…",
                   "description": "Diploma atau sarjana (D3/S1)"}  # fmt: skip


def test_a_ranking_shows_places_and_what_is_chosen() -> None:
    opts = tuple(cv.Option(f"t:{c}", c) for c in ("Jepang", "Korea Selatan", "Taiwan", "Jerman"))
    view = cv.View("Tujuan kerja?", cv.Ranked(opts, ("t:Korea Selatan", "t:Jepang"), 3,
                   cv.Option("done", "Selesai ✔"), cv.Option("reset", "Ulangi")))  # fmt: skip
    with use_locale("id"):
        (message,) = render(view)
    interactive = message["interactive"]
    titles = [r["title"] for r in interactive["action"]["sections"][0]["rows"]]
    assert titles == ["2. Jepang", "1. Korea Selatan", "Taiwan", "Jerman", "Ulangi", "Selesai ✔"]
    assert interactive["body"]["text"].endswith(
        "Pilihan Anda sejauh ini: 1. Korea Selatan, 2. Jepang"
    )


def test_a_long_text_goes_first_then_the_choices() -> None:
    view = cv.View("x" * 1500, cv.YesNo(cv.Option("y", "Ya"), cv.Option("n", "Tidak")))
    with use_locale("en"):
        text, choices = render(view)
    assert text == {"type": "text", "text": {"body": "x" * 1500, "preview_url": False}}
    assert choices["interactive"]["body"]["text"] == "Please choose:"


def test_no_answer_asked_is_one_text_split_at_4096() -> None:
    long = "\n".join(["baris"] * 1000)  # 5,999 characters
    parts = render(cv.View(long))
    assert [m["type"] for m in parts] == ["text", "text"]
    assert all(len(m["text"]["body"]) <= 4096 for m in parts)
    assert "\n".join(m["text"]["body"] for m in parts) == long
    assert split("", 10) == [""]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<b>Nama:</b> Siti", "*Nama:* Siti"),
        ("<i>1/16</i>\nSiapa nama Anda?", "_1/16_\nSiapa nama Anda?"),
        ("Tanda &lt; dan &amp;", "Tanda < dan &"),
        (
            '<a href="https://siapkerja.kemnaker.go.id">SIAPkerja</a>',
            "SIAPkerja (https://siapkerja.kemnaker.go.id)",
        ),
        ('<a href="https://x.id">https://x.id</a>', "https://x.id"),
        ("<code>SRG-2026-00001</code>", "SRG-2026-00001"),
        # A command is the word a resident types on WhatsApp, in bold...
        ("Ketik /status kapan saja.", "Ketik *status* kapan saja."),
        (
            "melihat data Anda (/data), menghapusnya (/hapus)",
            "melihat data Anda (*data*), menghapusnya (*hapus*)",
        ),
        ("<b>Perintah</b>\n/daftar – isi", "*Perintah*\n*daftar* – isi"),
        # ... but not one WhatsApp has no word for, nor a path or an address.
        ("Kirim /tanya", "Kirim /tanya"),
        (
            "https://t.me/serang_pmi_bot/status dan a/daftar",
            "https://t.me/serang_pmi_bot/status dan a/daftar",
        ),
    ],
)
def test_html_becomes_whatsapp_marks(html: str, text: str) -> None:
    assert plain(html) == text
