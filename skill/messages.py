"""What flows through the dialogue: events in (from the edge) and effects out (to the edge)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from skill.commands import Intent
from skill.routine import Cue


class Timer(StrEnum):
    """The dialogue's named timers; starting one that is running moves its deadline."""

    STEP = "step"  # the next beat of the current step
    REPLY = "reply"  # waiting for an answer, or a reminder while paused
    CAP_WARNING = "cap_warning"  # a few minutes before the 30-minute cap
    CAP = "cap"  # time to wrap up so the session ends within 30 minutes
    TIME_UP = "time_up"  # 30 minutes: the session ends whatever is going on


class Outcome(StrEnum):
    """How a session ended; the last transcript line says it."""

    FINISHED = "finished"
    STOPPED = "stopped"
    DECLINED = "declined"


# Events. `at` is seconds since the session started, on whichever clock drives it.


@dataclass(frozen=True)
class Start:
    """The person asked for a session."""

    at: float


@dataclass(frozen=True)
class Heard:
    """The person said something; `intent` is None when it was not a command."""

    at: float
    text: str
    intent: Intent | None


@dataclass(frozen=True)
class TimerDue:
    """A timer reached its deadline; `at` is the deadline itself, so lateness never drifts."""

    at: float
    timer: Timer


@dataclass(frozen=True)
class DeviceLost:
    """The microphone or speaker went away."""

    at: float


@dataclass(frozen=True)
class DeviceBack:
    """The lost device is back."""

    at: float


Event = Start | Heard | TimerDue | DeviceLost | DeviceBack


# Effects. `step` is the id of the routine step they belong to (None before the massage).


@dataclass(frozen=True)
class Say:
    text: str
    step: str | None


@dataclass(frozen=True)
class StopSpeaking:
    """Cut off whatever the coach is saying: the person has asked for something else."""


@dataclass(frozen=True)
class PlayCue:
    cue: Cue
    step: str | None


@dataclass(frozen=True)
class StartTimer:
    """Start (or move) a timer to fire at session time `due`."""

    timer: Timer
    due: float


@dataclass(frozen=True)
class CancelTimer:
    timer: Timer


@dataclass(frozen=True)
class SetVoice:
    """Speech speed (1.0 is the calm default) and volume (0 to 1) from now on."""

    speed: float
    volume: float


@dataclass(frozen=True)
class EnterState:
    """The dialogue's visible state changed (screening, running, paused, tender_spot, ...)."""

    state: str
    step: str | None


@dataclass(frozen=True)
class Record:
    """Something worth keeping in the session's history: a tender spot, pain, a warning sign."""

    what: str
    step: str | None


@dataclass(frozen=True)
class Finish:
    outcome: Outcome
    step: str | None


Effect = (
    Say
    | StopSpeaking
    | PlayCue
    | StartTimer
    | CancelTimer
    | SetVoice
    | EnterState
    | Record
    | Finish
)
