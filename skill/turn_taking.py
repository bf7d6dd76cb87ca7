"""Turn-taking: the coach's own voice never counts as a command, yet "stop" and "pause" cut in."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from skill.commands import Intent, normalise
from skill.recognition import Detection
from skill.wavfile import RATE, Samples

log = logging.getLogger(__name__)

BARGE_IN = frozenset({Intent.STOP, Intent.PAUSE, Intent.PAIN, Intent.WARNING_SIGN})
"""What the person may say over the coach. Everything else waits for a quiet moment."""
ECHO_TAIL = 0.6
"""Seconds after the coach stops during which the room (and the endpointer) may still carry
its voice."""
ECHO_LAG = 0.5
"""How far apart, either way, the times of what was played and what was heard may be: sound
card buffers and the room on one side, estimates of when each was queued and read on the
other."""
ECHO_PIECE = 0.5
"""Seconds of sound compared at a time."""
ECHO_LOUD_PIECE = 0.25
"""Pieces quieter than this share of the loudest one (pauses, fading echo) are not judged."""
ECHO_LIKENESS = 0.85
"""Heard sound at least this much like the coach's (normalised correlation) is the coach's
echo. A person talking over the coach as loud as its echo brings it down to about 0.7 (half
the energy is theirs); the echo alone, delayed and scaled, stays near 1."""


@dataclass(frozen=True)
class Utterance:
    """Something the coach says, from `start` to `end` (clock seconds), and its sound."""

    words: frozenset[str]
    start: float
    end: float
    sound: Samples = field(default_factory=lambda: np.zeros(0, np.int16))


class EchoGuard:
    """Knows what the coach is saying, when, and how it sounds, and judges each detection.

    A detection that began while the coach was talking (or just after) is taken only if it is
    a barge-in command, its words are not in what the coach was saying then (the coach saying
    "Stop pressing." must not stop the session), and the sound heard is not just the coach's
    own voice coming back through the microphone (a recognizer can mistake that for anything).
    """

    def __init__(self, keep: int = 32) -> None:
        self._said: deque[Utterance] = deque(maxlen=keep)

    def speaking(self, text: str, start: float, end: float, sound: Samples | None = None) -> None:
        """The coach says `text` from `start` to `end` (clock seconds), sounding like `sound`."""
        words = frozenset(normalise(text).split())
        self._said.append(
            Utterance(words, start, end, np.zeros(0, np.int16) if sound is None else sound)
        )

    def silenced(self, at: float) -> None:
        """The coach was cut off at `at`: nothing it had queued will be heard after that."""
        for utterance in [u for u in self._said if u.end > at]:
            self._said.remove(utterance)
            if utterance.start < at:
                kept = utterance.sound[: int((at - utterance.start) * RATE)]
                self._said.append(Utterance(utterance.words, utterance.start, at, kept))

    def accepts(
        self, detection: Detection, start: float, end: float, heard: Samples | None = None
    ) -> bool:
        """Whether a detection heard from `start` to `end` (clock seconds) is the person's;
        `heard` is the microphone's sound over that span, when there is one."""
        overlapping = [u for u in self._said if u.start < end and start < u.end + ECHO_TAIL]
        if not overlapping:
            return True
        if detection.intent not in BARGE_IN:
            return False
        words = set(normalise(detection.text).split())
        if any(words & utterance.words for utterance in overlapping):
            return False
        if heard is None:
            return True
        echo = self._echo_likeness(heard, start)
        log.debug("%r over the coach: %.2f like its voice", detection.text, echo)
        return echo < ECHO_LIKENESS

    def _echo_likeness(self, heard: Samples, start: float) -> float:
        """How much `heard` (from clock time `start`) is like what was played, piece by piece:
        each piece finds its own delay (two sound cards' clocks drift apart), and the least
        like piece of those loud enough to hold speech decides, since a command said over the
        coach may fill only one of them."""
        piece = int(ECHO_PIECE * RATE)
        parts = [heard[at : at + piece] for at in range(0, len(heard) - piece // 2, piece)]
        energies = [float(np.sum(part.astype(np.float64) ** 2)) for part in parts]
        loudest = max(energies, default=0.0)
        scores = []
        for index, (part, energy) in enumerate(zip(parts, energies, strict=True)):
            if loudest == 0.0 or energy < ECHO_LOUD_PIECE * loudest:
                continue
            when = start + index * ECHO_PIECE
            played = self.played(when - ECHO_LAG, when + len(part) / RATE + ECHO_LAG)
            scores.append(likeness(part, played))
        return min(scores, default=0.0)

    def played(self, start: float, end: float) -> Samples:
        """What the speaker played from `start` to `end`, silence where it played nothing."""
        played = np.zeros(max(0, int((end - start) * RATE)), np.int16)
        for utterance in self._said:
            offset = int((utterance.start - start) * RATE)
            lo, hi = max(0, offset), min(len(played), offset + len(utterance.sound))
            if lo < hi:
                played[lo:hi] = utterance.sound[lo - offset : hi - offset]
        return played


def likeness(heard: Samples, played: Samples) -> float:
    """The best normalised correlation of `heard` with any stretch of `played` as long as it.

    1.0 when the microphone heard nothing but (a delayed, scaled copy of) what was played.
    """
    n = len(heard)
    if n == 0 or len(played) < n:
        return 0.0
    a, b = heard.astype(np.float64), played.astype(np.float64)
    size = 1 << (len(b) + n).bit_length()
    # Correlation at every lag by FFT; the energy of each stretch of `played` by a running sum.
    scores = np.fft.irfft(np.fft.rfft(b, size) * np.conj(np.fft.rfft(a, size)), size)[
        : len(b) - n + 1
    ]
    energy = np.concatenate([[0.0], np.cumsum(b * b)])
    stretch = np.sqrt(np.maximum(energy[n:] - energy[:-n], 0.0))
    denominator = stretch * float(np.linalg.norm(a))
    valid = denominator > 1e-9 * max(1.0, float(denominator.max(initial=0.0)))
    return float(np.max(np.abs(scores[valid]) / denominator[valid], initial=0.0))
