"""Placeholder until the feature lands; reported as not available, never faked."""

from __future__ import annotations

from scripts.bench.report import Result, not_available


async def run(**_sizes: int) -> Result:
    return not_available("staff", "the feature is not in the code yet")
