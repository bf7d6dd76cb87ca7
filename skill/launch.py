"""Builds a session from settings, with the adapters for text, voice or simulation, and runs it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from skill import catalog, engines
from skill.adapters.console import ConsoleSpeech, TypedCommands
from skill.catalog import Loaded
from skill.clock import MonotonicClock, VirtualClock
from skill.dialogue import Dialogue
from skill.engines import Engine
from skill.errors import AudioDeviceError
from skill.messages import Outcome
from skill.ports import CommandSource, SpeechOutput, TranscriptSink
from skill.script import ScriptedCommands, read_script
from skill.session import Session
from skill.settings import SessionSettings, SimulateSettings, VoiceSettings

log = logging.getLogger(__name__)


def _dialogue(loaded: Loaded, settings: SessionSettings) -> Dialogue:
    return Dialogue(loaded.routine, loaded.prompts, speed=settings.speed, volume=settings.volume)


def run_text(settings: SessionSettings, typed: TextIO, shown: TextIO) -> Outcome:
    """A session on the real clock, typed in and printed out."""
    loaded = catalog.load(settings.routine)
    clock = MonotonicClock()
    session = Session(
        _dialogue(loaded, settings), clock, TypedCommands(typed, clock), speech=ConsoleSpeech(shown)
    )
    return session.run()


def run_voice(
    settings: SessionSettings, voice: VoiceSettings, transcripts: Sequence[TranscriptSink] = ()
) -> Outcome:
    """A spoken session on the real clock, the microphone and the speaker."""
    from skill.adapters.voice import ListeningCommands, SpokenOutput
    from skill.audio_devices import Microphone, Player
    from skill.speech_render import SpeechRenderer, default_cache_dir
    from skill.turn_taking import EchoGuard

    loaded = catalog.load(settings.routine)
    choice = engines.choose(Engine(voice.engine), voice.model)
    renderer = SpeechRenderer(default_cache_dir())
    clock, guard = MonotonicClock(), EchoGuard()
    try:
        player = Player(voice.output_device)
        microphone = Microphone(voice.input_device)
    except AudioDeviceError as exc:
        raise AudioDeviceError(
            f"{exc}\nTo use the coach without sound, run 'massage-coach run --text'."
        ) from None
    with player, microphone:
        # Loaded once the devices are known to work: a missing one is reported at once.
        engine = engines.load(choice)
        speech = SpokenOutput(renderer, player, guard, clock)
        notice = "engine_vosk" if choice.engine is Engine.VOSK else "engine_pocketsphinx"
        for sentence in loaded.prompts.say(notice):
            speech.say(sentence, 0.0)
        speech.warm_in_background(_sentences(loaded))
        listening = ListeningCommands(microphone, engine, guard, clock)
        session = Session(
            _dialogue(loaded, settings), clock, listening, speech=speech, transcripts=transcripts
        )
        return session.run()


def _sentences(loaded: Loaded) -> list[str]:
    """What a plain session says, in order: rendered ahead so each is ready in time."""
    said = [*loaded.prompts.say("welcome"), *loaded.routine.disclaimer]
    for step in loaded.routine.steps:
        said.extend(step.lead + step.say + step.halfway + step.end)
    return list(dict.fromkeys(said))


@dataclass(frozen=True)
class Simulated:
    """How a simulated session ended, and how many script lines it never reached."""

    outcome: Outcome
    unused_lines: int


class Simulation:
    """A simulated session with its inputs read and checked; `run` writes its outputs.

    Reading everything first means a bad script, track or routine stops before any output
    file is created.
    """

    def __init__(self, settings: SimulateSettings) -> None:
        self._settings = settings
        self._loaded = catalog.load(settings.session.routine)
        self._clock = VirtualClock()
        self._scripted: ScriptedCommands | None = None
        self._source: CommandSource
        if settings.audio_in is not None:
            from skill.adapters.recorded import RecordedCommands
            from skill.wavfile import read_wav

            recording = read_wav(settings.audio_in)
            choice = engines.choose(Engine(settings.voice.engine), settings.voice.model)
            self._source = RecordedCommands(recording, engines.load(choice), self._clock)
        else:
            assert settings.script is not None
            self._scripted = ScriptedCommands(read_script(settings.script), self._clock)
            self._source = self._scripted

    def run(self, transcripts: Sequence[TranscriptSink]) -> Simulated:
        """The whole session on the virtual clock; --audio-out is written at its end."""
        speech: SpeechOutput | None = None
        timeline = None
        if self._settings.audio_out is not None:
            from skill.adapters.timeline import AudioTimeline
            from skill.speech_render import SpeechRenderer, default_cache_dir

            speech = timeline = AudioTimeline(SpeechRenderer(default_cache_dir()), self._clock)
        dialogue = _dialogue(self._loaded, self._settings.session)
        session = Session(
            dialogue, self._clock, self._source, speech=speech, transcripts=transcripts
        )
        outcome = session.run()
        if timeline is not None and self._settings.audio_out is not None:
            timeline.write(self._settings.audio_out)
        return Simulated(outcome, self._scripted.unused if self._scripted else 0)
