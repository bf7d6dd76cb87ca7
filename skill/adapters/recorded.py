"""A recorded input track as the person's voice, recognised as a virtual clock moves through it."""

from __future__ import annotations

from collections import deque

from skill.clock import VirtualClock
from skill.ports import DeviceSignal, Utterance
from skill.recognition import BYTES_PER_SECOND, Detection, SpeechEngine
from skill.wavfile import Recording, stream_chunks


class RecordedCommands:
    """Feeds the track to the recognizer in 100 ms chunks, as far as the session has got, and
    hands over each command at the moment it was decided (its `emitted_at`), exactly as it
    would have reached a live session."""

    def __init__(self, recording: Recording, engine: SpeechEngine, clock: VirtualClock) -> None:
        self._chunks = deque(stream_chunks(recording))
        self._stream = engine.stream()
        self._clock = clock
        self._t0 = clock.now()
        self._fed = 0.0
        self._ready: deque[Detection] = deque()

    def wait(self, until: float | None) -> Utterance | DeviceSignal | None:
        while True:
            if self._ready and (until is None or self._t0 + self._ready[0].emitted_at <= until):
                heard = self._ready.popleft()
                self._clock.advance_to(self._t0 + heard.emitted_at)
                return Utterance(heard.text, heard.intent)
            if not self._feed_up_to(until):
                break
        if until is None:
            raise RuntimeError("nothing scheduled and nothing left to hear")
        self._clock.advance_to(until)
        return None

    def _feed_up_to(self, until: float | None) -> bool:
        """Feeds one more chunk if the session has reached it; False when there is none."""
        if not self._chunks or (until is not None and self._t0 + self._fed >= until):
            return False
        chunk = self._chunks.popleft()
        self._fed += len(chunk) / BYTES_PER_SECOND
        self._ready.extend(self._stream.feed(chunk))
        if not self._chunks:
            self._ready.extend(self._stream.finish())
        return True
