"""The local demo, driven through its input and output like a person at the terminal."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.demo import RESIDENT_ID, STAFF_ID, DemoChat, DemoOptions, run_demo
from bot.demo.render import html_to_terminal, wants_colour
from bot.i18n import _, use_locale
from bot.simulator import CallbackQueryRecord
from tests.e2e.residents import Person, at_first_question, register, say, tap, until


def options(tmp_path: Path, **changes: object) -> DemoOptions:
    base: dict[str, object] = {
        "database": tmp_path / "demo.sqlite3",
        "flood_limit": False,
        "quiet": 0.1,
    }
    return DemoOptions(**{**base, **changes})  # type: ignore[arg-type]


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[tuple[DemoChat, io.StringIO]]:
    out = io.StringIO()
    demo = DemoChat(Settings(), options(tmp_path), out, colour=False)
    await demo.start()
    yield demo, out
    await demo.stop()


async def type_line(demo: DemoChat, out: io.StringIO, line: str) -> str:
    """Type one line; returns what the terminal showed for it."""
    start = len(out.getvalue())
    assert await demo.handle(line)
    return out.getvalue()[start:]


def number_of(demo: DemoChat, out: io.StringIO, label: str) -> int:
    """The number printed next to the button whose label contains `label`."""
    buttons = demo.current_buttons()
    matches = [b for b in buttons if label.casefold() in b.label.casefold()]
    assert matches, f"no button {label!r} in {[b.label for b in buttons]}"
    assert f"[{matches[0].number}] {matches[0].label}" in out.getvalue()  # it was printed
    return matches[0].number


async def press(demo: DemoChat, out: io.StringIO, label: str) -> str:
    """Type the number shown next to the button whose label contains `label`."""
    return await type_line(demo, out, str(number_of(demo, out, label)))


async def test_a_resident_registers_in_the_terminal(
    chat: tuple[DemoChat, io.StringIO], tmp_path: Path
) -> None:
    demo, out = chat
    assert "Demo lokal" in out.getvalue() and ":keluar" in out.getvalue()
    shown = await type_line(demo, out, "/start")
    assert "[1] Setuju  [2] Tidak setuju" in shown
    await press(demo, out, "Setuju")
    await type_line(demo, out, "Siti Aminah")
    shown = await type_line(demo, out, "3673055512980001")
    assert "15 Desember 1998" in shown
    await press(demo, out, "✅")  # birth date from the NIK
    await press(demo, out, "✅")  # sex from the NIK
    for label in ("Kota Serang", "Cipocok Jaya", "Karundang", "SMK", "Belum kawin", "Ya, bisa",
                  "Ya, sehat", "Ya, bersedia"):  # fmt: skip
        await press(demo, out, label)
    shown = await type_line(demo, out, ":kontak")  # the phone question's share button
    assert "Sudah" in shown
    for label in ("Sudah", "Sudah", "Belum pernah", "Inggris", "Selesai", "Las", "Selesai",
                  "Jepang", "Selesai"):  # fmt: skip
        await press(demo, out, label)
    shown = await press(demo, out, "Kirim pendaftaran")
    assert "SRG-" in shown
    assert "\x1b[" not in out.getvalue()  # no colour codes on a stream that is not a terminal

    with sqlite3.connect(tmp_path / "demo.sqlite3") as conn:
        status, reg_no = conn.execute(
            "SELECT status, reg_no FROM applicants WHERE user_id = ?", (RESIDENT_ID,)
        ).fetchone()
    assert status == "submitted" and reg_no in shown


async def test_demo_commands(chat: tuple[DemoChat, io.StringIO]) -> None:
    demo, out = chat
    assert "tidak dikenal" in await type_line(demo, out, ":entah")
    assert "Belum ada pesan" in await type_line(demo, out, ":ulang")
    assert "petugas" in await type_line(demo, out, ":staf")
    assert demo.prompt().startswith("staf>")
    await type_line(demo, out, "/start")
    assert "Tidak ada tombol dengan nomor itu" in await type_line(demo, out, "9")
    assert "→ Setuju" in await type_line(demo, out, "1")
    # No buttons on the name question: a number is sent as text, and the bot answers it.
    assert "angka" in await type_line(demo, out, "9")
    assert "Tulis nomornya" in await type_line(demo, out, ":hp")
    assert "warga" in await type_line(demo, out, ":warga")
    assert demo.prompt().startswith("warga>")
    assert demo.staff is not None and demo.staff.user.id == STAFF_ID
    assert STAFF_ID in demo.settings.admin_ids
    assert not await demo.handle(":keluar")


async def test_piped_script_with_reset_and_seed(tmp_path: Path) -> None:
    """`printf ... | python -m bot --reset --seed 30`: the conversation reads as it went."""
    script = io.StringIO("/start\n2\n:keluar\n")
    out = io.StringIO()
    opts = options(tmp_path, reset=True, seed=30)
    await run_demo(Settings(), opts, script, out, colour=False)
    text = out.getvalue()
    assert "30 pendaftar contoh" in text
    assert re.search(r"dalam \d+,\d detik", text), text  # "0,1 detik": the Indonesian comma
    assert "warga> /start\n" in text  # piped input is echoed after its prompt
    assert "[1] Setuju  [2] Tidak setuju" in text
    assert "warga> 2\n" in text and "→ Tidak setuju" in text
    assert "Sampai jumpa" in text

    # Started again without --reset: the data stays and is not seeded twice.
    out = io.StringIO()
    await run_demo(Settings(), options(tmp_path, seed=30), io.StringIO(""), out, colour=False)
    assert "sudah berisi 30" in out.getvalue()
    with sqlite3.connect(tmp_path / "demo.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM applicants").fetchone()[0] == 30


async def test_staff_send_an_announcement_the_resident_sees(
    chat: tuple[DemoChat, io.StringIO],
) -> None:
    demo, out = chat
    reg_no = await register(demo.sim, RESIDENT_ID)  # the resident's side, quickly
    await type_line(demo, out, ":staf")
    assert "Kirim isi pengumumannya" in await type_line(demo, out, "/umumkan")
    await type_line(demo, out, "Pelatihan las angkatan 1 dimulai Senin pukul 08.00 WIB.")
    shown = await press(demo, out, "Semua pendaftar")
    assert "Jumlah penerima: 1 orang" in shown  # bold in Telegram, plain in a pipe
    await press(demo, out, "Kirim sekarang")
    await until(lambda: "→ ke akun warga" in out.getvalue(), 20)  # delivered in the background
    received = out.getvalue().split("→ ke akun warga", 1)[1]
    assert "Pelatihan las angkatan 1" in received
    assert reg_no.startswith("SRG-")


def test_colours_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wants_colour(Tty(), {})
    assert not wants_colour(Tty(), {"NO_COLOR": "1"})
    assert not wants_colour(io.StringIO(), {})
    assert html_to_terminal("<b>a</b> &amp; b", colour=False) == "a & b"
    coloured = html_to_terminal('<b>a</b> <a href="https://x.id">x</a>', colour=True)
    assert "\x1b[1m" in coloured and "(https://x.id)" in coloured


async def at_destinations(demo: DemoChat) -> None:
    """The resident answers up to the ranked question (destinations), the quick way."""
    p = Person()
    user = await at_first_question(demo.sim, RESIDENT_ID)
    await say(user, p.name)
    await say(user, p.nik)
    for label in ("✅", "✅", p.domicile, p.kecamatan, p.kelurahan, p.education, p.marital,
                  p.family, p.health, p.health_check):  # fmt: skip
        await tap(user, label or "")
    await say(user, p.phone)
    # "✓ Nomor HP" (taking the phone keyboard away) comes first, then the next question.
    await until(lambda: bool(user.last_message and user.last_message.inline_keyboard))
    for label in (p.siapkerja, p.passport, p.worked_abroad, *p.languages, p.done,
                  p.interests[0], p.done):  # fmt: skip
        await tap(user, label)


def stored_answer(tmp_path: Path, key: str) -> object:
    with sqlite3.connect(tmp_path / "demo.sqlite3") as conn:
        (answers,) = conn.execute(
            "SELECT answers FROM applicants WHERE user_id = ?", (RESIDENT_ID,)
        ).fetchone()
    return json.loads(answers).get(key)


async def test_button_numbers_stay_with_their_buttons(
    chat: tuple[DemoChat, io.StringIO], tmp_path: Path
) -> None:
    demo, out = chat
    await at_destinations(demo)
    with use_locale("id"):
        done, again = _("btn.done"), _("btn.reset")
    before = {b.number: b.label for b in demo.current_buttons()}
    selesai = number_of(demo, out, done)

    shown = await press(demo, out, "Jepang")
    assert "1. Jepang" in shown and again in shown  # the ranking gained "Ulangi"
    assert number_of(demo, out, done) == selesai  # "Selesai" kept its number
    ulangi = number_of(demo, out, again)
    assert ulangi not in before  # a new button takes a number no button had
    assert {b.number: b.label for b in demo.current_buttons()}[number_of(demo, out, "Korea")] \
        == before[number_of(demo, out, "Korea")]  # fmt: skip

    await type_line(demo, out, str(ulangi))  # start the ranking again: "Ulangi" goes away
    assert again not in [b.label for b in demo.current_buttons()]
    assert "Tidak ada tombol dengan nomor itu" in await type_line(demo, out, str(ulangi))

    await press(demo, out, "Korea Selatan")
    assert number_of(demo, out, again) == ulangi  # back with the number it had
    # The number that was "Selesai" a moment ago is still "Selesai": the ranking is kept.
    shown = await type_line(demo, out, str(selesai))
    assert f"→ {done}" in shown
    assert stored_answer(tmp_path, "destinations") == ["korea"]


async def test_a_button_answer_shows_as_telegram_shows_it(
    chat: tuple[DemoChat, io.StringIO],
) -> None:
    demo, out = chat
    await at_destinations(demo)
    with use_locale("id"):
        too_many = _("error.too_many").format(max=3)
        pick_one = _("error.pick_one")
        done = _("btn.done")
    shown = await press(demo, out, done)  # nothing chosen yet
    assert f"Jendela pemberitahuan: {pick_one}  [OK]" in shown
    for country in ("Jepang", "Korea Selatan", "Taiwan"):
        assert "pemberitahuan" not in await press(demo, out, country)
    shown = await press(demo, out, "Hong Kong")
    assert f"Jendela pemberitahuan: {too_many}  [OK]" in shown

    # A toast (an answer without show_alert) reads as a short notice; its text is plain.
    record = CallbackQueryRecord("1", RESIDENT_ID, RESIDENT_ID, 1, "x", 0.0, answered=True,
                                 answer_text="Terima kasih <3")  # fmt: skip
    start = len(out.getvalue())
    with use_locale("id"):
        await demo._show_answer(record)
    assert "Pemberitahuan singkat: Terima kasih <3" in out.getvalue()[start:]


async def test_files_are_saved_each_under_its_own_name(
    chat: tuple[DemoChat, io.StringIO], tmp_path: Path
) -> None:
    demo, out = chat
    await type_line(demo, out, ":staf")
    await type_line(demo, out, "/statistik grafik")
    folder = tmp_path / "demo-files"
    # Drawn off the event loop, the charts may come after the bot has seemed quiet.
    await until(lambda: folder.is_dir() and len(list(folder.iterdir())) >= 5, 60)
    await demo.drain()  # anything still on its way (settle() would wait for a new reply)
    files = sorted(folder.iterdir())
    assert len(files) == 5, files  # five charts, five files
    shown = out.getvalue()
    assert all(f.suffix == ".png" and f.read_bytes().startswith(b"\x89PNG") for f in files)
    assert len({f.read_bytes() for f in files}) == 5
    for f in files:
        assert str(f) in shown  # the terminal says where each one is

    shown = await type_line(demo, out, "/jadwalkan templat")
    template = tmp_path / "demo-files" / "jadwal_templat.csv"
    assert template.is_file() and str(template) in shown  # a document keeps its own name
    await type_line(demo, out, "/jadwalkan templat")
    again = tmp_path / "demo-files" / "jadwal_templat_2.csv"
    assert again.is_file()  # sent twice, saved twice: nothing overwritten


async def test_english_and_staff_from_the_start(tmp_path: Path) -> None:
    """`python3 dev.py run demo --lang en --as staf`, as the README says."""
    script = io.StringIO(":menu\n/start\n:warga\n:menu\n:keluar\n")
    out = io.StringIO()
    await run_demo(Settings(), options(tmp_path, locale="en", account="staf"), script, out,
                   colour=False)  # fmt: skip
    text = out.getvalue()
    assert "local demo" in text and "You are now the staff account" in text
    staff_part, resident_part = text.split("resident> :menu", 1)
    assert "staff> :menu" in staff_part and "/umumkan" in staff_part  # the staff menu
    assert "Welcome" in staff_part  # the bot speaks English to an English phone
    assert "/daftar" in resident_part and "/umumkan" not in resident_part


async def test_the_whatsapp_resident_shares_the_terminal(
    chat: tuple[DemoChat, io.StringIO],
) -> None:
    demo, out = chat
    shown = await type_line(demo, out, ":wa")
    assert "WhatsApp" in shown and demo.whatsapp_number() in shown
    assert demo.prompt().startswith("warga-wa>")
    shown = await type_line(demo, out, "halo")
    assert "🟢 Bot (WhatsApp):" in shown  # the bot answered through the WhatsApp simulator
    assert demo.whatsapp is not None and demo.whatsapp.user.received
    assert "hanya untuk akun Telegram" in await type_line(demo, out, ":kontak")
    assert "warga" in await type_line(demo, out, ":tg")
    assert demo.prompt().startswith("warga>")
    shown = await type_line(demo, out, "/start")
    assert "[1] Setuju  [2] Tidak setuju" in shown and "WhatsApp" not in shown
