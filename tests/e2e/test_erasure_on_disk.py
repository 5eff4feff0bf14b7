"""/hapus deletes from the disk, not only from the tables: no byte of the person's NIK, name
or phone number is left in the database file or its WAL."""

from __future__ import annotations

from pathlib import Path

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.e2e.residents import Person, register, say, tap


def stored_bytes(database: Path) -> bytes:
    files = [database, *(database.with_name(database.name + s) for s in ("-wal", "-journal"))]
    return b"".join(f.read_bytes() for f in files if f.exists())


async def test_hapus_leaves_no_trace_in_the_files(sim: BotApiSimulator, bot: BotRunner) -> None:
    person = Person(name="Nurhayati Wulandari", nik="3673054107990003", phone="0813-7771-2345")
    database = bot.settings.database_path
    await register(sim, 7101, person=person)
    await register(sim, 7102)  # someone else stays: the file is not simply emptied
    traces = [person.nik.encode(), person.name.encode(), b"81377712345"]
    assert all(t in stored_bytes(database) for t in traces)  # the scan can see them

    user = sim.user(7101)
    await say(user, "/hapus")
    done = await tap(user, "Ya, hapus data saya")
    assert "sudah dihapus" in done.text
    on_disk = stored_bytes(database)  # while the bot runs, as anyone copying the disk sees it
    assert [t for t in traces if t in on_disk] == []
    assert Person().nik.encode() in on_disk
