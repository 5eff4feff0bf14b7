"""Audit on the staff web pages (admins): each filter narrows the log as it says, the
filters live in the address (shareable, paged, newest first), the form's typed number is
checked before it reaches an address (a NIK never does), and other staff are refused."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.storage import staff as staff_repo
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.helpers.dashboard import ADDRESSES, browser, csrf_token, logged_in
from tests.helpers.runner import add_staff, db_of

PATH = "/dasbor/audit"
ROW = re.compile(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>(.*?)</td></tr>")
COUNT = re.compile(r"([\d.]+) catatan cocok")
RINA, JOKO = 41001, 41002
NIK = "3673054507990014"

# (UTC time, actor, action, target, detail): what the page is asked about.
ENTRIES = [
    ("2026-11-20T02:00:00+00:00", RINA, "note", "SRG-2026-00001", None),
    ("2026-11-21T02:00:00+00:00", JOKO, "stage", "SRG-2026-00002",
     {"from": "terdaftar", "to": "wawancara"}),
    # 23.30 WIB on 25 November, and 00.30 WIB on 26 November.
    ("2026-11-25T16:30:00+00:00", RINA, "export", None, {"format": "csv", "rows": 3}),
    ("2026-11-25T17:30:00+00:00", JOKO, "note", "SRG-2026-00002", None),
    ("2026-11-26T02:00:00+00:00", RINA, "lookup", "SRG-2026-00001,SRG-2026-00002",
     {"by": "name", "found": 2}),
    ("2026-11-27T02:00:00+00:00", JOKO, "lookup", "SRG-2026-00012", {"card": True}),
]  # fmt: skip


async def seed(bot: BotRunner) -> None:
    for at, actor, action, target, detail in ENTRIES:
        stored = json.dumps(detail) if detail else None
        await staff_repo.audit(db_of(bot), actor, action, target, stored, at=at)


def rows(html: str) -> list[tuple[str, str, str]]:
    return [(w, a, re.sub(r"<[^>]+>", "", s)) for w, a, s in ROW.findall(html)]


def total(html: str) -> int:
    found = COUNT.search(html)
    assert found is not None, html
    return int(found.group(1).replace(".", ""))


async def test_each_filter_narrows_the_log(sim: BotApiSimulator, bot: BotRunner) -> None:
    await seed(bot)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        everything = (await client.get(PATH)).text
        # The seeded six and the admin's own way in (the link, the login), newest first.
        assert total(everything) == 8
        assert [r[1] for r in rows(everything)][-6:] == [
            str(JOKO), str(RINA), str(JOKO), str(RINA), str(JOKO), str(RINA)
        ]
        assert rows(everything)[0][1] == f"{ADMIN_ID} (admin)"
        cases = {
            f"siapa={RINA}": 3,
            f"siapa={JOKO}": 3,
            "aksi=note": 2,
            "aksi=lookup": 2,
            f"aksi=note&siapa={JOKO}": 1,
            "dari=2026-11-26&sampai=2026-11-26": 2,  # 00.30 WIB is the 26th; 23.30 is not
            "sampai=2026-11-25": 3,
            "dari=2026-11-21&sampai=2026-11-25": 2,
            "no=SRG-2026-00001": 2,  # its note, and the search that found it among two
            "no=SRG-2026-00002": 3,
            "no=SRG-2026-00002&aksi=lookup": 1,
            "no=srg-2026-00012": 1,  # typed in small letters, still the number
            "no=SRG-2026-00099": 0,
        }
        for query, expected in cases.items():
            html = (await client.get(f"{PATH}?{query}")).text
            assert total(html) == expected, query
            assert len(rows(html)) == expected or (expected == 0 and "Belum ada" in html), query
        stage = rows((await client.get(f"{PATH}?aksi=stage")).text)
        assert len(stage) == 1 and "SRG-2026-00002" in stage[0][2] and "Wawancara" in stage[0][2]
        assert stage[0][0] == "Sabtu, 21 November 2026 pukul 09.00 WIB"
        chosen = (await client.get(f"{PATH}?siapa={JOKO}&aksi=note")).text
        assert f'<option value="{JOKO}" selected>' in chosen
        assert '<option value="note" selected>Catatan staf</option>' in chosen
        odd = (await client.get(f"{PATH}?siapa=rina&aksi=DROP%20TABLE&dari=kemarin")).text
        assert total(odd) == 8 and "tidak kami kenali" in odd


async def test_the_form_goes_to_an_address_and_a_nik_never_does(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await seed(bot)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        token = csrf_token((await client.get(PATH)).text)
        sent = await client.post(PATH, data={
            "csrf_token": token, "siapa": str(RINA), "aksi": "", "dari": "2026-11-20",
            "sampai": "", "no": " srg-2026-00001 ",
        })  # fmt: skip
        assert sent.status_code == 303
        location = sent.headers["location"]
        assert urlsplit(location).path == PATH
        assert dict(parse_qsl(urlsplit(location).query)) == {
            "siapa": str(RINA), "dari": "2026-11-20", "no": "SRG-2026-00001"
        }
        html = (await client.get(location)).text
        assert total(html) == 2 and 'value="SRG-2026-00001"' in html
        for typed in (NIK, "Siti Aminah"):
            refused = await client.post(PATH, data={"csrf_token": token, "no": typed})
            assert refused.status_code == 400 and "location" not in refused.headers
            assert "bukan nomor pendaftaran" in refused.text
            assert typed not in refused.text  # not even echoed back into the form
            for address in ADDRESSES.findall(refused.text):
                assert NIK not in address and "Siti" not in address, address
        assert (await client.post(PATH, data={"no": "SRG-2026-00001"})).status_code == 403
        nik_in_address = (await client.get(f"{PATH}?no={NIK}")).text
        assert total(nik_in_address) == 8 and "tidak kami kenali" in nik_in_address
        assert f'value="{NIK}"' not in nik_in_address


async def test_pages_of_fifty_newest_first_keep_the_filter(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    for i in range(120):
        at = f"2026-11-{1 + i // 10:02d}T{i % 10:02d}:00:00+00:00"
        await staff_repo.audit(db_of(bot), RINA, "note", f"SRG-2026-{i:05d}", at=at)
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    seen: list[str] = []
    async with logged_in(bot, admin) as client:
        address = f"{PATH}?siapa={RINA}"
        pages = 0
        while address:
            html = (await client.get(address)).text
            pages += 1
            assert total(html) == 120 and f"Halaman {pages} dari 3" in html
            seen += [re.search(r"SRG-2026-\d{5}", r[2]).group(0) for r in rows(html)]  # type: ignore[union-attr]
            following = re.search(r'<a href="([^"]*)" rel="next">', html)
            address = following.group(1).replace("&amp;", "&") if following else ""
            if address:
                assert dict(parse_qsl(urlsplit(address).query))["siapa"] == str(RINA)
    assert pages == 3
    assert seen == [f"SRG-2026-{i:05d}" for i in reversed(range(120))]


async def test_other_staff_and_strangers_are_refused(sim: BotApiSimulator, bot: BotRunner) -> None:
    await seed(bot)
    await add_staff(bot, STAFF_ID)
    staff = sim.user(STAFF_ID, first_name="Staf", language_code="id")
    async with logged_in(bot, staff) as client:
        assert (await client.get(f"{PATH}?siapa={RINA}")).status_code == 403
        token = csrf_token((await client.get("/dasbor/pendaftar")).text)
        posted = await client.post(PATH, data={"csrf_token": token, "siapa": str(RINA)})
        assert posted.status_code == 403 and "location" not in posted.headers
    async with browser(bot) as stranger:
        nobody = await stranger.get(f"{PATH}?aksi=note")
        assert nobody.status_code == 303 and nobody.headers["location"] == "/dasbor/masuk"
