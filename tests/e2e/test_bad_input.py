"""Bad input gets a clear, polite answer, the question again, and nothing is lost.

The simulator rejects anything Telegram would reject (bad HTML, too long, bad buttons), so
each test also checks that no call of the bot failed."""

from __future__ import annotations

import pytest

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator, SimUser
from bot.storage import applicants as repo
from tests.e2e.residents import (
    Person,
    answer_interview,
    at_first_question,
    last,
    register,
    say,
    tap,
    until,
)


def no_rejected_calls(sim: BotApiSimulator) -> None:
    failed = [call for call in sim.calls if not call.ok]
    assert failed == [], failed


async def at_nik(sim: BotApiSimulator, user_id: int) -> SimUser:
    user = await at_first_question(sim, user_id)
    await say(user, "Budi Santoso")
    return user


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        ("sticker", "hanya bisa membaca teks"),
        ("photo", "hanya bisa membaca teks"),
        ("voice", "hanya bisa membaca teks"),
        ("location", "hanya bisa membaca teks"),
        ("document", "hanya bisa membaca teks"),
    ],
)
async def test_non_text_where_text_is_expected(
    sim: BotApiSimulator, bot: BotRunner, send: str, expected: str
) -> None:
    user = await at_first_question(sim, 2001)
    if send == "document":
        await user.send_document("ktp.pdf", b"%PDF-1.4", mime_type="application/pdf")
    else:
        await getattr(user, f"send_{send}")()
    reply = await last(user)
    assert expected in reply.text
    assert "nama lengkap" in reply.text  # asked again
    assert "✓ Nama: Siti Rahma" in (await say(user, "Siti Rahma")).text
    no_rejected_calls(sim)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("   ", "masih kosong"),
        ("x" * 5000, "terlalu panjang"),
        ("A" * 101, "terlalu panjang"),
        ("Budi 123", "tidak boleh berisi angka"),
        ("😀😀", "tidak berisi huruf"),
        ("A 😀", "terlalu pendek"),
    ],
)
async def test_bad_names(sim: BotApiSimulator, bot: BotRunner, typed: str, expected: str) -> None:
    user = await at_first_question(sim, 2002)
    reply = await say(user, typed)
    assert expected in reply.text
    assert "nama lengkap" in reply.text
    no_rejected_calls(sim)


async def test_html_in_a_name_is_echoed_safely(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = await at_first_question(sim, 2003)
    reply = await say(user, "<b>Budi</b> & Sons 🙂")
    assert "✓ Nama: <b>Budi</b> & Sons 🙂" in reply.text  # shown as typed, not as bold
    assert "&lt;b&gt;Budi&lt;/b&gt; &amp; Sons" in reply.html
    no_rejected_calls(sim)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3673O55512980001", "hanya berisi angka"),
        ("367305551298000", "harus 16 angka"),
        ("36730555129800011", "harus 16 angka"),
        ("9973055512980001", "kode provinsi"),
        ("3673053102980001", "tanggal lahir di NIK"),  # 31 Feb
        ("3673057212980001", "tanggal lahir di NIK"),  # day 72
        ("3673055512980000", "0000"),
    ],
)
async def test_bad_niks(sim: BotApiSimulator, bot: BotRunner, typed: str, expected: str) -> None:
    user = await at_nik(sim, 2004)
    reply = await say(user, typed)
    assert expected in reply.text
    assert "Ketik <b>NIK</b>" not in reply.text and "Ketik NIK Anda" in reply.text
    no_rejected_calls(sim)


async def test_nik_with_spaces_and_dots_is_accepted(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = await at_nik(sim, 2005)
    reply = await say(user, "3673.0555 1298 0001")
    assert "✓ NIK: 3673055512980001" in reply.text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("kemarin", "belum bisa kami baca"),
        ("31-02-1998", "tidak ada di kalender"),
        ("01-01-2030", "masa depan"),
        ("01-01-1900", "lebih dari 100 tahun"),
    ],
)
async def test_bad_birth_dates(
    sim: BotApiSimulator, bot: BotRunner, typed: str, expected: str
) -> None:
    user = await at_nik(sim, 2006)
    await say(user, "3673055512980001")
    reply = await say(user, typed)
    assert expected in reply.text
    no_rejected_calls(sim)


async def test_birth_date_that_disagrees_with_the_nik_is_queried(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_nik(sim, 2007)
    await say(user, "3673055512980001")
    query = await say(user, "16 Desember 1998")
    assert "berbeda dengan tanggal di NIK" in query.text
    chosen = await tap(user, "16 Desember 1998 (yang saya tulis)")
    assert "✓ Tanggal lahir: 16 Desember 1998" in chosen.text
    assert bot.deps is not None
    stored = await repo.get(bot.deps.db, 2007)
    assert stored is not None and stored.answers["birth_date"] == "1998-12-16"
    assert stored.answers["_birth_date_differs"] is True


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+60 12 345 6789", "nomor HP Indonesia"),
        ("+1 202 555 0100", "nomor HP Indonesia"),
        ("0812", "belum benar"),
        ("nomor saya", "belum benar"),
        ("021 555 1234", "belum benar"),
    ],
)
async def test_bad_phones(sim: BotApiSimulator, bot: BotRunner, typed: str, expected: str) -> None:
    user = await at_first_question(sim, 2008)
    person = Person()
    await say(user, person.name)
    await say(user, person.nik)
    for label in ("✅", "✅", "Banten", "SMA", "Kawin", "Ya, bisa", "Ya, sehat",
                  "Ya, bersedia"):
        await tap(user, label)
    reply = await say(user, typed)
    assert expected in reply.text
    no_rejected_calls(sim)


async def test_someone_elses_contact_is_refused(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = await at_first_question(sim, 2009)
    await say(user, "Budi Santoso")
    await say(user, "3673051203950002")
    for label in ("✅", "✅", "Banten", "SMA", "Kawin", "Ya, bisa", "Ya, sehat",
                  "Ya, bersedia"):
        await tap(user, label)
    assert user.reply_keyboard()[0][0]["request_contact"] is True
    await user.send_contact("+6281311112222", user_id=5555)
    refused = await last(user)
    assert "bukan nomor akun Telegram Anda" in refused.text
    await user.press("Bagikan nomor HP")
    await last(user)
    assert any(f"✓ Nomor HP: {user.phone_number}" in m.text for m in user.messages)
    assert user.reply_keyboard() == []  # the phone keyboard is gone


async def test_old_button_is_answered_and_current_question_shown(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_first_question(sim, 2010)
    await say(user, "Budi Santoso")
    nik_question = user.last_message
    assert nik_question is not None
    await say(user, "3673051203950002")
    await tap(user, "✅")  # birth date; now at sex
    record = await user.tap_on(nik_question, "Kembali")  # the back button of the NIK question
    reply = await last(user)
    assert record.answered and "sudah tidak berlaku" in (record.answer_text or "")
    assert "jenis kelamin" in reply.text
    assert sim.unanswered_callbacks() == []


async def test_unknown_command_and_typed_choice(sim: BotApiSimulator, bot: BotRunner) -> None:
    user = await at_first_question(sim, 2011)
    await say(user, "Budi Santoso")
    await say(user, "3673051203950002")
    await tap(user, "✅")
    await tap(user, "✅")
    reply = await say(user, "/terbang")
    assert "tidak mengenal perintah itu" in reply.text and "alamat" in reply.text
    reply = await say(user, "kota serang")  # typing a button's label counts as pressing it
    assert "✓ Alamat KTP/KK: Kota Serang" in reply.text
    reply = await say(user, "Jakarta Selatan")
    assert "menekan salah satu tombol" in reply.text


async def test_too_many_interests_is_refused_with_an_alert(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_first_question(sim, 2012)
    person = Person(interests=[], destinations=[])
    # Stop at the interests question: answer everything before it.
    await answer_until_interests(user, person)
    for label in ("Las", "Listrik", "Otomotif"):
        await tap(user, label)
    record = await user.tap("Bangunan")
    await until(lambda: record.answered)
    assert record.show_alert and "Paling banyak 3" in (record.answer_text or "")
    done = await tap(user, "Selesai")
    assert "✓ Minat pelatihan: Pengelasan (las), Listrik, Otomotif" in done.text


async def answer_until_interests(user: SimUser, p: Person) -> None:
    await say(user, p.name)
    await say(user, p.nik)
    for label in (
        "✅",
        "✅",
        "Kota Serang",
        "Cipocok Jaya",
        "Karundang",
        "SMK",
        "Belum kawin",
        "Ya, bisa",
        "Ya, sehat",
        "Ya, bersedia",
    ):
        await tap(user, label)
    await say(user, p.phone)
    for label in ("Sudah", "Sudah", "Belum pernah", "Selesai"):
        await tap(user, label)


async def test_nik_registered_from_another_account(sim: BotApiSimulator, bot: BotRunner) -> None:
    await register(sim, 2013)
    other = await at_first_question(sim, 2014)
    await say(other, "Siti Aminah")
    reply = await say(other, "3673055512980001")
    # The question says nothing about other registrations (it was an oracle): the NIK is
    # checked when the registration is sent, and a clash goes to staff (test_nik_guard.py).
    assert "terdaftar" not in reply.text and "15 Desember 1998" in reply.text
    no_rejected_calls(sim)


async def test_minor_stops_at_birth_date_and_keeps_only_that(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_first_question(sim, 2015)
    await say(user, "Dewi Lestari")
    await say(user, "3673054303090001")  # woman, born 3 March 2009: 17 on 28 Nov 2026
    stop = await tap(user, "✅")
    assert "paling sedikit 18 tahun" in stop.text
    assert "3 Maret 2027" in stop.text
    assert bot.deps is not None
    stored = await repo.get(bot.deps.db, 2015)
    assert stored is not None
    assert stored.answers == {"birth_date": "2009-03-03"} and stored.nik is None
    done = await tap(user, "Ingatkan saya")
    assert "3 Maret 2027" in done.text
    stored = await repo.get(bot.deps.db, 2015)
    assert stored is not None and stored.remind_on == "2027-03-03"
    assert "belum berusia 18" in (await say(user, "halo")).text


async def test_summary_edit_changes_one_answer_and_drops_what_no_longer_applies(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_first_question(sim, 2016)
    summary = await answer_interview(user, Person())
    assert "Kelurahan: Karundang" in summary.text
    await tap(user, "Ubah jawaban")
    await tap(user, "Alamat KTP/KK")
    back_at_summary = await tap(user, "Lampung")
    assert "Ringkasan" in back_at_summary.text
    assert "Kecamatan" not in back_at_summary.text
    assert "Alamat KTP/KK: Lampung" in back_at_summary.text
    done = await tap(user, "Kirim pendaftaran")
    region = "jatah tempat untuk warga Banten, Sumatera Selatan, Lampung dan Kalimantan Barat"
    assert region in done.text
    assert bot.deps is not None
    stored = await repo.get(bot.deps.db, 2016)
    assert stored is not None and "nik_other_province" in stored.staff_flags


async def test_other_province_is_not_eligible_with_a_pointer(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    user = await at_first_question(sim, 2017)
    await answer_interview(user, Person(domicile="Provinsi lain", kecamatan=None))
    done = await tap(user, "Kirim pendaftaran")
    assert "Belum memenuhi syarat" in done.text
    assert "BPVP terdekat" in done.text
    assert "kuota" not in done.text  # takes no place
