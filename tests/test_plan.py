"""Step timelines: what is said and cued when, at any pace and length."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skill import catalog
from skill.plan import AFTER_SPEECH, plan_step, speaking_seconds
from skill.routine import Cue, Step, StepKind

PROMPTS = catalog.load("neck").prompts
STEPS = catalog.load("neck").routine.steps


def _step(kind: StepKind, **fields: float) -> Step:
    return Step(
        id="x",
        kind=kind,
        say=("Do the thing.",),
        section="s",
        section_title="S",
        seconds=fields.get("seconds", 0.0),
        count=int(fields.get("count", 0)),
        pace=fields.get("pace", 0.0),
    )


def test_a_hold_is_cued_at_start_halfway_last_seconds_and_end() -> None:
    plan = plan_step(_step(StepKind.HOLD, seconds=60), PROMPTS)
    start = speaking_seconds(("Do the thing.",), 1.0) + AFTER_SPEECH
    cues = [(beat.cue, round(beat.offset - start, 6)) for beat in plan.beats if beat.cue]
    assert cues == [(Cue.START, 0), (Cue.HALFWAY, 30), (Cue.LAST_SECONDS, 50), (Cue.END, 60)]
    assert plan.beats[-1].done
    assert plan.active_from == pytest.approx(start)
    assert plan.active_to == pytest.approx(start + 60)


def test_a_short_timed_step_has_no_halfway_cue() -> None:
    plan = plan_step(_step(StepKind.TIMED, seconds=30), PROMPTS)
    assert Cue.HALFWAY not in [beat.cue for beat in plan.beats]


def test_reps_count_aloud_at_their_pace() -> None:
    plan = plan_step(_step(StepKind.REPS, count=3, pace=5), PROMPTS)
    counted = [beat for beat in plan.beats if beat.say and beat.say[0] in PROMPTS.numbers]
    assert [beat.say[0] for beat in counted] == ["One.", "Two.", "Three."]
    assert [round(b.offset - a.offset, 6) for a, b in itertools.pairwise(counted)] == [
        5,
        5,
    ]


def test_stretches_alternate_stretch_and_release() -> None:
    plan = plan_step(_step(StepKind.STRETCH, count=2, seconds=2, pace=3), PROMPTS)
    words = [beat.say[0] for beat in plan.beats[1:-2]]
    assert words == ["One. Stretch.", "And back.", "Two. Stretch.", "And back."]


def test_longer_extends_the_timed_part_only() -> None:
    step = _step(StepKind.HOLD, seconds=30)
    plain, longer = plan_step(step, PROMPTS), plan_step(step, PROMPTS, extra=15)
    assert longer.active_to - plain.active_to == pytest.approx(15)
    assert longer.active_from == plain.active_from


@given(
    st.sampled_from(STEPS),
    st.sampled_from((0.7, 0.85, 1.0, 1.15, 1.3)),
    st.sampled_from((0.0, 15.0, 45.0)),
)
def test_pace_and_length_never_change_the_number_of_beats(
    step: Step, speed: float, extra: float
) -> None:
    """A step under way is re-planned at a new pace and carries on from the same beat."""
    assert len(plan_step(step, PROMPTS, speed, extra).beats) == len(plan_step(step, PROMPTS).beats)


@given(st.sampled_from(STEPS), st.sampled_from((0.7, 0.85, 1.0, 1.15, 1.3)))
def test_beats_are_in_time_order_and_end_with_done(step: Step, speed: float) -> None:
    beats = plan_step(step, PROMPTS, speed).beats
    assert [beat.offset for beat in beats] == sorted(beat.offset for beat in beats)
    assert beats[-1].done and not any(beat.done for beat in beats[:-1])
