"""The local demo, driven through its input and output like a person at the terminal."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.demo import RESIDENT_ID, STAFF_ID, DemoChat, DemoOptions, run_demo
from bot.demo.render import html_to_terminal, wants_colour
from tests.e2e.residents import register, until


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


async def press(demo: DemoChat, out: io.StringIO, label: str) -> str:
    """Type the number shown next to the button whose label contains `label`."""
    labels = [text for text, _message, _button in demo.current_buttons()]
    matches = [i for i, text in enumerate(labels, 1) if label.casefold() in text.casefold()]
    assert matches, f"no button {label!r} in {labels}"
    shown = out.getvalue()
    assert f"[{matches[0]}] {labels[matches[0] - 1]}" in shown  # the number was printed
    return await type_line(demo, out, str(matches[0]))


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
                  "Ya, sehat"):  # fmt: skip
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
