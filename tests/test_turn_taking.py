"""Turn-taking: what the coach says is never taken as a command; barge-in still works."""

from __future__ import annotations

import pytest

from skill.commands import Intent
from skill.recognition import Detection
from skill.turn_taking import ECHO_TAIL, EchoGuard


def _heard(intent: Intent, text: str) -> Detection:
    return Detection(intent, text, 0.0, 0.5, 0.8, 0.9)


@pytest.fixture
def guard() -> EchoGuard:
    guard = EchoGuard()
    guard.speaking("Stop pressing.", 10.0, 11.0)
    guard.speaking("Take your hands away and let them rest.", 11.0, 14.0)
    guard.speaking("Moving on.", 20.0, 21.0)
    return guard


def test_anything_said_in_a_quiet_moment_is_taken(guard: EchoGuard) -> None:
    assert guard.accepts(_heard(Intent.NEXT, "next"), 30.0, 30.5)
    assert guard.accepts(_heard(Intent.HELP, "help"), 5.0, 5.4)


def test_the_coach_saying_a_command_word_is_not_a_command(guard: EchoGuard) -> None:
    assert not guard.accepts(_heard(Intent.STOP, "stop"), 10.1, 10.5)
    assert not guard.accepts(_heard(Intent.NEXT, "move on"), 20.2, 20.8)


def test_only_barge_in_commands_cut_in_while_the_coach_talks(guard: EchoGuard) -> None:
    assert guard.accepts(_heard(Intent.PAUSE, "pause"), 12.0, 12.5)
    assert guard.accepts(_heard(Intent.STOP, "stop"), 12.0, 12.5)
    assert guard.accepts(_heard(Intent.PAIN, "ouch"), 12.0, 12.5)
    assert not guard.accepts(_heard(Intent.NEXT, "next"), 12.0, 12.5)
    assert not guard.accepts(_heard(Intent.TIME_LEFT, "how long"), 12.0, 12.5)


def test_the_echo_tail_after_the_coach_stops_counts_as_the_coach(guard: EchoGuard) -> None:
    assert not guard.accepts(_heard(Intent.NEXT, "next"), 21.0 + ECHO_TAIL / 2, 21.9)
    assert guard.accepts(_heard(Intent.NEXT, "next"), 21.0 + ECHO_TAIL + 0.1, 22.0)


def test_speech_cut_off_is_no_longer_in_the_way(guard: EchoGuard) -> None:
    guard.silenced(12.0)
    assert guard.accepts(_heard(Intent.NEXT, "next"), 13.0, 13.4)
    assert not guard.accepts(_heard(Intent.NEXT, "next"), 11.5, 11.9)
