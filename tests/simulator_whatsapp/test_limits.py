"""The simulator refuses what Meta refuses, with Meta's codes: one test per limit."""

from __future__ import annotations

from typing import Any

import pytest

from bot.simulator_whatsapp import WhatsAppSimulator
from tests.helpers.whatsapp import Graph, Receiver, error_code, rows

RESIDENT = "6281234567890"


@pytest.fixture
async def resident(wa: WhatsAppSimulator, hook: Receiver) -> str:
    """A resident who just wrote: their 24-hour window is open."""
    await wa.user(RESIDENT, "Siti").send_text("halo")
    return RESIDENT


async def test_a_wrong_token_is_190_and_nothing_is_sent(
    wa: WhatsAppSimulator, graph: Graph, resident: str
) -> None:
    response = await graph.send(
        {"to": resident, "type": "text", "text": {"body": "x"}}, token="not-the-token"
    )
    assert response.status_code == 401
    error = response.json()["error"]
    assert (error["code"], error["type"]) == (190, "OAuthException")
    assert wa.users[resident].received == []


async def test_another_phone_number_id_is_unknown(graph: Graph, resident: str) -> None:
    response = await graph.send(
        {"to": resident, "type": "text", "text": {"body": "x"}}, phone_id="999"
    )
    assert (response.status_code, error_code(response)) == (400, 100)


async def test_text_up_to_4096_characters(
    wa: WhatsAppSimulator, graph: Graph, resident: str
) -> None:
    assert (await graph.text(resident, "a" * 4096)).status_code == 200
    response = await graph.text(resident, "a" * 4097)
    assert error_code(response) == 131009
    assert "4097" in response.json()["error"]["error_data"]["details"]
    assert [r.text for r in wa.users[resident].received] == ["a" * 4096]


async def test_empty_text_is_missing(graph: Graph, resident: str) -> None:
    assert error_code(await graph.text(resident, "")) == 131008


async def test_reply_buttons_one_to_three(
    wa: WhatsAppSimulator, graph: Graph, resident: str
) -> None:
    assert error_code(await graph.buttons(resident, [])) == 131008
    assert error_code(await graph.buttons(resident, ["A", "B", "C", "D"])) == 131009
    assert (await graph.buttons(resident, ["Ya", "Tidak", "Nanti"])).status_code == 200
    assert wa.users[resident].last.titles == ["Ya", "Tidak", "Nanti"]


async def test_button_title_at_most_20_characters(graph: Graph, resident: str) -> None:
    assert (await graph.buttons(resident, ["x" * 20])).status_code == 200
    assert error_code(await graph.buttons(resident, ["x" * 21])) == 131009


async def test_button_ids_and_titles_unique(graph: Graph, resident: str) -> None:
    assert error_code(await graph.buttons(resident, ["A", "B"], ids=["same", "same"])) == 131009
    assert error_code(await graph.buttons(resident, ["Sama", "Sama"])) == 131009


async def test_interactive_body_at_most_1024(graph: Graph, resident: str) -> None:
    assert (await graph.buttons(resident, ["Ya"], body="b" * 1024)).status_code == 200
    assert error_code(await graph.buttons(resident, ["Ya"], body="b" * 1025)) == 131009


async def test_list_at_most_10_rows_in_all(
    wa: WhatsAppSimulator, graph: Graph, resident: str
) -> None:
    ten = [{"title": "Satu", "rows": rows(6)}, {"title": "Dua", "rows": rows(4, title="Lain")}]
    ten[1]["rows"] = [dict(r, id="x" + r["id"]) for r in ten[1]["rows"]]
    assert (await graph.list_message(resident, ten)).status_code == 200
    assert wa.users[resident].last.is_list
    assert len(wa.users[resident].last.choices) == 10
    eleven = [{"title": "Satu", "rows": rows(6)}, {"title": "Dua", "rows": rows(5, title="L")}]
    eleven[1]["rows"] = [dict(r, id="x" + r["id"]) for r in eleven[1]["rows"]]
    response = await graph.list_message(resident, eleven)
    assert error_code(response) == 131009
    assert "11 rows" in response.json()["error"]["error_data"]["details"]


@pytest.mark.parametrize(
    ("field", "limit"),
    [("title", 24), ("description", 72)],
)
async def test_row_title_and_description(
    graph: Graph, resident: str, field: str, limit: int
) -> None:
    def section(length: int) -> list[dict[str, Any]]:
        row = {"id": "r", "title": "Judul", field: "d" * length}
        return [{"rows": [row]}]

    assert (await graph.list_message(resident, section(limit))).status_code == 200
    assert error_code(await graph.list_message(resident, section(limit + 1))) == 131009


async def test_section_title_at_most_24_and_needed_with_two_sections(
    graph: Graph, resident: str
) -> None:
    def two(title: str | None) -> list[dict[str, Any]]:
        first: dict[str, Any] = {"rows": [{"id": "a", "title": "A"}]}
        if title is not None:
            first["title"] = title
        return [first, {"title": "Dua", "rows": [{"id": "b", "title": "B"}]}]

    assert (await graph.list_message(resident, two("s" * 24))).status_code == 200
    assert error_code(await graph.list_message(resident, two("s" * 25))) == 131009
    assert error_code(await graph.list_message(resident, two(None))) == 131008


async def test_list_button_text_at_most_20(graph: Graph, resident: str) -> None:
    one = [{"rows": rows(1)}]
    assert (await graph.list_message(resident, one, button="b" * 20)).status_code == 200
    assert error_code(await graph.list_message(resident, one, button="b" * 21)) == 131009


async def test_list_row_ids_unique(graph: Graph, resident: str) -> None:
    twice = [{"rows": [{"id": "r", "title": "A"}, {"id": "r", "title": "B"}]}]
    assert error_code(await graph.list_message(resident, twice)) == 131009


@pytest.mark.parametrize("part", ["header", "footer"])
async def test_header_and_footer_at_most_60(graph: Graph, resident: str, part: str) -> None:
    one = [{"rows": rows(1)}]
    assert (await graph.list_message(resident, one, **{part: "h" * 60})).status_code == 200
    assert error_code(await graph.list_message(resident, one, **{part: "h" * 61})) == 131009


async def test_not_a_phone_number_is_refused(graph: Graph, hook: Receiver) -> None:
    assert error_code(await graph.text("0812-abc", "halo")) == 100


async def test_free_form_outside_the_window_fails_with_131047(
    wa: WhatsAppSimulator, graph: Graph, resident: str, hook: Receiver
) -> None:
    wa.travel(24 * 3600 + 1)
    response = await graph.text(resident, "pengingat")
    assert response.status_code == 200  # Meta takes it, then reports the failure
    message_id = response.json()["messages"][0]["id"]
    await wa.idle()
    assert [(s["id"], s["status"], s["errors"][0]["code"]) for s in hook.statuses()] == [
        (message_id, "failed", 131047)
    ]
    assert wa.users[resident].received == []


async def test_inside_the_window_a_text_arrives(
    wa: WhatsAppSimulator, graph: Graph, resident: str, hook: Receiver
) -> None:
    wa.travel(23 * 3600)
    assert (await graph.text(resident, "pengingat")).status_code == 200
    assert wa.users[resident].last.text == "pengingat"
    assert hook.statuses() == []


async def test_someone_not_on_whatsapp_fails_with_131026(
    wa: WhatsAppSimulator, graph: Graph, hook: Receiver
) -> None:
    response = await graph.text("6289999999999", "halo")
    message_id = response.json()["messages"][0]["id"]
    await wa.idle()
    assert [(s["id"], s["errors"][0]["code"]) for s in hook.statuses()] == [(message_id, 131026)]


async def test_a_blocked_business_fails_with_131026(
    wa: WhatsAppSimulator, graph: Graph, resident: str, hook: Receiver
) -> None:
    wa.users[resident].blocked = True
    await graph.text(resident, "halo")
    await wa.idle()
    assert [s["errors"][0]["code"] for s in hook.statuses()] == [131026]


async def test_only_approved_templates_with_their_parameters(
    wa: WhatsAppSimulator, graph: Graph, resident: str, hook: Receiver
) -> None:
    wa.add_template("pengingat_jadwal", "id", "Halo {{1}}, jadwal Anda {{2}}.")
    wa.add_template("menunggu", "id", "Belum disetujui {{1}}.", status="PENDING")
    wa.travel(3 * 24 * 3600)  # a template needs no open window
    ok = await graph.template(resident, "pengingat_jadwal", "id", ["Siti", "Senin"])
    assert ok.status_code == 200
    assert ok.json()["messages"][0]["message_status"] == "accepted"
    assert wa.users[resident].last.text == "Halo Siti, jadwal Anda Senin."
    assert error_code(await graph.template(resident, "pengingat_jadwal", "id", ["Siti"])) == 132000
    assert (
        error_code(await graph.template(resident, "pengingat_jadwal", "en", ["a", "b"])) == 132001
    )
    assert error_code(await graph.template(resident, "tidak_ada", "id", [])) == 132001
    assert error_code(await graph.template(resident, "menunggu", "id", ["x"])) == 132001


async def test_80_messages_a_second_per_number(
    wa: WhatsAppSimulator, graph: Graph, hook: Receiver
) -> None:
    wa.monotonic = lambda: 1000.0  # one frozen second: the count, not the clock, is tested
    people = [f"62812000{n:05d}" for n in range(81)]
    for number in people:
        await wa.user(number).send_text("halo")
    answers = [await graph.text(number, "pengumuman") for number in people]
    assert [a.status_code for a in answers[:80]] == [200] * 80
    assert error_code(answers[80]) == 130429
    wa.monotonic = lambda: 1001.0  # the next second
    assert (await graph.text(people[80], "pengumuman")).status_code == 200
    assert wa.throughput.peak == 80


async def test_pair_rate_to_one_person(wa: WhatsAppSimulator, graph: Graph, resident: str) -> None:
    clock = [2000.0]
    wa.monotonic = lambda: clock[0]
    answers = [await graph.text(resident, f"pesan {n}") for n in range(46)]
    assert [a.status_code for a in answers[:45]] == [200] * 45
    assert error_code(answers[45]) == 131056
    clock[0] += 6  # one message every 6 seconds after the burst
    assert (await graph.text(resident, "lagi")).status_code == 200
    assert error_code(await graph.text(resident, "lagi")) == 131056


async def test_marking_as_read(wa: WhatsAppSimulator, graph: Graph, resident: str) -> None:
    response = await graph.send({"status": "read", "message_id": "wamid.X"})
    assert response.json() == {"success": True}
    assert wa.read_marks == ["wamid.X"]


async def test_the_phone_number_answers_with_its_name(wa: WhatsAppSimulator, graph: Graph) -> None:
    url = f"{wa.base_url}/{wa.phone_number_id}"
    good = await graph.client.get(url, headers={"Authorization": f"Bearer {wa.token}"})
    assert good.json()["verified_name"] == wa.verified_name
    bad = await graph.client.get(url, headers={"Authorization": "Bearer nope"})
    assert (bad.status_code, error_code(bad)) == (401, 190)
