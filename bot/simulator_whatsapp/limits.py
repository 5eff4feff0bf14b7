"""Meta's throughput limits for one business phone number, as the simulator applies them.

- Throughput: 80 messages a second per number (Cloud API's default; more only after Meta
  raises it), counted over any sliding second; beyond it, error 130429.
- Pair rate: one number may send a burst to one person, then about one message every 6
  seconds (Meta: "1 message every 6 seconds ... bursts up to 45 messages"); beyond it,
  error 131056. A token bucket of 45 refilled at 1/6 a second.
Only accepted messages count, as at Meta.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

THROUGHPUT = 80
PAIR_BURST = 45
PAIR_RATE = 1 / 6


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class Throughput:
    """Sends admitted in the last second, for one number."""

    def __init__(self, per_second: int = THROUGHPUT) -> None:
        self.per_second = per_second
        self._window: deque[float] = deque()
        self.peak = 0  # the most ever admitted within one second: benchmarks read it

    def full(self, now: float) -> bool:
        window = self._window
        while window and window[0] <= now - 1.0:
            window.popleft()
        return len(window) >= self.per_second

    def admit(self, now: float) -> bool:
        if self.full(now):
            return False
        self._window.append(now)
        self.peak = max(self.peak, len(self._window))
        return True


class PairRate:
    """A bucket per recipient: a burst, then one message every 6 seconds."""

    def __init__(self, burst: int = PAIR_BURST, rate: float = PAIR_RATE) -> None:
        self.burst = burst
        self.rate = rate
        self._buckets: dict[str, _Bucket] = {}

    def admit(self, recipient: str, now: float) -> bool:
        bucket = self._buckets.get(recipient)
        if bucket is None:
            bucket = self._buckets[recipient] = _Bucket(float(self.burst), now)
        else:
            bucket.tokens = min(
                float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate
            )
            bucket.updated = now
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True
