"""The voice session's ports: a microphone and recognizer in, rendered speech and cues out."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterable

import numpy as np

from skill.audio_devices import Microphone, Player
from skill.cues import cue_sound
from skill.errors import AudioDeviceError, SpeechError
from skill.plan import SENTENCE_GAP
from skill.ports import Clock, DeviceSignal, Utterance
from skill.recognition import BYTES_PER_SECOND, Recognizer, SpeechEngine
from skill.routine import Cue
from skill.speech_render import SpeechRenderer
from skill.turn_taking import EchoGuard
from skill.wavfile import RATE, Samples

log = logging.getLogger(__name__)

REOPEN_EVERY = 1.0
"""Seconds between attempts to get a lost microphone back."""
RECENT = 15.0
"""Seconds of the microphone's sound kept, to tell the coach's echo from the person."""


class SpokenOutput:
    """Says sentences and plays cues on the speaker, and tells the echo guard what is being said
    and until when, so the coach never hears itself as the person."""

    def __init__(
        self, renderer: SpeechRenderer, player: Player, guard: EchoGuard, clock: Clock
    ) -> None:
        self._renderer, self._player, self._guard, self._clock = renderer, player, guard, clock
        self._render_lock = threading.Lock()
        self._busy_until = 0.0
        self._speed, self._volume = 1.0, 0.8

    def say(self, text: str, at: float) -> None:
        with self._render_lock:
            samples = self._renderer.render(text, self._speed)
        # A breath between sentences, as a person speaks, and the coach's paces assume: it
        # also lets voice detection hear the end of a command said over the coach.
        self._play(text, np.concatenate([samples, np.zeros(int(SENTENCE_GAP * RATE), np.int16)]))

    def cue(self, cue: Cue, at: float) -> None:
        self._play("", cue_sound(cue))

    def _play(self, text: str, samples: Samples) -> None:
        start = max(self._clock.now(), self._busy_until)
        self._busy_until = start + len(samples) / RATE
        self._guard.speaking(text, start, self._busy_until, samples)
        self._player.play(samples, self._volume)

    def stop(self) -> None:
        self._player.stop()
        now = self._clock.now()
        self._guard.silenced(now)
        self._busy_until = now

    def set_voice(self, speed: float, volume: float) -> None:
        self._speed, self._volume = speed, volume

    def warm_in_background(self, sentences: Iterable[str]) -> threading.Thread:
        """Renders the routine's sentences ahead, so each is ready when its moment comes."""
        pending = list(sentences)

        def warm() -> None:
            for sentence in pending:
                try:
                    with self._render_lock:
                        self._renderer.warm([sentence], self._speed)
                except SpeechError as exc:
                    log.warning("could not prepare %r: %s", sentence, exc)
                    return

        thread = threading.Thread(target=warm, name="warm-speech", daemon=True)
        thread.start()
        return thread


class ListeningCommands:
    """Commands from the microphone: each chunk goes to the recognizer, each detection past the
    echo guard is handed to the session. A lost microphone is reported once, then retried."""

    def __init__(
        self, microphone: Microphone, engine: SpeechEngine, guard: EchoGuard, clock: Clock
    ) -> None:
        self._microphone, self._engine, self._guard, self._clock = (
            microphone,
            engine,
            guard,
            clock,
        )
        self._stream: Recognizer = engine.stream()
        self._fed = 0.0
        self._recent = bytearray()
        """The last RECENT seconds of the stream, for the echo guard to compare with."""
        self._ready: deque[Utterance | DeviceSignal] = deque()
        self._lost_since: float | None = None

    def wait(self, until: float | None) -> Utterance | DeviceSignal | None:
        while not self._ready:
            left = None if until is None else until - self._clock.now()
            if left is not None and left <= 0:
                return None
            step = 0.1 if left is None else min(left, 0.1)
            if self._lost_since is not None:
                self._try_reopen(step)
            else:
                self._listen(step)
        return self._ready.popleft()

    def _listen(self, timeout: float) -> None:
        try:
            chunk = self._microphone.read(timeout)
        except AudioDeviceError as exc:
            log.warning("%s", exc)
            self._lost_since = self._clock.now()
            self._ready.append(DeviceSignal.LOST)
            return
        if chunk is None:
            return
        now = self._clock.now()
        self._fed += len(chunk) / BYTES_PER_SECOND
        self._recent += chunk
        del self._recent[: max(0, len(self._recent) - int(RECENT * BYTES_PER_SECOND))]
        for heard in self._stream.feed(chunk):
            # Stream seconds to clock seconds: the chunk just read ends now.
            start, end = now - (self._fed - heard.start), now - (self._fed - heard.end)
            if self._guard.accepts(heard, start, end, self._sound(heard.start, heard.end)):
                self._ready.append(Utterance(heard.text, heard.intent))
            else:
                log.info("ignored %r: the coach was speaking", heard.text)

    def _sound(self, start: float, end: float) -> Samples:
        """The stream's sound from `start` to `end` (stream seconds), as far as it is kept."""
        kept_from = self._fed - len(self._recent) / BYTES_PER_SECOND
        lo = max(0, int((start - kept_from) * RATE)) * 2
        hi = max(lo, int((end - kept_from) * RATE) * 2)
        return np.frombuffer(bytes(self._recent[lo:hi]), np.int16)

    def _try_reopen(self, pause: float) -> None:
        assert self._lost_since is not None
        if self._clock.now() - self._lost_since < REOPEN_EVERY:
            time.sleep(pause)
            return
        self._lost_since = self._clock.now()
        if self._microphone.reopen():
            self._lost_since = None
            self._stream, self._fed = self._engine.stream(), 0.0
            self._ready.append(DeviceSignal.BACK)
