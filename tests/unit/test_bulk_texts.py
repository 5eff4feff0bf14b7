"""Every outcome, skip, reach, state and refusal of a bulk action has its sentence in both
languages (the pages build these keys from the enums' values)."""

from __future__ import annotations

import pytest

from bot.i18n import load_catalog
from bot.services.bulk import JobState, Reach, Result, Skip
from bot.web.dashboard.bulk_form import Refusal

KEYS = (
    [f"web.bulk.result.{r.value}" for r in Result]
    + [f"web.bulk.skip.{s.value}" for s in Skip]
    + [f"web.bulk.reach.{r.value}" for r in Reach if r is not Reach.TOLD]
    + [f"web.bulk.state.{s.value}" for s in JobState]
    + [f"web.bulk.err.{r.value}" for r in Refusal]
)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_value_has_its_sentence(locale: str) -> None:
    catalog = load_catalog(locale)
    assert [k for k in KEYS if not catalog.singular.get(k)] == []
