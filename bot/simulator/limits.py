"""Flood control as Telegram applies it to bots: one overall window and a bucket per chat.

Telegram documents ~30 messages/s per bot overall, about 1 message/s per private chat with
short bursts tolerated, and 20 messages/min per group. It publishes no burst size, so the
per-chat buckets here are an assumption, kept configurable:
- overall: at most `global_rate` sends and edits in any sliding 1-second window;
- private chat: a token bucket of `chat_burst` (default 10) refilled at `chat_rate` (1/s),
  so a reply of a few messages passes while a sustained 2 messages/s is throttled;
- group (negative chat id): a bucket of 20 refilled at 20/min.
Only accepted calls consume capacity; a rejected call answers 429 with `retry_after` in whole
seconds (at least 1), as Telegram does.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

GROUP_BURST = 20
GROUP_RATE = 20 / 60


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class FloodControl:
    """Decides whether a send may go out now; `check` answers a retry_after or None."""

    def __init__(
        self, global_rate: float = 30.0, chat_burst: int = 10, chat_rate: float = 1.0
    ) -> None:
        self.global_rate = global_rate
        self.chat_burst = chat_burst
        self.chat_rate = chat_rate
        self._window: deque[float] = deque()
        self._buckets: dict[int, _Bucket] = {}

    def reset(self) -> None:
        self._window.clear()
        self._buckets.clear()

    def check(
        self, now: float, chat_id: int | None, *, per_chat: bool, overall: bool
    ) -> int | None:
        """Admit one send at `now` (monotonic seconds) or return seconds to wait."""
        if overall:
            window = self._window
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= max(1, int(self.global_rate)):
                return _whole_seconds(window[0] + 1.0 - now)
        bucket = None
        if per_chat and chat_id is not None:
            burst, rate = self._chat_limits(chat_id)
            bucket = self._buckets.get(chat_id)
            if bucket is None:
                bucket = self._buckets[chat_id] = _Bucket(float(burst), now)
            else:
                bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
                bucket.updated = now
            if bucket.tokens < 1.0:
                return _whole_seconds((1.0 - bucket.tokens) / rate)
        if overall:
            self._window.append(now)
        if bucket is not None:
            bucket.tokens -= 1.0
        return None

    def _chat_limits(self, chat_id: int) -> tuple[int, float]:
        if chat_id < 0:
            return GROUP_BURST, GROUP_RATE
        return self.chat_burst, self.chat_rate


def _whole_seconds(delay: float) -> int:
    return max(1, math.ceil(delay))
