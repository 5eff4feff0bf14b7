"""Getting in to the staff web pages: the one-time link from /dasbor, the session it opens,
and everything that must end or refuse one (a used or expired link, "Keluar", a removed
staff member, a form without the session's token, a non-admin on an admin page)."""

from __future__ import annotations

from bot.clock import FixedClock
from bot.runner import BotRunner
from bot.simulator import BotApiSimulator
from tests.conftest import ADMIN_ID, STAFF_ID, RunnerFactory
from tests.e2e.residents import say
from tests.helpers.dashboard import browser, csrf_token, link_from_bot, logged_in, path_of
from tests.helpers.runner import add_staff, db_of


async def test_the_link_from_dasbor_opens_a_session_once(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    link = await link_from_bot(admin)
    assert link.startswith("http://127.0.0.1:8080/dasbor/masuk/")  # WEB_BASE_URL's default
    assert "10 menit" in admin.chat.messages[-1].text

    async with browser(bot) as client:
        opened = await client.get(path_of(link))
        assert opened.status_code == 303
        assert opened.headers["location"] == "/dasbor"  # the token leaves the address bar
        cookie = opened.headers["set-cookie"].lower()
        for part in ("dasbor_sesi=", "httponly", "samesite=lax", "path=/dasbor", "max-age=28800"):
            assert part in cookie, cookie
        assert "secure" not in cookie  # WEB_BASE_URL is http here

        page = await client.get("/dasbor")
        assert page.status_code == 200
        assert '<html lang="id">' in page.text
        assert "Ringkasan" in page.text and "Keluar" in page.text

    async with browser(bot) as again:
        reused = await again.get(path_of(link))
        assert reused.status_code == 400
        assert "sudah dipakai" in reused.text and "/dasbor" in reused.text
        assert "set-cookie" not in reused.headers

    stored = await db_of(bot).fetchall("SELECT token_hash FROM web_logins")
    assert [len(r["token_hash"]) for r in stored] == [64]
    assert path_of(link).rsplit("/", 1)[1] not in str([dict(r) for r in stored])


async def test_a_link_expires_after_ten_minutes(
    sim: BotApiSimulator, bot: BotRunner, clock: FixedClock
) -> None:
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    late = await link_from_bot(admin)
    in_time = await link_from_bot(admin)
    clock.advance(minutes=9, seconds=59)
    async with browser(bot) as client:
        assert (await client.get(path_of(in_time))).status_code == 303
    clock.advance(seconds=1)
    async with browser(bot) as client:
        expired = await client.get(path_of(late))
        assert expired.status_code == 400
        assert "tidak berlaku lagi" in expired.text
        assert (await client.get("/dasbor")).status_code == 303


async def test_without_a_session_the_page_says_how_to_get_in(bot: BotRunner) -> None:
    async with browser(bot) as client:
        for path in ("/dasbor", "/dasbor/audit", "/dasbor/pendaftar"):
            response = await client.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"] == "/dasbor/masuk"
        client.cookies.set("dasbor_sesi", "made-up", path="/dasbor")
        assert (await client.get("/dasbor")).status_code == 303
        landing = await client.get("/dasbor/masuk")
        assert landing.status_code == 200
        assert "minta tautan baru lewat /dasbor" in landing.text
        assert "Keluar" not in landing.text
        bogus = await client.get("/dasbor/masuk/not-a-token")
        assert bogus.status_code == 400


async def test_a_session_ends_after_its_hours_and_on_keluar(
    sim: BotApiSimulator, bot: BotRunner, clock: FixedClock
) -> None:
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        clock.advance(hours=7, minutes=59)
        assert (await client.get("/dasbor")).status_code == 200
        clock.advance(minutes=1)
        assert (await client.get("/dasbor")).status_code == 303

    async with logged_in(bot, admin) as client:
        clock.advance(hours=8)
        # htmx polling a progress box after the session ended: the whole window goes to
        # the login page (HX-Redirect), not the login page into the box.
        polled = await client.get("/dasbor/pengumuman", headers={"HX-Request": "true"})
        assert (polled.status_code, polled.headers.get("HX-Redirect")) == (401, "/dasbor/masuk")
        assert "location" not in polled.headers and polled.text == ""

    async with logged_in(bot, admin) as client:
        token = csrf_token((await client.get("/dasbor")).text)
        out = await client.post("/dasbor/keluar", data={"csrf_token": token})
        assert out.status_code == 303
        assert out.headers["location"] == "/dasbor/masuk"
        assert (await client.get("/dasbor")).status_code == 303


async def test_a_removed_staff_member_loses_every_session_at_once(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await add_staff(bot, STAFF_ID)
    staff = sim.user(STAFF_ID, first_name="Staf", language_code="id")
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    unused = await link_from_bot(staff)
    async with logged_in(bot, staff) as laptop, logged_in(bot, staff) as phone:
        assert (await laptop.get("/dasbor")).status_code == 200
        assert (await phone.get("/dasbor")).status_code == 200
        await say(admin, f"/staf hapus {STAFF_ID}")
        assert (await laptop.get("/dasbor")).status_code == 303
        # Given the role back, the old sessions stay ended.
        await say(admin, f"/staf tambah {STAFF_ID}")
        assert (await phone.get("/dasbor")).status_code == 303
        assert (await laptop.get("/dasbor")).status_code == 303
    await say(admin, f"/staf hapus {STAFF_ID}")
    async with browser(bot) as client:  # a link sent before the removal opens nothing
        assert (await client.get(path_of(unused))).status_code == 400
    assert await sim.user(STAFF_ID).send("/dasbor") is not None
    await staff.wait_idle(quiet=0.2, timeout=10)
    assert "/dasbor/masuk/" not in staff.chat.messages[-1].text  # no link for non-staff


async def test_a_form_without_the_sessions_token_is_refused(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        token = csrf_token((await client.get("/dasbor")).text)
        missing = await client.post("/dasbor/keluar", data={})
        wrong = await client.post("/dasbor/keluar", data={"csrf_token": token[:-2] + "xx"})
        elsewhere = await client.post(
            "/dasbor/keluar", data={"csrf_token": token}, headers={"Origin": "https://evil.test"}
        )
        # Chromium's "Origin: null" (the pages' no-referrer policy) does not stand for a token.
        hidden = await client.post("/dasbor/keluar", data={}, headers={"Origin": "null"})
        for refused in (missing, wrong, elsewhere, hidden):
            assert refused.status_code == 403
            assert "tidak berasal dari halaman ini" in refused.text
        assert (await client.get("/dasbor")).status_code == 200  # still logged in
        # Another session's token is wrong too.
        async with logged_in(bot, admin) as other:
            theirs = csrf_token((await other.get("/dasbor")).text)
            assert theirs != token
            crossed = await client.post("/dasbor/keluar", data={"csrf_token": theirs})
            assert crossed.status_code == 403
        # The page's own form, as a browser sends it under no-referrer: Origin "null".
        own = await client.post(
            "/dasbor/keluar", data={"csrf_token": token}, headers={"Origin": "null"}
        )
        assert own.status_code == 303
        assert (await client.get("/dasbor")).status_code == 303  # logged out


async def test_admin_pages_are_refused_to_other_staff_in_their_language(
    sim: BotApiSimulator, bot: BotRunner
) -> None:
    await add_staff(bot, STAFF_ID)
    staff = sim.user(STAFF_ID, first_name="Staff", language_code="en")
    await say(staff, "/bahasa")
    await staff.tap("English")
    await staff.wait_idle(quiet=0.1, timeout=10)
    async with logged_in(bot, staff) as client:
        summary = await client.get("/dasbor")
        assert '<html lang="en">' in summary.text
        assert "Summary" in summary.text and "/dasbor/audit" not in summary.text
        audit = await client.get("/dasbor/audit")
        assert audit.status_code == 403
        assert "for admins only" in audit.text

    admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
    async with logged_in(bot, admin) as client:
        audit = await client.get("/dasbor/audit")
        assert audit.status_code == 200
        assert "Masuk ke halaman web staf" in audit.text
        assert "Meminta tautan masuk halaman web" in audit.text


async def test_on_https_the_link_is_the_public_address_and_the_cookie_secure(
    sim: BotApiSimulator, make_runner: RunnerFactory
) -> None:
    runner = make_runner(web_base_url="https://pmi.example.go.id")
    await runner.start()
    try:
        admin = sim.user(ADMIN_ID, first_name="Admin", language_code="id")
        link = await link_from_bot(admin)
        assert link.startswith("https://pmi.example.go.id/dasbor/masuk/")
        async with browser(runner) as client:  # the proxy passes the path on as it is
            opened = await client.get(path_of(link))
        assert opened.status_code == 303
        assert "; secure" in opened.headers["set-cookie"].lower()
    finally:
        await runner.stop()
