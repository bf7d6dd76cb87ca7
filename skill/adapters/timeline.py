"""Everything the person would hear, laid out on a timeline and written as one WAV file."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from skill.cues import cue_sound
from skill.ports import Clock
from skill.routine import Cue
from skill.speech_render import SpeechRenderer
from skill.wavfile import RATE, Samples, write_wav


class AudioTimeline:
    """A speech output for simulated sessions. Sentences and cues queue one after another as
    on a speaker: each starts at its session time or when the one before ends, whichever is
    later; being cut off (`stop`) drops what had not been heard yet."""

    def __init__(self, renderer: SpeechRenderer, clock: Clock) -> None:
        self._renderer, self._clock = renderer, clock
        self._origin = clock.now()
        self._clips: list[tuple[float, Samples]] = []
        self._cursor = 0.0
        self._speed, self._volume = 1.0, 0.8

    def say(self, text: str, at: float) -> None:
        self._place(self._renderer.render(text, self._speed), at)

    def cue(self, cue: Cue, at: float) -> None:
        self._place(cue_sound(cue), at)

    def stop(self) -> None:
        now = self._clock.now() - self._origin
        kept: list[tuple[float, Samples]] = []
        for start, samples in self._clips:
            if start < now:
                kept.append((start, samples[: max(0, int((now - start) * RATE))]))
        self._clips, self._cursor = kept, now

    def set_voice(self, speed: float, volume: float) -> None:
        self._speed, self._volume = speed, volume

    def _place(self, samples: Samples, at: float) -> None:
        start = max(at, self._cursor)
        scaled = np.round(samples.astype(np.float64) * self._volume).astype(np.int16)
        self._clips.append((start, scaled))
        self._cursor = start + len(samples) / RATE

    def write(self, path: Path) -> None:
        """The whole session's sound, silence where nothing was said."""
        end = max((int(start * RATE) + len(s) for start, s in self._clips), default=0)
        mix = np.zeros(end, np.int32)
        for start, samples in self._clips:
            at = int(start * RATE)
            mix[at : at + len(samples)] += samples
        write_wav(path, np.clip(mix, -32768, 32767).astype(np.int16))
