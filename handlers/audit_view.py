"""The audit log as staff read it: one sentence per action, in their language and zone.

What is stored stays machine-readable (an action code, a target, a JSON detail of codes,
counts and UTC times: bot/services/roles.py audit()); the words are chosen here, at display.
An entry this module cannot read (an older free-text detail, an action added later) is
still shown, as its action name and stored detail.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, tzinfo
from html import escape
from typing import Any

from bot.domain.dates import format_date, format_datetime, stored_moment
from bot.domain.recipients import parse_filter
from bot.i18n import N_, _, ngettext
from bot.services.reminders import kind_label
from bot.storage.erase import ERASED_TARGET
from bot.storage.staff import AuditEntry
from handlers.broadcast_views import describe
from handlers.common import number

Detail = Mapping[str, Any]


def _text(key: str) -> str:
    """A catalog text, or the last part of the key when a value has no text (yet)."""
    text = _(key)
    return key.rsplit(".", 1)[-1] if text == key else text


def _recipients(filter_text: str) -> str:
    return describe(parse_filter(filter_text))


class _Reader:
    """Renders one entry; ``tz`` and ``locale`` are the reader's."""

    def __init__(self, entry: AuditEntry, detail: Detail, tz: tzinfo, locale: str) -> None:
        self.entry, self.detail, self.tz, self.locale = entry, detail, tz, locale
        self.target = escape(_target(entry.target) or "—")

    def when(self, iso: str) -> str:
        return format_datetime(stored_moment(iso, self.tz), self.locale)

    def role(self) -> str:
        keys = {"add": N_("audit.say.role.add"), "remove": N_("audit.say.role.remove")}
        return _(keys[self.detail["change"]]).format(user=self.target)

    def lookup(self) -> str:
        if self.detail.get("card"):
            return _("audit.say.lookup.card").format(who=self.target)
        found = int(self.detail["found"])
        by = {"reg_no": N_("audit.by.reg_no"), "reg_suffix": N_("audit.by.reg_suffix"),
              "nik": N_("audit.by.nik"), "name": N_("audit.by.name")}  # fmt: skip
        text = ngettext("audit.say.lookup", "audit.say.lookup", found).format(
            by=_(by[self.detail["by"]]), n=number(found)
        )
        # The typed query is never stored (it may be a NIK); who was found is.
        return text + (f" ({self.target})" if self.entry.target else "")

    def web_list(self) -> str:
        found = int(self.detail["found"])
        text = ngettext("audit.say.web_list", "audit.say.web_list", found).format(
            n=number(found), page=number(int(self.detail["page"]))
        )
        if self.detail.get("filter") and self.detail["filter"] != "semua":
            text += " · " + _recipients(str(self.detail["filter"]))
        return text

    def stage(self) -> str:
        text = _("audit.say.stage").format(
            reg_no=self.target,
            old=_text(f"stage.{self.detail['from']}") if self.detail["from"] else "—",
            new=_text(f"stage.{self.detail['to']}"),
        )
        return text + (" " + _("audit.say.with_note") if self.detail.get("note") else "")

    def note(self) -> str:
        return _("audit.say.note").format(reg_no=self.target)

    def export(self) -> str:
        rows = int(self.detail["rows"])
        text = ngettext("audit.say.export", "audit.say.export", rows).format(
            n=number(rows), format=escape(str(self.detail["format"]).upper())
        )
        if self.detail.get("filter"):
            text += " · " + _recipients(str(self.detail["filter"]))
        return "".join([text, *(" · " + part for part in self.web_scope())])

    def web_scope(self) -> list[str]:
        """What else narrowed an export from the web table (bot/web/dashboard/exports.py)."""
        d, parts = self.detail, []
        if d.get("pool"):
            parts.append(_("audit.say.scope.pool").format(pool=_text(f"web.list.pool.{d['pool']}")))
        source = d.get("source") or d.get("channel")  # "channel" in entries before kanal:
        if source:
            parts.append(_("audit.say.scope.source").format(source=escape(str(source))))
        for key, text in (("since", N_("audit.say.scope.since")),
                          ("until", N_("audit.say.scope.until"))):  # fmt: skip
            if d.get(key):
                day = format_date(date.fromisoformat(str(d[key])), self.locale)
                parts.append(_(text).format(date=day))
        if d.get("by"):
            parts.append(_("audit.say.scope.search").format(by=_(f"audit.by.{d['by']}")))
        return parts

    def stats(self) -> str:
        keys = {"text": N_("audit.say.stats.text"), "charts": N_("audit.say.stats.charts")}
        return _(keys[self.detail["view"]])

    def broadcast(self) -> str:
        change = self.detail["change"]
        if change == "send":
            n = int(self.detail["recipients"])
            return ngettext("audit.say.broadcast.send", "audit.say.broadcast.send", n).format(
                id=self.target, n=number(n), recipients=_recipients(str(self.detail["filter"]))
            )
        if change == "schedule":
            return _("audit.say.broadcast.schedule").format(
                id=self.target, when=self.when(str(self.detail["at"])),
                recipients=_recipients(str(self.detail["filter"])),
            )  # fmt: skip
        keys = {"discard": N_("audit.say.broadcast.discard"),
                "cancel": N_("audit.say.broadcast.cancel"),
                "resume": N_("audit.say.broadcast.resume")}  # fmt: skip
        return _(keys[change]).format(id=self.target)

    def schedule(self) -> str:
        key = N_("audit.say.schedule.moved") if self.detail.get("rescheduled") \
            else N_("audit.say.schedule")  # fmt: skip
        return _(key).format(
            kind=escape(kind_label(str(self.detail["kind"]))), reg_no=self.target,
            when=self.when(str(self.detail["at"])),
        )  # fmt: skip

    def schedule_cancel(self) -> str:
        return _("audit.say.schedule_cancel").format(
            kind=escape(kind_label(str(self.detail["kind"]))), reg_no=self.target
        )

    def schedule_csv(self) -> str:
        rows = int(self.detail["rows"])
        return ngettext("audit.say.schedule_csv", "audit.say.schedule_csv", rows).format(
            n=number(rows), moved=number(int(self.detail["rescheduled"]))
        )

    def bulk(self) -> str:
        d = self.detail
        n, skipped = int(d["people"]), number(int(d["skipped"]))
        if d["do"] == "tahap":
            return ngettext("audit.say.bulk.stage", "audit.say.bulk.stage", n).format(
                n=number(n), stage=_text(f"stage.{d['to']}"), skipped=skipped
            )
        return ngettext("audit.say.bulk.schedule", "audit.say.bulk.schedule", n).format(
            n=number(n), kind=escape(kind_label(str(d["kind"]))), when=self.when(str(d["at"])),
            every=number(int(d["every"])), skipped=skipped,
        )  # fmt: skip

    def agenda(self) -> str:
        events = int(self.detail["events"])
        day = format_date(date.fromisoformat(self.entry.target or ""), self.locale)
        return ngettext("audit.say.agenda", "audit.say.agenda", events).format(
            date=day, n=number(events)
        )

    def schedule_view(self) -> str:
        return _("audit.say.schedule_view").format(reg_no=self.target)

    def schedule_template(self) -> str:
        return _("audit.say.schedule_template")

    def nik_conflict(self) -> str:
        if "owner" in self.detail:
            return _("audit.say.nik_conflict.decided").format(
                id=self.target, owner=escape(_target(str(self.detail["owner"])) or ""),
                other=escape(_target(str(self.detail["not"])) or ""),
            )  # fmt: skip
        n = int(self.detail["open"])
        return ngettext("audit.say.nik_conflict.list", "audit.say.nik_conflict.list", n).format(
            n=number(n)
        )

    def question_close(self) -> str:
        return _("audit.say.question_close").format(
            id=int(self.detail["question"]), who=self.target
        )

    def erase(self) -> str:
        return _("audit.say.erase.hapus")

    def retention(self) -> str:
        d = self.detail
        return _("audit.say.retention").format(
            registered=number(int(d["registered"])), days=number(int(d["days"])),
            unfinished=number(int(d["unfinished"])), minors=number(int(d["minors"])),
            askers=number(int(d.get("askers", 0))),  # runs before askers were counted: 0
            incomplete_days=number(int(d["incomplete_days"])),
        )  # fmt: skip


_SENTENCES: dict[str, Callable[[_Reader], str]] = {
    "role": _Reader.role,
    "lookup": _Reader.lookup,
    "web_list": _Reader.web_list,
    "stage": _Reader.stage,
    "note": _Reader.note,
    "export": _Reader.export,
    "stats": _Reader.stats,
    "broadcast": _Reader.broadcast,
    "schedule": _Reader.schedule,
    "schedule_cancel": _Reader.schedule_cancel,
    "schedule_csv": _Reader.schedule_csv,
    "bulk": _Reader.bulk,
    "agenda": _Reader.agenda,
    "schedule_view": _Reader.schedule_view,
    "schedule_template": _Reader.schedule_template,
    "nik_conflict": _Reader.nik_conflict,
    "question_close": _Reader.question_close,
    "erase": _Reader.erase,
    "retention": _Reader.retention,
}


def _target(stored: str | None) -> str | None:
    """The stored target in words: a registration since erased (bot/storage/erase.py) says so."""
    if not stored:
        return stored
    words = (_("audit.erased_target") if t == ERASED_TARGET else t for t in stored.split(","))
    return ",".join(words)


def _stored_detail(text: str | None) -> Detail | None:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _as_stored(entry: AuditEntry) -> str:
    """An entry no sentence is known for: its action's name, stored detail and target."""
    text = escape(_text(f"audit.action.{entry.action}"))
    if entry.detail:
        text += f" ({escape(entry.detail)})"
    return text + (f" · {escape(_target(entry.target) or '')}" if entry.target else "")


def audit_sentence(entry: AuditEntry, tz: tzinfo, locale: str) -> str:
    """What the staff member did, as a sentence (HTML-safe)."""
    detail = _stored_detail(entry.detail)
    sentence = _SENTENCES.get(entry.action)
    if detail is None or sentence is None:
        return _as_stored(entry)
    try:
        return sentence(_Reader(entry, detail, tz, locale))
    except (KeyError, ValueError, TypeError):  # a detail written by an older version
        return _as_stored(entry)
