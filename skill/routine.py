"""The routine as the dialogue sees it: sections, steps and screening, sides already mirrored."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StepKind(StrEnum):
    """How a step is paced."""

    INSTRUCTION = "instruction"  # said, then a short settle (or a wait for "ready")
    TIMED = "timed"  # an activity for `seconds`, a mid-point cue when it is long
    REPS = "reps"  # `count` repetitions, counted aloud every `pace` seconds
    HOLD = "hold"  # still pressure for `seconds`, with countdown cues
    STRETCH = "stretch"  # `count` stretches of `seconds` each, `pace` seconds of rest between


class Cue(StrEnum):
    """A short non-verbal sound; names are what the transcript and the text console show."""

    START = "start"
    HALFWAY = "halfway"
    LAST_SECONDS = "last_seconds"
    END = "end"
    SWITCH_SIDE = "switch_side"


SIDES = ("right", "left")


def other_side(side: str) -> str:
    """The side opposite `side`: stretching the right side means tilting toward the left."""
    return SIDES[1] if side == SIDES[0] else SIDES[0]


@dataclass(frozen=True)
class Step:
    """One action, with its side filled in; `id` is unique across the expanded routine."""

    id: str
    kind: StepKind
    say: tuple[str, ...]
    section: str
    section_title: str
    side: str | None = None
    lead: tuple[str, ...] = ()
    """Said before `say` when the step opens a section or a side (danger zones, side switch)."""
    lead_cue: Cue | None = None
    seconds: float = 0.0
    count: int = 0
    pace: float = 0.0
    settle: float = 3.0
    """Seconds of quiet after an instruction before the coach goes on."""
    wait: bool = False
    """An instruction that waits for "ready" (a gentle prompt, then it goes on anyway)."""
    halfway: tuple[str, ...] = ()
    """Said with the halfway cue of a timed step or hold."""
    end: tuple[str, ...] = ()
    """Said with the end cue of a timed step, hold or count."""
    again: tuple[str, ...] = ()
    """Shorter words used instead of `say` on the second side, once the first has been done."""


@dataclass(frozen=True)
class Question:
    """A screening question: "yes" means the coach must not guide the massage."""

    ask: tuple[str, ...]
    if_yes: tuple[str, ...]


@dataclass(frozen=True)
class Routine:
    """A validated routine, ready to run."""

    name: str
    source: str
    disclaimer: tuple[str, ...]
    screening: tuple[Question, ...]
    steps: tuple[Step, ...]
    wrap_up_from: int
    """Index of the first step of the closing section: where the 30-minute cap jumps to."""

    def index_of(self, step_id: str) -> int:
        """The position of a step by id; raises KeyError for an unknown id."""
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        raise KeyError(step_id)

    def next_section_start(self, index: int) -> int:
        """The first step after the section that holds step `index` (len(steps) at the end)."""
        section = self.steps[index].section
        for later in range(index + 1, len(self.steps)):
            if self.steps[later].section != section:
                return later
        return len(self.steps)
