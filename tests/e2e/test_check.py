"""`python -m bot check` as a real process: what a city's IT staff read before starting."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

from bot.simulator import BotApiSimulator
from bot.simulator_whatsapp import WhatsAppSimulator
from bot.storage.db import Database
from tests.e2e.processes import bot_env

TOKEN = "123456:CHECK-TEST"


def check_env(base_url: str, db_path: Path, **extra: str) -> dict[str, str]:
    wanted = {"BOT_TOKEN": TOKEN, "ADMIN_IDS": "900001",
              "CONTACT_BBPVP": "BBPVP Serang, Jl. Contoh (set per deployment)"}  # fmt: skip
    return bot_env(base_url, db_path, **{**wanted, **extra})


async def run_check(env: dict[str, str], cwd: Path) -> tuple[int, list[str]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "check", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode().strip().splitlines()


def problems(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("PROBLEM")]


async def test_all_well_prints_ok_lines_and_exits_0(tmp_path: Path) -> None:
    db_path = tmp_path / "data" / "bot.sqlite3"
    await (await Database.open(db_path)).close()  # a database the bot has made
    os.chmod(db_path, 0o600)
    async with BotApiSimulator(token=TOKEN) as sim:
        code, lines = await run_check(check_env(sim.base_url, db_path), tmp_path)
    assert code == 0, lines
    assert problems(lines) == []
    assert "ok      telegram: the token belongs to @serang_pmi_bot" in lines
    assert any(line.startswith("ok      database:") and "0 applicant" in line for line in lines)
    assert any(line.startswith("ok      backups: BACKUP_DIR") for line in lines)


async def test_a_new_server_without_a_database_is_fine(tmp_path: Path) -> None:
    db_path = tmp_path / "data" / "bot.sqlite3"
    async with BotApiSimulator(token=TOKEN) as sim:
        code, lines = await run_check(check_env(sim.base_url, db_path), tmp_path)
    assert code == 0, lines
    assert any("is created at the first start" in line for line in lines)
    assert not db_path.exists()  # the check creates nothing


async def test_a_wrong_token_and_no_admin_are_one_problem_line_each(tmp_path: Path) -> None:
    async with BotApiSimulator(token=TOKEN) as sim:
        env = check_env(
            sim.base_url, tmp_path / "bot.sqlite3", BOT_TOKEN="123456:WRONG", ADMIN_IDS=""
        )
        code, lines = await run_check(env, tmp_path)
    assert code == 1
    assert problems(lines) == [
        "PROBLEM staff: ADMIN_IDS is empty: nobody could use the staff commands",
        "PROBLEM telegram: Telegram refuses BOT_TOKEN (revoked or mistyped)",
    ]
    assert all("WRONG" not in line for line in lines)  # never the token itself


async def test_an_unreachable_bot_api_is_named(tmp_path: Path) -> None:
    sim = BotApiSimulator(token=TOKEN)
    await sim.start()
    base_url = sim.base_url
    await sim.stop()  # nobody listens on that port now
    code, lines = await run_check(check_env(base_url, tmp_path / "bot.sqlite3"), tmp_path)
    assert code == 1
    [line] = problems(lines)
    assert line.startswith(f"PROBLEM telegram: cannot reach {base_url}")


async def test_no_migration_is_applied_and_a_newer_database_is_refused(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    db = await Database.open(db_path)
    await db.close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "DELETE FROM schema_migrations WHERE number = (SELECT max(number) FROM schema_migrations)"
    )
    conn.commit()
    before = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    conn.close()
    os.chmod(db_path, 0o600)
    async with BotApiSimulator(token=TOKEN) as sim:
        code, lines = await run_check(check_env(sim.base_url, db_path), tmp_path)
        assert code == 0, lines
        assert any("1 migration(s) will be applied at start" in line for line in lines)
        conn = sqlite3.connect(db_path)
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == before
        conn.execute("INSERT INTO schema_migrations VALUES (999, '999_future.sql', 'now')")
        conn.commit()
        conn.close()
        code, lines = await run_check(check_env(sim.base_url, db_path), tmp_path)
    assert code == 1
    assert problems(lines) == [
        f"PROBLEM database: {db_path} was written by a newer version (migration 999):"
        " install that version or restore a backup"
    ]


async def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    db_path.write_bytes(os.urandom(8192))
    os.chmod(db_path, 0o600)
    async with BotApiSimulator(token=TOKEN) as sim:
        code, lines = await run_check(check_env(sim.base_url, db_path), tmp_path)
    assert code == 1
    [line] = problems(lines)
    assert line.startswith(f"PROBLEM database: {db_path} cannot be read:")


async def test_a_database_other_users_can_read_is_a_problem(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    await (await Database.open(db_path)).close()
    os.chmod(db_path, 0o644)
    async with BotApiSimulator(token=TOKEN) as sim:
        code, lines = await run_check(check_env(sim.base_url, db_path), tmp_path)
    assert code == 1
    assert problems(lines) == [
        f"PROBLEM database: {db_path} is readable by other users (mode 644): chmod 600 {db_path}"
    ]


async def test_a_backup_folder_that_cannot_be_written_is_one_problem_line(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    await (await Database.open(db_path)).close()
    os.chmod(db_path, 0o600)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder's parent should be")
    async with BotApiSimulator(token=TOKEN) as sim:
        env = check_env(sim.base_url, db_path, BACKUP_DIR=str(blocker / "backups"))
        code, lines = await run_check(env, tmp_path)
        assert code == 1
        assert problems(lines) == [
            f"PROBLEM backups: BACKUP_DIR {blocker / 'backups'} cannot be written:"
            f" {blocker} is not a folder this user can write to"
        ]
        env = check_env(sim.base_url, db_path, BACKUP_DIR=str(blocker))
        code, lines = await run_check(env, tmp_path)
    assert code == 1
    assert problems(lines) == [f"PROBLEM backups: BACKUP_DIR {blocker} is a file, not a folder"]


WHATSAPP_TOKEN = "EAAG-CHECK-TEST"


def whatsapp_env(wa: WhatsAppSimulator, **extra: str) -> dict[str, str]:
    return {
        "WHATSAPP_API_BASE_URL": wa.base_url,
        "WHATSAPP_PHONE_NUMBER_ID": wa.phone_number_id,
        "WHATSAPP_TOKEN": WHATSAPP_TOKEN,
        "WHATSAPP_VERIFY_TOKEN": "verify",
        "WHATSAPP_APP_SECRET": "secret",
        **extra,
    }


async def test_whatsapp_off_is_a_note(tmp_path: Path) -> None:
    async with BotApiSimulator(token=TOKEN) as sim:
        code, lines = await run_check(check_env(sim.base_url, tmp_path / "bot.sqlite3"), tmp_path)
    assert code == 0, lines
    assert any(
        line.startswith("note    whatsapp: off (set WHATSAPP_PHONE_NUMBER_ID") for line in lines
    )


async def test_whatsapp_configured_and_reachable(tmp_path: Path) -> None:
    async with (
        BotApiSimulator(token=TOKEN) as sim,
        WhatsAppSimulator(token=WHATSAPP_TOKEN) as wa,
    ):
        env = check_env(sim.base_url, tmp_path / "bot.sqlite3", **whatsapp_env(wa))
        code, lines = await run_check(env, tmp_path)
    assert code == 0, lines
    assert (
        "ok      whatsapp: the token opens the number +6281100000000 (Layanan PMI Kota Serang)"
        in lines
    )
    assert (
        "note    whatsapp templates: none for stage, place, schedule, schedule_cancel, reminder,"
        " nik_conflict, turned_18, question_reply, announcement: not sent outside the 24 hours"
        " after a resident's last message (set WHATSAPP_TEMPLATES once Meta has approved them)"
    ) in lines


async def test_whatsapp_token_refused_or_number_unknown_or_unreachable(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    async with BotApiSimulator(token=TOKEN) as sim:
        async with WhatsAppSimulator(token=WHATSAPP_TOKEN) as wa:
            wrong_token = whatsapp_env(wa, WHATSAPP_TOKEN="EAAG-WRONG")
            wrong_number = whatsapp_env(wa, WHATSAPP_PHONE_NUMBER_ID="1")
            results = [
                await run_check(check_env(sim.base_url, db, **wrong_token), tmp_path),
                await run_check(check_env(sim.base_url, db, **wrong_number), tmp_path),
            ]
        # The WhatsApp simulator has stopped: nobody listens at its address.
        results.append(await run_check(check_env(sim.base_url, db, **whatsapp_env(wa)), tmp_path))
    assert [code for code, _ in results] == [1, 1, 1]
    assert [problems(lines) for _, lines in results] == [
        ["PROBLEM whatsapp: Meta refuses WHATSAPP_TOKEN (expired, revoked or mistyped)"],
        ["PROBLEM whatsapp: WHATSAPP_PHONE_NUMBER_ID 1 is not a number this token may use"
         " (whatsapp 100: invalid parameter)"],
        [f"PROBLEM whatsapp: cannot reach {wa.base_url} (whatsapp -: no answer)"],
    ]  # fmt: skip
    assert all("EAAG" not in line for _, lines in results for line in lines)
