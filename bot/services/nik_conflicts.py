"""Deciding whose NIK it is when two submitted registrations carry the same one.

The later registration was kept, with its number and its place, but without the NIK (see
bot/storage/applicants.py, submit). Staff compare both with the person's KTP and say whose
NIK it is; the other registration loses it, is flagged for staff, and its owner is asked to
check their NIK. Knows nothing of Telegram: the handler tells the people concerned.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.deps import Deps
from bot.services.roles import audit, now_iso
from bot.storage import applicants as repo
from bot.storage import nik_conflicts as store
from bot.storage.applicants import Applicant
from bot.storage.nik_conflicts import Conflict

FLAG_WAITING = "nik_conflict"  # a registration held without its NIK until staff decide
FLAG_REMOVED = "nik_removed"  # staff found the NIK to be someone else's


@dataclass(frozen=True)
class Case:
    conflict: Conflict
    holder: Applicant
    claimant: Applicant

    @property
    def nik(self) -> str:
        return str(self.holder.nik or "")


async def open_cases(d: Deps, actor_id: int) -> list[Case]:
    """The conflicts still to decide (audited: they show two people's data). Those where
    nothing is left to decide are closed on the way."""
    cases = []
    for conflict in await store.open_conflicts(d.db):
        case = await _case(d, conflict)
        if case is None:
            await store.withdraw(d.db, conflict.id, at=now_iso(d))
        else:
            cases.append(case)
    targets = ",".join(f"#{c.conflict.id}" for c in cases)
    await audit(d, actor_id, "nik_conflict", targets or None, {"open": len(cases)})
    return cases


async def _case(d: Deps, conflict: Conflict) -> Case | None:
    holder = await repo.get(d.db, conflict.holder_id)
    claimant = await repo.get(d.db, conflict.claimant_id)
    if holder is None or claimant is None or not holder.nik or not claimant.submitted:
        return None
    if claimant.answers.get("nik") != holder.nik:
        return None
    return Case(conflict, holder, claimant)


class Problem(StrEnum):
    UNKNOWN = "unknown"  # no such open conflict
    NOT_A_PARTY = "not_a_party"  # the registration number is neither of the two


@dataclass(frozen=True)
class Decided:
    case: Case
    owner: Applicant
    loser: Applicant


async def decide(d: Deps, actor_id: int, conflict_id: int, owner_reg_no: str) -> Decided | Problem:
    """The NIK is ``owner_reg_no``'s: the other registration loses it and is flagged."""
    conflict = await store.get(d.db, conflict_id)
    case = await _case(d, conflict) if conflict and conflict.status == "open" else None
    if case is None:
        return Problem.UNKNOWN
    wanted = owner_reg_no.strip().upper()
    if wanted not in (case.holder.reg_no, case.claimant.reg_no):
        return Problem.NOT_A_PARTY
    claimant_owns = wanted == case.claimant.reg_no
    if not await store.decide(
        d.db, case.conflict, claimant_owns=claimant_owns, nik=case.nik, actor_id=actor_id,
        at=now_iso(d),
    ):  # fmt: skip
        return Problem.UNKNOWN
    owner, loser = (case.claimant, case.holder) if claimant_owns else (case.holder, case.claimant)
    await _flag(d, owner, remove=(FLAG_WAITING, FLAG_REMOVED))
    await _flag(d, loser, remove=(FLAG_WAITING,), add=FLAG_REMOVED)
    if claimant_owns:  # stored by store.decide; the objects follow
        loser.nik, owner.nik = None, case.nik
    await audit(
        d, actor_id, "nik_conflict", f"#{conflict_id}",
        {"owner": owner.reg_no or "", "not": loser.reg_no or ""},
    )  # fmt: skip
    return Decided(case, owner, loser)


async def _flag(d: Deps, a: Applicant, *, remove: tuple[str, ...], add: str | None = None) -> None:
    flags = [f for f in a.staff_flags if f not in remove]
    if add and add not in flags:
        flags.append(add)
    if flags != a.staff_flags:
        await repo.update(d.db, a, staff_flags=flags)
