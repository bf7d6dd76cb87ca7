"""Turns a step into a timeline of beats (what to say or cue, and when) at a given pace."""

from __future__ import annotations

from dataclasses import dataclass

from skill.prompts import Prompts
from skill.routine import Cue, Step, StepKind

WORDS_PER_SECOND = 2.5
"""A calm speaking pace (150 words a minute) at speed 1.0; used to estimate speech time."""
SENTENCE_GAP = 0.3
"""The breath a voice takes between sentences."""
AFTER_SPEECH = 0.5
"""Quiet between the end of an explanation and the start of the timed part."""
AFTER_END = 1.5
"""Quiet after a timed part ends, before the next step begins."""
READY_WAIT = 12.0
"""How long a step that waits for "ready" waits after its gentle prompt before going on."""
LAST_SECONDS = 10.0
"""Holds of 20 seconds or more announce their last this-many seconds."""


def speaking_seconds(sentences: tuple[str, ...], speed: float) -> float:
    """An estimate of how long the sentences take to say; speech time is part of the pacing."""
    if not sentences:
        return 0.0
    words = sum(len(sentence.split()) for sentence in sentences)
    return words / (WORDS_PER_SECOND * speed) + SENTENCE_GAP * len(sentences)


@dataclass(frozen=True)
class Beat:
    """Something to say or cue at `offset` seconds after the step began."""

    offset: float
    say: tuple[str, ...] = ()
    cue: Cue | None = None
    done: bool = False
    """The step is over at this beat; the next one begins."""


@dataclass(frozen=True)
class Plan:
    """A step's beats in time order; the timed part runs from `active_from` to `active_to`."""

    beats: tuple[Beat, ...]
    active_from: float
    active_to: float

    @property
    def length(self) -> float:
        return self.beats[-1].offset


def plan_step(step: Step, prompts: Prompts, speed: float = 1.0, extra: float = 0.0) -> Plan:
    """The timeline of `step` at `speed` (1.0 is normal), its hold lengthened by `extra` seconds.

    The number of beats never depends on speed or extra, so a step already under way can be
    re-planned at a new pace and carry on from the same beat.
    """
    opening = step.lead + step.say
    beats = [Beat(0.0, opening, step.lead_cue)]
    start = speaking_seconds(opening, speed) + AFTER_SPEECH
    if step.kind is StepKind.INSTRUCTION:
        after = start + step.settle
        if step.wait:
            ready = prompts.say("ready_prompt")
            beats.append(Beat(after, ready))
            after += speaking_seconds(ready, speed) + READY_WAIT
        beats.append(Beat(after, done=True))
        return Plan(tuple(beats), start, start)
    if step.kind in (StepKind.TIMED, StepKind.HOLD):
        end = start + step.seconds + extra
        beats.append(Beat(start, (), Cue.START))
        if step.seconds >= (60 if step.kind is StepKind.TIMED else 40):
            beats.append(
                Beat((start + end) / 2, step.halfway or prompts.say("halfway"), Cue.HALFWAY)
            )
        if step.kind is StepKind.HOLD and step.seconds >= 2 * LAST_SECONDS:
            beats.append(
                Beat(
                    end - LAST_SECONDS,
                    prompts.say("last_seconds", seconds=round(LAST_SECONDS)),
                    Cue.LAST_SECONDS,
                )
            )
        closing = step.end or prompts.say("hold_end" if step.kind is StepKind.HOLD else "timed_end")
    elif step.kind is StepKind.REPS:
        interval = step.pace / speed
        beats.extend(Beat(start + i * interval, (prompts.numbers[i],)) for i in range(step.count))
        end = start + step.count * interval
        closing = step.end or prompts.say("reps_end")
    else:
        end = start
        for i in range(step.count):
            beats.append(Beat(end, prompts.say("stretch_in", number=prompts.numbers[i]), Cue.START))
            beats.append(Beat(end + step.seconds / speed, prompts.say("stretch_out")))
            end += (step.seconds + step.pace) / speed
        closing = step.end or prompts.say("reps_end")
    beats.append(Beat(end, closing, Cue.END))
    beats.append(Beat(end + speaking_seconds(closing, speed) + AFTER_END, done=True))
    return Plan(tuple(beats), start, end)


def routine_seconds(steps: tuple[Step, ...], prompts: Prompts, speed: float = 1.0) -> float:
    """How long these steps take with no commands at all."""
    return sum(plan_step(step, prompts, speed).length for step in steps)
