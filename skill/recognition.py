"""Speech to commands: the recognizer port, what it reports, and the phrases it listens for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from skill.commands import PHRASES, Intent

BYTES_PER_SECOND = 32_000
"""16 kHz, mono, 16-bit: the only format recognizers are fed."""


@dataclass(frozen=True)
class Detection:
    """A command recognised in the audio stream.

    Times are seconds of audio since the stream began: the words' `start` and `end`, and
    `emitted_at`, how much audio had been consumed when the command was decided.
    """

    intent: Intent
    text: str
    start: float
    end: float
    emitted_at: float
    confidence: float


class Recognizer(Protocol):
    """One audio stream: 16 kHz mono 16-bit chunks of any size in, commands out as decided."""

    def feed(self, chunk: bytes) -> list[Detection]: ...

    def finish(self) -> list[Detection]:
        """The end of the stream: decide on whatever speech is still open."""
        ...


class SpeechEngine(Protocol):
    """A loaded speech engine (model read once); each stream gets a fresh recognizer."""

    name: str

    def stream(self) -> Recognizer: ...


def grammar_phrases() -> list[str]:
    """Every phrase a recognizer should listen for, longest first (for readable grammars)."""
    phrases = {phrase for group in PHRASES.values() for phrase in group}
    return sorted(phrases, key=lambda p: (-len(p.split()), p))


def decode(recognizer: Recognizer, chunks: Iterable[bytes]) -> list[Detection]:
    """Every command in a stream, fed chunk by chunk as a live source would be."""
    found: list[Detection] = []
    for chunk in chunks:
        found.extend(recognizer.feed(chunk))
    found.extend(recognizer.finish())
    return found
