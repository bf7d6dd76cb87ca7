"""The session loop: timers against a clock, and what reaches the ports."""

from __future__ import annotations

from dataclasses import dataclass, field

from skill import catalog
from skill.clock import VirtualClock
from skill.dialogue import Dialogue
from skill.ports import DeviceSignal, Utterance
from skill.routine import Cue
from skill.script import ScriptedCommands, parse_script
from skill.session import Session
from tests.helpers import SCREENED, Recorded


class LateWaking(ScriptedCommands):
    """Wakes `late` seconds after every deadline, as a busy machine would."""

    def __init__(self, script: str, clock: VirtualClock, late: float) -> None:
        super().__init__(parse_script(script), clock)
        self._late = late
        self._clock_ref = clock

    def wait(self, until: float | None) -> Utterance | DeviceSignal | None:
        heard = super().wait(until)
        if heard is None:
            self._clock_ref.advance_to(self._clock_ref.now() + self._late)
        return heard


@dataclass
class Speaker:
    """Keeps what reached the speech port."""

    said: list[tuple[str, float]] = field(default_factory=list)
    cues: list[tuple[Cue, float]] = field(default_factory=list)
    voices: list[tuple[float, float]] = field(default_factory=list)
    stops: int = 0

    def say(self, text: str, at: float) -> None:
        self.said.append((text, at))

    def cue(self, cue: Cue, at: float) -> None:
        self.cues.append((cue, at))

    def stop(self) -> None:
        self.stops += 1

    def set_voice(self, speed: float, volume: float) -> None:
        self.voices.append((speed, volume))


def _run(script: str, late: float = 0.0) -> tuple[Recorded, Speaker]:
    loaded = catalog.load("neck")
    clock = VirtualClock(start=1000.0)
    recorded, speaker = Recorded(), Speaker()
    Session(
        Dialogue(loaded.routine, loaded.prompts),
        clock,
        LateWaking(script, clock, late),
        speech=speaker,
        transcripts=[recorded],
    ).run()
    return recorded, speaker


def test_late_wake_ups_never_push_later_cues_back() -> None:
    """Deadlines are absolute: 40 ms late on every wake-up, and every cue keeps its time."""
    on_time, _ = _run(SCREENED)
    late, _ = _run(SCREENED, late=0.04)
    cues = [(line["t"], line["text"]) for line in on_time.lines if line["kind"] == "cue"]
    assert len(cues) > 50
    assert cues == [(line["t"], line["text"]) for line in late.lines if line["kind"] == "cue"]


def test_session_times_count_from_the_start_whatever_the_clock_reads() -> None:
    recorded, speaker = _run(SCREENED)
    assert recorded.lines[0]["t"] == 0.0
    assert speaker.said[0][1] == 0.0


def test_speech_cues_voice_and_interruptions_reach_the_speech_port() -> None:
    recorded, speaker = _run(SCREENED + "2.5 slower\n")
    said = [line["text"] for line in recorded.lines if line["kind"] == "say"]
    assert [text for text, _ in speaker.said] == said
    assert len(speaker.cues) == sum(1 for line in recorded.lines if line["kind"] == "cue")
    assert speaker.voices == [(0.85, 0.8)]
    assert speaker.stops >= 1
