"""/webhooks/whatsapp on the running bot, driven by the WhatsApp simulator over HTTP:
Meta's verification, signatures checked before anything is read, each message handled
once (also after a restart), in order per person, and the statuses of the bot's messages."""

from __future__ import annotations

import asyncio
import json

import httpx

from bot.channels.incoming import Incoming, Kind
from bot.clock import FixedClock
from bot.runner import BotRunner
from bot.simulator_whatsapp import WhatsAppSimulator, signature
from bot.storage import whatsapp as store
from tests.conftest import RunnerFactory
from tests.helpers.whatsapp import VERIFY_TOKEN, Recorder, bot_settings
from tests.whatsapp.conftest import channel_of

RESIDENT = "6281234567890"


def hook_url(runner: BotRunner) -> str:
    assert runner.http is not None
    return runner.http.base_url + "/webhooks/whatsapp"


async def test_the_verification_challenge_needs_the_verify_token(wa_bot: BotRunner) -> None:
    def asking(**params: str) -> dict[str, str]:
        return {"hub.mode": "subscribe", "hub.challenge": "1158201444", **params}

    async with httpx.AsyncClient(trust_env=False) as http:
        right = await http.get(
            hook_url(wa_bot), params=asking(**{"hub.verify_token": VERIFY_TOKEN})
        )
        wrong = await http.get(hook_url(wa_bot), params=asking(**{"hub.verify_token": "guess"}))
        none = await http.get(hook_url(wa_bot), params=asking())
        other_mode = await http.get(
            hook_url(wa_bot),
            params=asking(**{"hub.verify_token": VERIFY_TOKEN, "hub.mode": "unsubscribe"}),
        )
    assert (right.status_code, right.text) == (200, "1158201444")
    assert [r.status_code for r in (wrong, none, other_mode)] == [403, 403, 403]
    assert "1158201444" not in wrong.text


async def test_without_whatsapp_the_path_is_not_there(bot: BotRunner) -> None:
    async with httpx.AsyncClient(trust_env=False) as http:
        post = await http.post(hook_url(bot), content=b"{}")
        get = await http.get(hook_url(bot), params={"hub.mode": "subscribe"})
    assert (post.status_code, get.status_code) == (404, 404)


async def test_a_resident_is_answered_by_the_conversation(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    """Through the webhook to the conversation and back: the first message gets the welcome
    and the consent; a reaction to it asks nothing and gets nothing."""
    siti = wa.user(RESIDENT, "Siti")
    await siti.send_text("Halo, saya mau daftar")
    welcome = await siti.next_message()
    assert welcome.text.startswith("Selamat datang di layanan pendaftaran *Pelatihan Calon")
    await channel_of(wa_bot).idle()
    assert siti.last.titles == ["Setuju", "Tidak setuju"]
    seen = len(siti.received)
    await siti.send_reaction(welcome.id, "🙏")
    await channel_of(wa_bot).idle()
    assert len(siti.received) == seen
    assert channel_of(wa_bot).counts["handled"] == 2


async def test_a_forged_delivery_is_refused_and_never_handled(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    channel = channel_of(wa_bot)
    recorder = channel.on_message = Recorder()
    message = {"from": RESIDENT, "id": "wamid.FORGED", "timestamp": "1764298800", "type": "text",
               "text": {"body": "halo"}}  # fmt: skip
    body = json.dumps(wa.envelope({"messages": [message]})).encode()
    answers = [
        await wa.post(body, {"X-Hub-Signature-256": signature(body, "not-the-app-secret")}),
        await wa.post(body, {}),
        await wa.post(body, {"X-Hub-Signature-256": "sha256=" + "0" * 64}),
        await wa.post(body + b" ", {"X-Hub-Signature-256": signature(body, wa.app_secret)}),
    ]
    await channel.idle()
    assert answers == [403, 403, 403, 403]
    assert recorder.taken == []
    assert channel.counts["forged"] == 4
    assert not await store.was_seen(channel.d.db, "wamid.FORGED")
    assert wa.users == {}  # nobody was answered


async def test_a_duplicate_is_handled_once(wa: WhatsAppSimulator, wa_bot: BotRunner) -> None:
    channel = channel_of(wa_bot)
    recorder = channel.on_message = Recorder()
    message_id = await wa.user(RESIDENT).send_text("daftar", duplicate=True)
    await wa.deliver_again()
    await channel.idle()
    assert [i.message_id for i in recorder.taken] == [message_id]
    assert channel.counts["duplicate"] == 2


async def test_a_duplicate_after_a_restart_is_handled_once(
    wa: WhatsAppSimulator, make_runner: RunnerFactory
) -> None:
    first = make_runner(**bot_settings(wa))
    await first.start()
    wa.webhook_url = hook_url(first)
    recorder = channel_of(first).on_message = Recorder()
    message_id = await wa.user(RESIDENT).send_text("daftar")
    await channel_of(first).idle()
    await first.stop()

    second = make_runner(**bot_settings(wa))
    await second.start()
    try:
        wa.webhook_url = hook_url(second)
        again = channel_of(second).on_message = Recorder()
        await wa.deliver_again()  # Meta was not sure the first delivery arrived
        await channel_of(second).idle()
        assert [i.message_id for i in recorder.taken] == [message_id]
        assert again.taken == []
        assert channel_of(second).counts["duplicate"] == 1
    finally:
        await second.stop()


async def test_a_failed_handling_is_not_handled_again(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    channel = channel_of(wa_bot)
    recorder = channel.on_message = Recorder(fail=True)
    await wa.user(RESIDENT).send_text("halo")
    await wa.deliver_again()
    await channel.idle()
    assert len(recorder.taken) == 1
    assert (channel.counts["failed"], channel.counts["duplicate"]) == (1, 1)


async def test_each_persons_messages_in_order_people_at_once(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    channel = channel_of(wa_bot)
    order: list[str] = []
    budi_done = asyncio.Event()
    waited: list[bool] = []

    async def conversation(incoming: Incoming) -> None:
        if incoming.text == "siti 1":  # Siti's first message takes long...
            try:
                await asyncio.wait_for(budi_done.wait(), 5)
                waited.append(True)
            except TimeoutError:
                waited.append(False)
        order.append(incoming.text)
        if incoming.text == "budi 3":
            budi_done.set()

    channel.on_message = conversation
    siti, budi = wa.user(RESIDENT, "Siti"), wa.user("6285700000001", "Budi")
    for n in range(1, 4):
        await siti.send_text(f"siti {n}")
        await budi.send_text(f"budi {n}")
    await channel.idle()
    assert waited == [True]  # ...and Budi's three were handled meanwhile
    assert order == ["budi 1", "budi 2", "budi 3", "siti 1", "siti 2", "siti 3"]


async def test_while_the_bot_stops_deliveries_wait_for_the_restart(
    wa: WhatsAppSimulator, make_runner: RunnerFactory
) -> None:
    first = make_runner(**bot_settings(wa))
    await first.start()
    wa.webhook_url = hook_url(first)
    assert first.app is not None
    await first.app.stop()  # the first step of a stop: the bot takes nothing more
    wa.webhook_retries = 0
    user = wa.user(RESIDENT)
    try:
        await user.send_text("halo")
    except Exception as refused:
        assert getattr(refused, "status", None) == 503
    else:
        raise AssertionError("a stopping bot took a delivery")
    await first.stop()
    second = make_runner(**bot_settings(wa))
    await second.start()
    try:
        wa.webhook_url = hook_url(second)
        recorder = channel_of(second).on_message = Recorder()
        value = {"contacts": [], "messages": [wa_message(RESIDENT, "wamid.LATER", "halo")]}
        await wa.deliver(value)  # Meta delivers it again later
        await channel_of(second).idle()
        assert [(i.message_id, i.kind, i.text) for i in recorder.taken] == [
            ("wamid.LATER", Kind.TEXT, "halo")
        ]
    finally:
        await second.stop()


def wa_message(sender: str, message_id: str, text: str) -> dict[str, object]:
    return {"from": sender, "id": message_id, "timestamp": "1764298800", "type": "text",
            "text": {"body": text}}  # fmt: skip


async def test_statuses_are_stored_furthest_first(wa: WhatsAppSimulator, wa_bot: BotRunner) -> None:
    channel = channel_of(wa_bot)
    db = channel.d.db
    siti = wa.user(RESIDENT)
    await siti.send_text("halo")
    reply = await siti.next_message()
    await wa.send_status(reply.id, "sent")
    await wa.send_status(reply.id, "read")
    await wa.send_status(reply.id, "delivered")  # late: read stays
    await channel.idle()
    stored = await store.status_of(db, reply.id)
    assert stored is not None and (stored.status, stored.error_code) == ("read", None)
    assert channel.counts["status_delivered"] == 1


async def test_a_failure_outside_the_window_is_stored_with_its_code(
    wa: WhatsAppSimulator, wa_bot: BotRunner
) -> None:
    channel = channel_of(wa_bot)
    await wa.user(RESIDENT).send_text("halo")
    wa.travel(25 * 3600)  # a day later: the window has closed
    late = await channel.client.text(RESIDENT, "Pengingat: wawancara besok")
    assert late.sent  # Meta takes it, and says later that it failed
    await wa.idle()
    await channel.idle()
    stored = await store.status_of(channel.d.db, late.message_id or "")
    assert stored is not None and (stored.status, stored.error_code) == ("failed", 131047)


async def test_unreachable_is_stored_as_131026(wa: WhatsAppSimulator, wa_bot: BotRunner) -> None:
    channel = channel_of(wa_bot)
    sent = await channel.client.text("6289900000000", "halo")  # not on WhatsApp
    await wa.idle()
    await channel.idle()
    stored = await store.status_of(channel.d.db, sent.message_id or "")
    assert stored is not None and (stored.status, stored.error_code) == ("failed", 131026)


async def test_seen_ids_are_forgotten_after_the_retention(
    wa: WhatsAppSimulator, wa_bot: BotRunner, clock: FixedClock
) -> None:
    channel = channel_of(wa_bot)
    channel.on_message = Recorder()
    old = await wa.user(RESIDENT).send_text("halo")
    await channel.idle()
    clock.advance(days=8, seconds=1)  # Meta retries for 7 days; the bot keeps ids for 8
    new = await wa.user(RESIDENT).send_text("lagi")  # the first message of the next day prunes
    await channel.idle()
    assert not await store.was_seen(channel.d.db, old)
    assert await store.was_seen(channel.d.db, new)
