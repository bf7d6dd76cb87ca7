"""The dialogue alone: events in, effects out, with no clock, session or device."""

from __future__ import annotations

from skill import catalog
from skill.commands import Intent
from skill.dialogue import SESSION_CAP, Dialogue
from skill.messages import (
    DeviceBack,
    DeviceLost,
    Effect,
    EnterState,
    Finish,
    Heard,
    Outcome,
    Say,
    Start,
    StartTimer,
    StopSpeaking,
    Timer,
    TimerDue,
)


def _dialogue() -> Dialogue:
    loaded = catalog.load("neck")
    return Dialogue(loaded.routine, loaded.prompts)


def _said(effects: list[Effect]) -> list[str]:
    return [effect.text for effect in effects if isinstance(effect, Say)]


def _timers(effects: list[Effect]) -> dict[Timer, float]:
    return {effect.timer: effect.due for effect in effects if isinstance(effect, StartTimer)}


def _screened(dialogue: Dialogue) -> list[Effect]:
    dialogue.handle(Start(0.0))
    dialogue.handle(Heard(1.0, "no", Intent.NO))
    return dialogue.handle(Heard(2.0, "no", Intent.NO))


def test_start_sets_the_cap_timers_and_asks_the_first_question() -> None:
    dialogue = _dialogue()
    effects = dialogue.handle(Start(0.0))
    timers = _timers(effects)
    assert timers[Timer.TIME_UP] == SESSION_CAP
    assert timers[Timer.CAP] == dialogue.wrap_up_at < SESSION_CAP
    assert Timer.REPLY in timers
    assert _said(effects)[-1] == "Is your neck injured or infected right now?"
    assert effects[0] == EnterState("screening", None)


def test_nothing_happens_before_start_or_after_the_end() -> None:
    dialogue = _dialogue()
    assert dialogue.handle(Heard(0.0, "next", Intent.NEXT)) == []
    dialogue.handle(Start(0.0))
    dialogue.handle(Heard(1.0, "yes", Intent.YES))
    assert dialogue.outcome is Outcome.DECLINED
    assert dialogue.handle(TimerDue(5.0, Timer.REPLY)) == []


def test_answering_no_twice_opens_the_first_step() -> None:
    dialogue = _dialogue()
    effects = _screened(dialogue)
    assert dialogue.state == "running"
    assert dialogue.step_id == "setup.sit"
    assert _timers(effects)[Timer.STEP] > 2.0


def test_the_same_events_always_give_the_same_effects() -> None:
    first, second = _dialogue(), _dialogue()
    assert _screened(first) == _screened(second)


def test_speaking_up_cuts_the_coach_off() -> None:
    dialogue = _dialogue()
    dialogue.handle(Start(0.0))
    effects = dialogue.handle(Heard(0.5, "no", Intent.NO))
    assert effects[0] == StopSpeaking()


def test_a_stale_step_timer_while_paused_does_nothing() -> None:
    dialogue = _dialogue()
    due = _timers(_screened(dialogue))[Timer.STEP]
    dialogue.handle(Heard(3.0, "pause", Intent.PAUSE))
    assert dialogue.handle(TimerDue(due, Timer.STEP)) == []


def test_a_lost_device_pauses_and_its_return_carries_on() -> None:
    dialogue = _dialogue()
    due = _timers(_screened(dialogue))[Timer.STEP]
    lost = dialogue.handle(DeviceLost(due - 1))
    assert dialogue.state == "device_lost"
    assert any("microphone" in text for text in _said(lost))
    back = dialogue.handle(DeviceBack(due + 9))
    assert dialogue.state == "running"
    assert _timers(back)[Timer.STEP] == due + 10


def test_a_device_lost_mid_explanation_explains_the_step_again() -> None:
    dialogue = _dialogue()
    _screened(dialogue)
    dialogue.handle(DeviceLost(3.0))
    back = dialogue.handle(DeviceBack(13.0))
    assert _said(back)[-1].startswith("Sit comfortably")


def test_a_lost_device_during_screening_asks_the_question_again() -> None:
    dialogue = _dialogue()
    dialogue.handle(Start(0.0))
    dialogue.handle(DeviceLost(1.0))
    back = dialogue.handle(DeviceBack(20.0))
    assert _said(back)[-1] == "Is your neck injured or infected right now?"
    assert dialogue.state == "screening"


def test_time_up_ends_the_session_whatever_is_going_on() -> None:
    dialogue = _dialogue()
    _screened(dialogue)
    dialogue.handle(Heard(3.0, "pause", Intent.PAUSE))
    effects = dialogue.handle(TimerDue(SESSION_CAP, Timer.TIME_UP))
    assert effects[-1] == Finish(Outcome.FINISHED, dialogue.step_id)
