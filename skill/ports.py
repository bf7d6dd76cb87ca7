"""The narrow interfaces between the session and the outside world; adapters implement them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from skill.commands import Intent
from skill.routine import Cue


class Clock(Protocol):
    """Seconds on a clock that never goes backwards."""

    def now(self) -> float: ...


@dataclass(frozen=True)
class Utterance:
    """Something the person said, with the command it was understood as (None: not a command)."""

    text: str
    intent: Intent | None


class DeviceSignal(StrEnum):
    LOST = "lost"
    BACK = "back"


class CommandSource(Protocol):
    """Where the person's words come from: a keyboard, a script, a microphone and recognizer."""

    def wait(self, until: float | None) -> Utterance | DeviceSignal | None:
        """What is heard next, or None once the clock reaches `until` (clock seconds).

        With `until` None it waits for as long as it takes.
        """
        ...


class SpeechOutput(Protocol):
    """Where the coach's words and cues go. `at` is the session time they belong to."""

    def say(self, text: str, at: float) -> None: ...

    def cue(self, cue: Cue, at: float) -> None: ...

    def stop(self) -> None:
        """Cut off what is being said now, and drop what is waiting to be said."""

    def set_voice(self, speed: float, volume: float) -> None: ...


@dataclass(frozen=True)
class TranscriptLine:
    """One line of a session's record: what was said, cued, heard, or a change of state."""

    t: float
    kind: str
    text: str
    step: str | None
    intent: str | None = None

    def as_dict(self) -> dict[str, object]:
        line: dict[str, object] = {
            "t": round(self.t, 3),
            "kind": self.kind,
            "text": self.text,
            "step": self.step,
        }
        if self.kind == "heard":
            line["intent"] = self.intent
        return line


class TranscriptSink(Protocol):
    """Receives every transcript line as it happens."""

    def write(self, line: TranscriptLine) -> None: ...


class Store(Protocol):
    """Keeps what is worth remembering about a session (tender spots, pain, warning signs)."""

    def record(self, what: str, step: str | None, at: float) -> None: ...
