"""Turn-taking: the coach's own voice never counts as a command, yet "stop" and "pause" cut in."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from skill.commands import Intent, normalise
from skill.recognition import Detection

BARGE_IN = frozenset({Intent.STOP, Intent.PAUSE, Intent.PAIN, Intent.WARNING_SIGN})
"""What the person may say over the coach. Everything else waits for a quiet moment."""
ECHO_TAIL = 0.6
"""Seconds after the coach stops during which the room (and the endpointer) may still carry
its voice."""


@dataclass(frozen=True)
class Utterance:
    """Something the coach says, from `start` to `end` (clock seconds)."""

    words: frozenset[str]
    start: float
    end: float


class EchoGuard:
    """Knows what the coach is saying and when, and judges each detection against it.

    A detection that began while the coach was talking (or just after) is taken only if it is
    a barge-in command whose words are not in what the coach was saying then: the coach
    saying "Stop pressing." must not stop the session, a person saying "stop" over the coach
    must.
    """

    def __init__(self, keep: int = 32) -> None:
        self._said: deque[Utterance] = deque(maxlen=keep)

    def speaking(self, text: str, start: float, end: float) -> None:
        """The coach says `text` from `start` to `end` (clock seconds)."""
        self._said.append(Utterance(frozenset(normalise(text).split()), start, end))

    def silenced(self, at: float) -> None:
        """The coach was cut off at `at`: nothing it had queued will be heard after that."""
        cut = [u for u in self._said if u.end > at]
        for utterance in cut:
            self._said.remove(utterance)
            if utterance.start < at:
                self._said.append(Utterance(utterance.words, utterance.start, at))

    def accepts(self, detection: Detection, start: float, end: float) -> bool:
        """Whether a detection heard from `start` to `end` (clock seconds) is the person's."""
        overlapping = [u for u in self._said if u.start < end and start < u.end + ECHO_TAIL]
        if not overlapping:
            return True
        if detection.intent not in BARGE_IN:
            return False
        heard = set(normalise(detection.text).split())
        return not any(heard & utterance.words for utterance in overlapping)
