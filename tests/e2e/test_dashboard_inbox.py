"""Pertanyaan on the staff web pages, as a browser gets them against the real server: the open
questions, one question's conversation, a reply that reaches the resident signed and shows in
the topic, "Selesai" doing what /selesai does, and the guards (form token, session)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from bot.simulator.groups import SimGroup
from tests.conftest import STAFF_ID, RunnerFactory
from tests.e2e.residents import last, register, until
from tests.helpers.dashboard import ADDRESSES, browser, csrf_token, logged_in
from tests.helpers.runner import db_of
from tests.helpers.staff_group import GROUP, NOT_IN_FAQ, ask_staff, bot_with_staff_group

RESIDENT = 741_001
SECOND = 741_002
NIK = "3673055512980001"  # the registered resident's (tests/e2e/residents.py Person)


@pytest.fixture
def group(sim: BotApiSimulator) -> SimGroup:
    return sim.group(GROUP, "Petugas BBPVP", forum=True)


@pytest.fixture
async def runner(make_runner: RunnerFactory, group: SimGroup) -> AsyncIterator[BotRunner]:
    async with bot_with_staff_group(make_runner) as started:
        yield started


def question_links(html: str) -> list[str]:
    return re.findall(r'href="(/dasbor/pertanyaan/\d+)"', html)


async def test_inbox_reply_and_selesai_from_the_web(
    sim: BotApiSimulator, runner: BotRunner, group: SimGroup
) -> None:
    staff = group.add(sim.user(STAFF_ID, "Rina"))
    reg_no = await register(sim, RESIDENT)
    resident = sim.user(RESIDENT)
    await ask_staff(resident)
    await resident.send_photo("foto surat izin")
    assert "teruskan kepada petugas" in (await last(resident)).text
    second = sim.user(SECOND, "Budi")
    await ask_staff(second, "kapan saya bisa mengambil sertifikat pelatihan las")
    topic = group.topic_named(f"{reg_no} · Warga")
    assert topic is not None
    await until(lambda: len(group.messages(topic.thread_id)) >= 3)  # header, text, photo
    group_seen = len(group.messages(topic.thread_id))

    async with logged_in(runner, staff) as client:
        inbox = await client.get("/dasbor/pertanyaan")
        assert inbox.status_code == 200
        html = inbox.text
        assert 'href="/dasbor/pertanyaan" aria-current="page">Pertanyaan<' in html
        # Oldest waiting first: the registered resident asked first.
        assert html.index(reg_no) < html.index("Belum daftar")
        assert "Siti" in html  # first name only
        assert "Aminah" not in html and NIK not in html
        assert "Sabtu, 28 November 2026 pukul 10.00 WIB" in html
        assert '<td class="num">2</td>' in html  # the question and the photo
        links = question_links(html)
        assert len(links) == 2
        for address in ADDRESSES.findall(html):
            assert NIK not in address and reg_no not in address

        page = (await client.get(links[0])).text
        assert NOT_IN_FAQ in page and "[foto]" in page and "foto surat izin" in page
        assert "pukul 10.00 WIB" in page
        token = csrf_token(page)

        # No form token: refused, nothing reaches the resident.
        refused = await client.post(links[0] + "/balas", data={"teks": "tanpa token"})
        assert refused.status_code == 403
        assert await resident.wait_idle(quiet=0.3) == []

        sent = await client.post(
            links[0] + "/balas", data={"teks": "Boleh, ada ruang tunggu.", "csrf_token": token}
        )
        assert sent.status_code == 303
        assert sent.headers["location"] == links[0] + "?kabar=terkirim"
        answer = await last(resident)
        assert answer.text == "💬 Petugas BBPVP Serang:\nBoleh, ada ruang tunggu."
        await until(lambda: len(group.messages(topic.thread_id)) > group_seen)
        copy = group.messages(topic.thread_id)[group_seen]
        assert copy.text == "[dari web] Rina: Boleh, ada ruang tunggu."
        assert not any("ruang tunggu" in m.text for m in second.messages)

        page = (await client.get(sent.headers["location"])).text
        assert "Balasan terkirim kepada warga." in page
        assert "Boleh, ada ruang tunggu." in page and "<strong>Rina</strong>" in page

        rows = await db_of(runner).fetchall(
            "SELECT direction, staff_id, body, relayed_at FROM question_messages"
            " WHERE direction = 'out'"
        )
        assert [(r[0], r[1], r[2]) for r in rows] == [("out", STAFF_ID, "Boleh, ada ruang tunggu.")]
        assert rows[0][3] is not None  # stored as relayed, as a topic reply is

        # Answered: it no longer waits, so the other resident's question comes first.
        html = (await client.get("/dasbor/pertanyaan")).text
        assert html.index("Belum daftar") < html.index(reg_no)
        assert "Sudah dijawab" in html

        closed = await client.post(links[0] + "/selesai", data={"csrf_token": token})
        assert closed.status_code == 303
        assert closed.headers["location"] == "/dasbor/pertanyaan?kabar=selesai"
        assert "menyelesaikan pertanyaan Anda" in (await last(resident)).text
        await until(lambda: group.topic(topic.thread_id).closed)
        assert "ditutup oleh Rina" in group.messages(topic.thread_id)[-1].text
        audit = await db_of(runner).fetchall(
            "SELECT actor_id, target FROM audit_log WHERE action = 'question_close'"
        )
        assert [(r[0], r[1]) for r in audit] == [(STAFF_ID, reg_no)]

        html = (await client.get(closed.headers["location"])).text
        assert "Pertanyaan ditutup; warga sudah diberi tahu." in html
        assert question_links(html) == [links[1]]
        page = (await client.get(links[0])).text
        assert "Sudah ditutup" in page and "/balas" not in page
        late = await client.post(links[0] + "/balas", data={"teks": "lagi", "csrf_token": token})
        assert late.headers["location"] == links[0] + "?kabar=tertutup"
        assert await resident.wait_idle(quiet=0.3) == []


async def test_inbox_needs_a_session(runner: BotRunner) -> None:
    async with browser(runner) as client:
        for response in (
            await client.get("/dasbor/pertanyaan"),
            await client.get("/dasbor/pertanyaan/1"),
            await client.post("/dasbor/pertanyaan/1/balas", data={"teks": "halo"}),
            await client.post("/dasbor/pertanyaan/1/selesai"),
        ):
            assert response.status_code == 303
            assert response.headers["location"] == "/dasbor/masuk"


async def test_a_web_reply_to_a_resident_who_blocked_the_bot_says_so(
    sim: BotApiSimulator, runner: BotRunner, group: SimGroup
) -> None:
    staff = group.add(sim.user(STAFF_ID, "Rina"))
    resident = sim.user(SECOND, "Budi")
    await ask_staff(resident)
    topic = group.topic_named("Belum daftar · Budi")
    assert topic is not None
    sim.block(SECOND)
    async with logged_in(runner, staff) as client:
        [link] = question_links((await client.get("/dasbor/pertanyaan")).text)
        token = csrf_token((await client.get(link)).text)
        sent = await client.post(link + "/balas", data={"teks": "Halo Budi", "csrf_token": token})
        assert sent.headers["location"] == link + "?kabar=diblokir"
        page = (await client.get(sent.headers["location"])).text
        assert "tidak sampai: warga ini memblokir bot" in page
    await until(lambda: any("memblokir bot" in m.text for m in group.messages(topic.thread_id)))
