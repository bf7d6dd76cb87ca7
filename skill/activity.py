"""A step under way: its plan anchored in session time, which beat comes next, and pauses."""

from __future__ import annotations

from dataclasses import dataclass

from skill.plan import Beat, Plan, plan_step
from skill.prompts import Prompts
from skill.routine import Step


@dataclass
class Activity:
    """One step being run. `origin` is the session time of the plan's offset 0.

    Pausing never touches the plan: resuming moves `origin` later by the time spent paused,
    so the remaining time of whatever was running is kept exactly.
    """

    step: Step
    index: int
    """The step's position in the routine (for a tender-spot hold, the step it interrupted)."""
    plan: Plan
    origin: float
    next_beat: int = 0
    extra: float = 0.0
    """Seconds added to the hold by "longer"."""
    frozen_at: float | None = None

    @classmethod
    def begin(cls, step: Step, index: int, prompts: Prompts, speed: float, at: float) -> Activity:
        return cls(step, index, plan_step(step, prompts, speed), origin=at)

    def due(self) -> float:
        """Session time of the next beat."""
        return self.origin + self.plan.beats[self.next_beat].offset

    def take_beat(self) -> Beat:
        beat = self.plan.beats[self.next_beat]
        self.next_beat += 1
        return beat

    def elapsed(self, now: float) -> float:
        """Seconds of the plan that have run, not counting time spent frozen."""
        return (self.frozen_at if self.frozen_at is not None else now) - self.origin

    def remaining(self, now: float) -> float:
        """Seconds until the step is over."""
        return max(0.0, self.plan.length - self.elapsed(now))

    def active_remaining(self, now: float) -> float | None:
        """Seconds left in the timed part, or None when there is no timed part ahead."""
        if self.plan.active_to <= self.plan.active_from:
            return None
        elapsed = self.elapsed(now)
        if elapsed >= self.plan.active_to:
            return None
        return self.plan.active_to - max(elapsed, self.plan.active_from)

    def in_opening(self, now: float) -> bool:
        """Still being explained: nothing timed has happened yet."""
        return self.next_beat <= 1 and self.elapsed(now) < self.plan.active_from

    def freeze(self, now: float) -> None:
        if self.frozen_at is None:
            self.frozen_at = now

    def thaw(self, now: float) -> None:
        if self.frozen_at is not None:
            self.origin += now - self.frozen_at
            self.frozen_at = None

    def restart(self, now: float) -> None:
        """From the top, as if it had just begun."""
        self.origin, self.next_beat, self.frozen_at = now, 0, None

    def replan(self, prompts: Prompts, speed: float, now: float, *, keep_last_beat: bool) -> None:
        """New pace or length, carrying on from the same beat.

        With `keep_last_beat` (a new pace) the origin moves so that the last beat said keeps its
        time, and counting goes on from the last number at the new pace. Without it (a longer
        hold) the origin stays, so what has been held counts and only later beats move.
        """
        new = plan_step(self.step, prompts, speed, self.extra)
        if keep_last_beat and self.next_beat > 0:
            last = self.next_beat - 1
            self.origin += self.plan.beats[last].offset - new.beats[last].offset
        self.plan = new
        # A faster pace can bring the next beat into the past: it is due now, not before.
        if self.next_beat < len(new.beats):
            reference = self.frozen_at if self.frozen_at is not None else now
            self.origin = max(self.origin, reference - new.beats[self.next_beat].offset)
