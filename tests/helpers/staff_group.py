"""The staff supergroup the questions' tests use."""

from __future__ import annotations

GROUP = -1_001_234_567_890
