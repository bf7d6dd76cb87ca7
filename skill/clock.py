"""Clocks: the real monotonic one, and a virtual one that jumps straight to the next deadline."""

from __future__ import annotations

import time


class MonotonicClock:
    """Real time. Deadlines are absolute readings of this clock, so waits never accumulate error."""

    def now(self) -> float:
        return time.monotonic()


class VirtualClock:
    """Time that moves only when told to: a 20-minute session runs in a blink."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance_to(self, when: float) -> None:
        """Move forward to `when`; a time in the past leaves the clock where it is."""
        self._now = max(self._now, when)
