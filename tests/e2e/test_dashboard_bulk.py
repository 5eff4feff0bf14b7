"""Bulk on Pendaftar, as a browser does it against the real server and the simulator: a
stage for ten, everyone matching a filter across pages, interview slots, a preview that
went stale, a missing form token, bad input, a second press, and no NIK or name in any
address."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest

from bot.runner import BotRunner
from bot.services.bulk import JobState
from bot.simulator import BotApiSimulator, SimUser
from bot.storage import applicants as repo
from bot.storage import staff as staff_repo
from tests.conftest import STAFF_ID, RunnerFactory
from tests.e2e.residents import say, until
from tests.helpers.bulk import JOB, applied, apply_form, as_form, jobs_of
from tests.helpers.dashboard import ADDRESSES, csrf_token, logged_in
from tests.helpers.rows import Seed, insert
from tests.helpers.runner import add_staff, db_of

BULK = "/dasbor/pendaftar/massal"
TEN = [
    Seed(7300 + i, f"SRG-2026-{300 + i:05d}", name=f"Warga Nomor{i}",
         locale="en" if i == 10 else "id", nik=f"367305550199{i:04d}", opted_out=i == 9)
    for i in range(1, 11)
]  # fmt: skip
ALREADY = Seed(7311, "SRG-2026-00311", name="Sudah Wawancara", stage="wawancara",
               nik="3673055501990011")  # fmt: skip


@pytest.fixture
async def staff(sim: BotApiSimulator, bot: BotRunner) -> SimUser:
    await add_staff(bot, STAFF_ID)
    return sim.user(STAFF_ID, first_name="Petugas", language_code="id")


def personal(seeds: list[Seed]) -> list[str]:
    words = [s.nik or "" for s in seeds] + [s.name for s in seeds]
    return [w for w in words if w] + [w for s in seeds for w in s.name.split()]


def assert_no_personal_address(page: str, seeds: list[Seed]) -> None:
    for address in ADDRESSES.findall(page):
        assert re.search(r"\d{16}", address) is None, address
        for word in personal(seeds):
            assert word.lower() not in unquote(address).lower(), address


async def stages(bot: BotRunner, seeds: list[Seed]) -> list[str | None]:
    found = [await repo.get(db_of(bot), s.user_id) for s in seeds]
    return [a.stage if a else None for a in found]


async def audit_rows(bot: BotRunner, action: str) -> list[staff_repo.AuditEntry]:
    return [e for e in await staff_repo.latest_audit(db_of(bot), 500) if e.action == action]


async def test_a_stage_for_ten_is_previewed_then_applied_to_each(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    await insert(db_of(bot), [*TEN, ALREADY])
    async with logged_in(bot, staff) as client:
        table = await client.get("/dasbor/pendaftar")
        # Each row's box, labelled for screen readers by its registration number.
        for s in TEN:
            assert f'name="pilih" value="{s.reg_no}"' in table.text
            assert f"Pilih {s.reg_no}</label>" in table.text
        chosen = [s.reg_no for s in [*TEN, ALREADY]]
        form = {"csrf_token": csrf_token(table.text), "lingkup": "pilih", "pilih": chosen,
                "aksi": "tahap", "tahap": "wawancara", "catatan": "Gelombang 1"}  # fmt: skip
        preview = await client.post(BULK, data=form)
        assert preview.status_code == 200, preview.text
        text = preview.text
        for expected in (
            "10 pendaftar dipindahkan ke tahap Wawancara.",
            "10 warga menerima pesan di Telegram.",
            "Di antaranya 1 warga telah berhenti menerima pengumuman",  # told all the same
            "1 dilewati",
            "Tahap pendaftaran Anda sekarang: <b>Wawancara</b>",  # as the resident reads it
            "Your application is now at stage: <b>Interview</b>",  # one reads English
            "Bahasa Indonesia · 9 warga",
            "SRG-2026-00311</td><td>sudah berada di tahap itu",
            "belum ada pesan yang terkirim",
        ):
            assert expected in text, expected
        assert_no_personal_address(text, [*TEN, ALREADY])
        # Nothing has happened yet.
        assert all(sim.chat(s.user_id).messages == [] for s in TEN)
        assert await stages(bot, TEN) == ["terdaftar"] * 10
        assert await audit_rows(bot, "stage") == []

        result = await applied(bot, client, text)
    assert "Selesai." in result and "10 dari 10 pendaftar sudah diproses." in result
    assert "hx-trigger" not in result  # done: nothing polls any more
    assert re.search(r"diubah dan diberi tahu</td><td class=\"num\">10<", result)
    assert_no_personal_address(result, TEN)
    assert await stages(bot, [*TEN, ALREADY]) == ["wawancara"] * 11
    for s in TEN:
        messages = sim.chat(s.user_id).messages
        assert len(messages) == 1, s.reg_no
        expected = "Your application is now at stage: Interview" if s.locale == "en" \
            else "Tahap pendaftaran Anda sekarang: Wawancara"  # fmt: skip
        assert expected in messages[0].text, s.reg_no
    assert sim.chat(ALREADY.user_id).messages == []
    # The audit: each person's entry as /tahap writes it, and one for the whole group.
    per_person = await audit_rows(bot, "stage")
    assert sorted(e.target or "" for e in per_person) == sorted(s.reg_no or "" for s in TEN)
    assert all(json.loads(e.detail or "") == {"from": "terdaftar", "to": "wawancara",
                                              "note": True} for e in per_person)  # fmt: skip
    assert all(e.actor_id == STAFF_ID for e in per_person)
    (summary,) = await audit_rows(bot, "bulk")
    detail = json.loads(summary.detail or "")
    assert (detail["do"], detail["to"], detail["people"], detail["skipped"]) == (
        "tahap", "wawancara", 10, 1)  # fmt: skip
    notes = await db_of(bot).fetchval(
        "SELECT COUNT(*) FROM staff_notes WHERE text = '[wawancara] Gelombang 1'"
    )
    assert notes == 10


async def test_all_matching_the_filter_reaches_every_page(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    curug = [Seed(7400 + i, f"SRG-2026-{400 + i:05d}", kecamatan="curug", kelurahan="tinggar")
             for i in range(60)]  # fmt: skip
    others = [Seed(7500 + i, f"SRG-2026-{500 + i:05d}") for i in range(3)]
    await insert(db_of(bot), [*curug, *others])
    async with logged_in(bot, staff) as client:
        table = await client.get("/dasbor/pendaftar?kecamatan=curug")
        assert "Semua 60 pendaftar yang cocok dengan filter (semua halaman)" in table.text
        assert table.text.count('name="pilih"') == 50  # one page of the sixty
        assert f'action="{BULK}?kecamatan=curug"' in table.text
        form = {"csrf_token": csrf_token(table.text), "lingkup": "semua",
                "aksi": "tahap", "tahap": "terverifikasi"}  # fmt: skip
        preview = await client.post(f"{BULK}?kecamatan=curug", data=form)
        assert "60 pendaftar dipindahkan ke tahap Terverifikasi." in preview.text
        action, fields = apply_form(preview.text)
        assert action == f"{BULK}/terapkan?kecamatan=curug"
        assert ("lingkup", "semua") in fields and not [f for f in fields if f[0] == "pilih"]
        result = await applied(bot, client, preview.text)
    assert "60 dari 60" in result
    assert await stages(bot, curug) == ["terverifikasi"] * 60
    assert await stages(bot, others) == ["terdaftar"] * 3
    assert all(len(sim.chat(s.user_id).messages) == 1 for s in curug)
    assert all(sim.chat(s.user_id).messages == [] for s in others)


async def test_slots_every_fifteen_minutes_each_resident_reads_their_own(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    people = [Seed(7600 + i, f"SRG-2026-{600 + i:05d}", locale="en" if i == 4 else "id",
                   submitted_at=f"2026-11-2{i}T03:00:00+00:00") for i in range(1, 6)]  # fmt: skip
    withdrawn = Seed(7610, "SRG-2026-00610", stage="mengundurkan_diri")
    await insert(db_of(bot), [*people, withdrawn])
    async with logged_in(bot, staff) as client:
        # The table's order: registration number, ascending; the withdrawn one comes last.
        address = f"{BULK}?urut=no&arah=naik"
        table = await client.get("/dasbor/pendaftar?urut=no&arah=naik")
        form = {"csrf_token": csrf_token(table.text), "lingkup": "semua", "aksi": "jadwal",
                "jenis": "wawancara", "tempat": "BBPVP Serang, Gedung B", "tanggal": "2026-12-07",
                "jam": "09:00", "menit": "15", "per_slot": "2"}  # fmt: skip
        preview = await client.post(address, data=form)
        assert preview.status_code == 200, preview.text
        text = preview.text
        for expected in (
            "5 pendaftar dijadwalkan untuk Wawancara.",
            "Senin, 7 Desember 2026 pukul 09.00 WIB",  # the first slot
            "Senin, 7 Desember 2026 pukul 09.30 WIB",  # the last: two people a slot
            "Anda dijadwalkan",
            "SRG-2026-00610</td><td>tidak lolos atau mengundurkan diri",
        ):
            assert expected in text, expected
        assert "English · 1 warga" in text
        assert_no_personal_address(text, [*people, withdrawn])
        assert all(sim.chat(s.user_id).messages == [] for s in people)
        assert await db_of(bot).fetchval("SELECT COUNT(*) FROM events") == 0
        result = await applied(bot, client, text)
    assert "5 dari 5" in result
    slots = ["09.00", "09.00", "09.15", "09.15", "09.30"]
    for s, slot in zip(people, slots, strict=True):
        (notice,) = sim.chat(s.user_id).messages
        day = "Monday, 7 December 2026 at 09.00" if s.locale == "en" else "Senin, 7 Desember 2026"
        assert day.split(" at")[0] in notice.text, (s.reg_no, notice.text)
        assert f"{slot} WIB" in notice.text, (s.reg_no, notice.text)
        assert "BBPVP Serang, Gedung B" in notice.text
        assert notice.buttons, s.reg_no  # Hadir / Tidak bisa hadir, as /jadwalkan sends
    assert sim.chat(withdrawn.user_id).messages == []
    rows = await db_of(bot).fetchall(
        "SELECT a.reg_no, e.starts_at FROM events e JOIN applicants a USING (user_id)"
        " ORDER BY a.reg_no"
    )
    # Stored in UTC: 09.00 WIB is 02.00.
    assert [(r["reg_no"], r["starts_at"]) for r in rows] == [
        (s.reg_no, f"2026-12-07T02:{m}:00+00:00")
        for s, m in zip(people, ("00", "00", "15", "15", "30"), strict=True)
    ]
    assert len(await audit_rows(bot, "schedule")) == 5
    (summary,) = await audit_rows(bot, "bulk")
    assert json.loads(summary.detail or "")["every"] == 15


async def test_a_stale_preview_is_refused_and_shown_again(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    three = TEN[:3]
    await insert(db_of(bot), three)
    async with logged_in(bot, staff) as client:
        table = await client.get("/dasbor/pendaftar")
        form = {"csrf_token": csrf_token(table.text), "lingkup": "semua",
                "aksi": "tahap", "tahap": "pelatihan"}  # fmt: skip
        preview = await client.post(BULK, data=form)
        assert "3 pendaftar dipindahkan" in preview.text
        # Meanwhile a colleague moves one of them in the bot, and a fourth registers.
        await say(staff, f"/tahap {three[0].reg_no} pelatihan")
        await insert(db_of(bot), [TEN[3]])
        told_before = [len(sim.chat(s.user_id).messages) for s in TEN[:4]]
        action, fields = apply_form(preview.text)
        stale = await client.post(action, data=as_form(fields))
        assert stale.status_code == 409
        assert "berubah sejak pratinjau tadi" in stale.text
        assert "3 pendaftar dipindahkan" in stale.text  # the new preview: 2 + the fourth
        assert "SRG-2026-00301</td><td>sudah berada di tahap itu" in stale.text
        assert [len(sim.chat(s.user_id).messages) for s in TEN[:4]] == told_before
        assert await stages(bot, TEN[1:4]) == ["terdaftar"] * 3
        assert await audit_rows(bot, "bulk") == []
        # The new preview applies.
        result = await applied(bot, client, stale.text)
    assert "3 dari 3" in result
    assert await stages(bot, TEN[:4]) == ["pelatihan"] * 4


async def test_a_second_press_sends_nothing_twice(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    await insert(db_of(bot), TEN[:2])
    async with logged_in(bot, staff) as client:
        table = await client.get("/dasbor/pendaftar")
        form = {"csrf_token": csrf_token(table.text), "lingkup": "halaman", "aksi": "jadwal",
                "halaman": [s.reg_no for s in TEN[:2]], "jenis": "pemetaan", "tempat": "Aula",
                "tanggal": "07/12/2026", "jam": "13.00", "menit": "30"}  # fmt: skip
        preview = await client.post(BULK, data=form)
        assert "2 pendaftar dijadwalkan" in preview.text
        first = await applied(bot, client, preview.text)
        assert "2 dari 2" in first
        action, fields = apply_form(preview.text)
        again = await client.post(action, data=as_form(fields))
        assert again.status_code == 303 and again.headers["location"].endswith("?kabar=sudah")
        page = await client.get(again.headers["location"])
        assert "sudah diterapkan" in page.text
    assert [len(sim.chat(s.user_id).messages) for s in TEN[:2]] == [1, 1]
    assert len(await audit_rows(bot, "bulk")) == 1


async def test_without_the_form_token_nothing_happens(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    await insert(db_of(bot), TEN[:2])
    async with logged_in(bot, staff) as client:
        table = await client.get("/dasbor/pendaftar")
        form = {"csrf_token": csrf_token(table.text), "lingkup": "halaman",
                "halaman": [s.reg_no for s in TEN[:2]], "aksi": "tahap", "tahap": "wawancara"}
        preview = await client.post(BULK, data=form)
        action, fields = apply_form(preview.text)
        without = [(n, v) for n, v in fields if n != "csrf_token"]
        for address, data in ((BULK, {**form, "csrf_token": ""}), (action, as_form(without))):
            refused = await client.post(address, data=data)
            assert refused.status_code == 403, address
            assert JOB.match(refused.headers.get("location", "")) is None
    assert await stages(bot, TEN[:2]) == ["terdaftar"] * 2
    assert all(sim.chat(s.user_id).messages == [] for s in TEN[:2])
    assert await audit_rows(bot, "bulk") == []


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"lingkup": "pilih", "aksi": "tahap", "tahap": "wawancara"},
         "Belum ada pendaftar yang dipilih"),
        ({"aksi": "tahap", "tahap": "lulus"}, "Tahap itu tidak kami kenali"),
        ({"aksi": "tahap", "tahap": "wawancara", "catatan": "x" * 1001},
         "Catatan terlalu panjang"),
        ({"aksi": "jadwal", "jenis": "wawancara", "tempat": "Aula", "tanggal": "2026-11-27",
          "jam": "09:00", "menit": "15"}, "Waktu mulai sudah lewat"),
        ({"aksi": "jadwal", "jenis": "wawancara", "tempat": "", "tanggal": "2026-12-07",
          "jam": "09:00", "menit": "15"}, "Tempatnya belum diisi"),
        ({"aksi": "jadwal", "jenis": "wawancara", "tempat": "Aula", "tanggal": "2026-12-07",
          "jam": "", "menit": "15"}, "Jam mulai belum diisi"),
        ({"aksi": "jadwal", "jenis": "wawancara", "tempat": "Aula", "tanggal": "2026-12-07",
          "jam": "09:00", "menit": "0"}, "Lama satu giliran harus bilangan bulat"),
    ],
)  # fmt: skip
async def test_bad_input_is_said_politely_and_nothing_changes(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser, fields: dict[str, str], sentence: str
) -> None:
    await insert(db_of(bot), TEN[:2])
    async with logged_in(bot, staff) as client:
        table = await client.get("/dasbor/pendaftar")
        form = {"csrf_token": csrf_token(table.text), "lingkup": "halaman", **fields}
        form.setdefault("halaman", [s.reg_no for s in TEN[:2]])  # type: ignore[arg-type]
        response = await client.post(BULK, data=form)
    assert response.status_code == 400
    assert sentence in response.text
    assert await stages(bot, TEN[:2]) == ["terdaftar"] * 2
    assert await db_of(bot).fetchval("SELECT COUNT(*) FROM events") == 0


async def test_blocked_and_unreachable_residents_are_counted_apart(
    sim: BotApiSimulator, bot: BotRunner, staff: SimUser
) -> None:
    reached, inactive, blocks_now = TEN[0], TEN[1], TEN[2]
    await insert(db_of(bot), [reached, blocks_now])
    await insert(db_of(bot), [Seed(inactive.user_id, inactive.reg_no, inactive=True)])
    sim.block(blocks_now.user_id)
    async with logged_in(bot, staff) as client:
        table = await client.get("/dasbor/pendaftar")
        form = {"csrf_token": csrf_token(table.text), "lingkup": "semua", "aksi": "tahap",
                "tahap": "tidak_lolos"}  # fmt: skip
        preview = await client.post(BULK, data=form)
        assert "2 warga menerima pesan di Telegram." in preview.text
        assert "1 warga tidak diberi tahu karena telah memblokir bot" in preview.text
        result = await applied(bot, client, preview.text)
    for outcome in ("diubah dan diberi tahu", "diubah, tidak diberi tahu (memblokir bot)",
                    "diubah, pesan ditolak: warga memblokir bot"):  # fmt: skip
        assert re.search(rf"{re.escape(outcome)}</td><td class=\"num\">1<", result), outcome
    not_reached = result[result.index("Yang belum menerima pesan") :]
    assert inactive.reg_no in not_reached and blocks_now.reg_no in not_reached
    assert reached.reg_no not in not_reached
    assert await stages(bot, [reached, inactive, blocks_now]) == ["tidak_lolos"] * 3
    stored = await repo.get(db_of(bot), blocks_now.user_id)
    assert stored is not None and stored.inactive  # as /tahap marks them
    assert sim.chat(inactive.user_id).messages == []


async def test_a_bot_stopping_mid_job_leaves_each_person_whole_and_a_new_preview_skips_them(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    people = [Seed(7700 + i, f"SRG-2026-{700 + i:05d}") for i in range(40)]
    runner = make_runner(broadcast_rate=4.0)  # slow enough to stop it half-way
    await runner.start()
    try:
        await add_staff(runner, STAFF_ID)
        staff = sim.user(STAFF_ID, first_name="Petugas", language_code="id")
        await insert(db_of(runner), people)
        async with logged_in(runner, staff) as client:
            table = await client.get("/dasbor/pendaftar")
            form = {"csrf_token": csrf_token(table.text), "lingkup": "semua", "aksi": "tahap",
                    "tahap": "terverifikasi"}  # fmt: skip
            preview = await client.post(BULK, data=form)
            action, fields = apply_form(preview.text)
            started = await client.post(action, data=as_form(fields))
            found = JOB.match(started.headers["location"])
            assert found is not None
            job = jobs_of(runner).get(found.group(1))
            assert job is not None
            await until(lambda: job.done >= 3, within=30)
            running = await client.get(started.headers["location"])
            assert "Sedang berjalan." in running.text and "dari 40 pendaftar" in running.text
            # It reloads itself where htmx is loaded; the link does it where it is not.
            assert 'hx-trigger="every 2s"' in running.text
            assert f'<a href="{started.headers["location"]}">Muat ulang' in running.text
    finally:
        await runner.stop()
    assert job.state is JobState.STOPPED and 3 <= job.done < 40
    again = make_runner()
    await again.start()
    try:
        # Whoever the job reached was changed and told, each whole; nobody else was touched.
        now = await stages(again, people)
        changed = [s for s, stage in zip(people, now, strict=True) if stage == "terverifikasi"]
        assert len(changed) == job.done and now.count("terdaftar") == 40 - job.done
        assert all(len(sim.chat(s.user_id).messages) == 1 for s in changed)
        assert sum(len(sim.chat(s.user_id).messages) for s in people) == job.done
        async with logged_in(again, staff) as client:
            gone = await client.get(started.headers["location"])
            assert gone.status_code == 404 and "tidak ada lagi" in gone.text
            table = await client.get("/dasbor/pendaftar")
            form["csrf_token"] = csrf_token(table.text)
            preview = await client.post(BULK, data=form)
            assert f"{40 - job.done} pendaftar dipindahkan ke tahap Terverifikasi." in preview.text
            assert preview.text.count("sudah berada di tahap itu") == job.done
    finally:
        await again.stop()
