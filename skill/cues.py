"""The coach's non-verbal cues: short, soft chimes and ticks made in numpy."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skill.routine import Cue
from skill.wavfile import RATE, Samples

PEAK = 0.3
"""Loudest point of every cue, as a share of full scale: a cue sits under the voice."""
ATTACK = 0.02
"""Seconds a note takes to swell in; any faster and the start is heard as a click."""


@dataclass(frozen=True)
class Note:
    """One soft sine tone within a cue."""

    at: float
    """Seconds from the start of the cue."""
    hz: float
    seconds: float
    level: float = 1.0
    """Loudness against the cue's other notes: the longest-ringing note leads."""


# Each cue has its own loudest pitch and length, so they can be told apart by ear (and by
# test): A4 440, C5 523, D5 587, E5 659, C6 1047 Hz.
_CUES: dict[Cue, tuple[Note, ...]] = {
    # a rising fifth, the upper note ringing on
    Cue.START: (Note(0.0, 440.0, 0.22, 0.7), Note(0.16, 659.26, 0.34)),
    # a single mid tone
    Cue.HALFWAY: (Note(0.0, 523.25, 0.4),),
    # two short ticks
    Cue.LAST_SECONDS: (Note(0.0, 1046.5, 0.09), Note(0.18, 1046.5, 0.09)),
    # a falling fifth, the lower note ringing on
    Cue.END: (Note(0.0, 659.26, 0.24, 0.7), Note(0.18, 440.0, 0.42)),
    # up and back down: the change of side
    Cue.SWITCH_SIDE: (
        Note(0.0, 587.33, 0.22),
        Note(0.2, 783.99, 0.22, 0.6),
        Note(0.4, 587.33, 0.35),
    ),
}


@functools.cache
def cue_sound(cue: Cue, rate: int = RATE) -> Samples:
    """The cue's samples at `rate`; read-only, since every caller shares one copy."""
    notes = _CUES[cue]
    length = max(round((note.at + note.seconds) * rate) for note in notes)
    mix = np.zeros(length, np.float64)
    for note in notes:
        start = round(note.at * rate)
        tone = _note(note, rate)
        mix[start : start + len(tone)] += tone
    samples: Samples = np.round(mix * (PEAK * 32767 / np.abs(mix).max())).astype(np.int16)
    samples.flags.writeable = False
    return samples


def _note(note: Note, rate: int) -> npt.NDArray[np.float64]:
    """A sine that swells in, fades like a struck bell, and closes smoothly to silence."""
    count = round(note.seconds * rate)
    t = np.arange(count) / rate
    attack = np.minimum(t / ATTACK, 1.0)
    release_from = note.seconds * 0.6
    release = np.clip((note.seconds - t) / (note.seconds - release_from), 0.0, 1.0)
    # Raised-cosine ramps start and end with zero slope: no click at either edge.
    envelope = (
        (0.5 - 0.5 * np.cos(np.pi * attack))
        * (0.5 - 0.5 * np.cos(np.pi * release))
        * np.exp(-t / (note.seconds * 0.8))
    )
    tone: npt.NDArray[np.float64] = note.level * envelope * np.sin(2 * np.pi * note.hz * t)
    return tone
