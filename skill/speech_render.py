"""Sentences into 16 kHz speech with espeak-ng (through pyttsx3), cached on disk."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import soxr

from skill.errors import AudioFileError, SpeechError
from skill.plan import WORDS_PER_SECOND
from skill.wavfile import RATE, Recording, Samples, read_wav, write_wav

log = logging.getLogger(__name__)

WORDS_PER_MINUTE = WORDS_PER_SECOND * 60
"""The coach's calm pace at speed 1.0; the pacing in skill.plan assumes the same."""
DEFAULT_VOICE = "en"
"""espeak-ng's own default voice, named so a renderer never inherits another's voice."""
WAIT_SECONDS = 10.0
WAIT_SECONDS_PER_WORD = 0.5
"""How long a render may take before espeak-ng is taken to be stuck (a slow Pi is far faster)."""
IDLE_SECONDS = 2.0
"""How long espeak-ng may stay busy with earlier work before a render gives up on it."""
ATTEMPTS = 3
"""Renders of one sentence before giving up, should the driver drop one."""

_INSTALL = "check that 'espeak-ng hello' speaks, or reinstall it: 'sudo apt install espeak-ng'"
_SAVED_NOTICE = "Audio saved to "
# pyttsx3.init() keeps one engine per driver name for the whole process, so every renderer
# shares it: one render at a time, each setting its own voice and rate.
_ENGINE_LOCK = threading.Lock()


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/massage-coach/speech, or ~/.cache/massage-coach/speech."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative path there is invalid and must be ignored.
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "massage-coach" / "speech"


def seconds(samples: Samples) -> float:
    """How long 16 kHz samples play."""
    return len(samples) / RATE


class SpeechRenderer:
    """Speaks sentences into samples with espeak-ng; each (text, voice, pace) is rendered once.

    pyttsx3 only ever writes files here: its own playback blocks and cannot be cut off.
    """

    def __init__(self, cache_dir: Path, voice: str | None = None) -> None:
        self._cache_dir = cache_dir
        self._voice = voice or DEFAULT_VOICE
        self._espeak = _Espeak(self._voice)

    def render(self, text: str, speed: float = 1.0) -> Samples:
        """16 kHz mono samples of `text` said at WORDS_PER_MINUTE * `speed`."""
        samples, _ = self._fetch(text, speed)
        return samples

    def warm(self, sentences: Iterable[str], speed: float = 1.0) -> int:
        """Renders the sentences not cached yet, so each plays at once later; how many it did."""
        rendered = 0
        for sentence in dict.fromkeys(sentences):
            _, fresh = self._fetch(sentence, speed)
            rendered += fresh
        return rendered

    def _fetch(self, text: str, speed: float) -> tuple[Samples, bool]:
        """The sentence's samples, and whether they had to be rendered now."""
        if speed <= 0:
            raise ValueError(f"speed must be above 0, not {speed}")
        if not text.strip():
            return np.zeros(0, np.int16), False
        rate = round(WORDS_PER_MINUTE * speed)
        key = hashlib.sha256(f"espeak-ng\n{self._voice}\n{rate}\n{text}".encode()).hexdigest()
        path = self._cache_dir / f"{key}.wav"
        cached = _load(path)
        if cached is not None:
            return cached, False
        return self._render_and_store(text, rate, path), True

    def _render_and_store(self, text: str, rate: int, path: Path) -> Samples:
        """Renders into a temporary file beside `path`, then moves it into place whole, so a
        crash never leaves a half file that would later play as garbage."""
        try:
            self._cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".rendering-", suffix=".wav", dir=path.parent)
            os.close(handle)  # mkstemp made it 0600, and writing over it keeps that
        except OSError as exc:
            raise SpeechError(
                f"cannot write speech to {self._cache_dir} ({exc.strerror}); make that folder "
                "writable or free some space"
            ) from None
        temp = Path(name)
        try:
            samples = self._espeak.save(text, rate, temp)
            try:
                write_wav(temp, samples)
                _flush_to_disk(temp)
                os.replace(temp, path)
            except OSError as exc:
                # The sentence can still be said; it will only be rendered again next time.
                log.warning("could not cache speech in %s: %s", self._cache_dir, exc)
            return samples
        finally:
            temp.unlink(missing_ok=True)


def _load(path: Path) -> Samples | None:
    """A cached sentence, or None when it is missing or cannot be used (then it is rendered)."""
    if not path.exists():
        return None
    try:
        recording = read_wav(path)
    except AudioFileError as exc:
        log.warning("rendering again: cached speech is unusable: %s", exc)
        return None
    return recording.samples if recording.rate == RATE else None


def _flush_to_disk(path: Path) -> None:
    """Data on disk before the rename, so a power cut cannot leave an empty cached file."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class _Espeak:
    """pyttsx3's espeak driver, used only to save WAV files, with its races worked around.

    The driver synthesizes on espeak-ng's own thread: runAndWait returns once synthesis has
    begun, and the file is whole only when the driver reports the end. Every runAndWait also
    cancels whatever espeak-ng is still busy with, and a rate change is queued work there too.
    """

    def __init__(self, voice: str) -> None:
        self._voice = voice
        self._engine: Any = None  # started on the first sentence that is not cached
        self._busy: Callable[[], int] = lambda: 0

    def save(self, text: str, rate: int, path: Path) -> Samples:
        """`text` said at `rate` words a minute into the file at `path`, read back at 16 kHz."""
        with _ENGINE_LOCK:
            engine = self._started()
            with _Progress(engine) as progress, _without_save_notices():
                for _attempt in range(ATTEMPTS):
                    outcome = self._attempt(progress, text, rate, path)
                    if not isinstance(outcome, str):
                        return outcome
                    log.debug("rendering %r again: %s", text, outcome)
        raise SpeechError(
            f"espeak-ng rendered no sound for {text!r} in {ATTEMPTS} tries ({outcome}); {_INSTALL}"
        )

    def _attempt(self, progress: _Progress, text: str, rate: int, path: Path) -> Samples | str:
        """One render: the samples, or why it is worth another try."""
        progress.reset()
        # The driver is idle between renders, so these run at once: an unknown voice is
        # reported before anything is synthesized.
        self._engine.setProperty("voice", self._voice)
        self._engine.setProperty("rate", rate)
        if progress.errors:
            raise self._failure(progress.errors[0])
        self._engine.save_to_file(text, str(path))
        self._settle()
        try:
            self._engine.runAndWait()
        except Exception as exc:  # the driver lets espeak-ng's own failure through
            raise SpeechError(f"espeak-ng could not render {text!r} ({exc})") from None
        limit = WAIT_SECONDS + WAIT_SECONDS_PER_WORD * len(text.split())
        if progress.began.is_set() and not progress.ended.wait(limit):
            raise SpeechError(
                f"espeak-ng did not finish saying {text!r} within {limit:.0f} seconds; {_INSTALL}"
            )
        if progress.errors:
            raise self._failure(progress.errors[0])
        if not progress.began.is_set():
            return "it never began"
        if progress.cut_off:
            return "it was cut off"
        try:
            return _at_rate(read_wav(path))
        except AudioFileError as exc:
            return str(exc)

    def _settle(self) -> None:
        """Waits until espeak-ng has done what it was given (the rate change, the end of the
        last render): runAndWait would cancel it, and a cancelled rate change means a sentence
        rendered (and cached) at the wrong pace."""
        deadline = time.monotonic() + IDLE_SECONDS
        while self._busy():
            if time.monotonic() > deadline:
                raise SpeechError(
                    f"espeak-ng stayed busy for {IDLE_SECONDS:.0f} seconds; {_INSTALL}"
                )
            time.sleep(0.001)

    def _started(self) -> Any:
        """The shared pyttsx3 engine on the espeak-ng driver (starting it is slow: done once)."""
        if self._engine is not None:
            return self._engine
        try:
            # Imported by name: pyttsx3 is untyped and optional (only spoken sessions need it).
            pyttsx3: Any = importlib.import_module("pyttsx3")
        except ImportError as exc:
            raise SpeechError(
                f"pyttsx3 is not installed ({exc}); install it with '.venv/bin/pip install "
                "pyttsx3', and espeak-ng with 'sudo apt install espeak-ng'"
            ) from None
        try:
            # pyttsx3.init() is a per-process singleton keyed by driver name: a second renderer
            # gets this same engine, which is why every render sets its voice and rate again.
            engine = pyttsx3.init("espeak")
            # The driver's own binding of espeak-ng: the same "is it busy" it asks itself.
            binding: Any = importlib.import_module("pyttsx3.drivers._espeak")
        except Exception as exc:  # the driver raises RuntimeError or OSError for a missing library
            raise SpeechError(
                f"espeak-ng could not start ({exc}); install it with 'sudo apt install espeak-ng'"
            ) from None
        if engine.isBusy():
            # A new engine queues every command until its first loop: run an empty one, so
            # from now on voice and rate changes take effect when they are made.
            engine.runAndWait()
        self._engine, self._busy = engine, binding.IsPlaying
        return engine

    def _failure(self, exc: BaseException) -> SpeechError:
        """Our error for what pyttsx3 reported during a render."""
        if "SetVoiceByName" not in str(exc):
            return SpeechError(f"espeak-ng could not render speech ({exc})")
        voices = sorted(
            (str(voice.id) for voice in self._engine.getProperty("voices")),
            key=lambda name: ("/en" not in name, name),
        )
        return SpeechError(
            f"espeak-ng has no voice {self._voice!r}; voices it has include "
            f"{', '.join(voices[:8])} ('espeak-ng --voices' lists them all)"
        )


def _at_rate(recording: Recording) -> Samples:
    """The recording's samples at 16 kHz."""
    if recording.rate == RATE:
        return recording.samples
    resampled: Samples = soxr.resample(recording.samples, recording.rate, RATE)
    return resampled


class _Progress:
    """What pyttsx3 reports of one render: that it began, that it ended, and any errors."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self._tokens: list[Any] = []
        self.began, self.ended = threading.Event(), threading.Event()
        self.cut_off = False
        self.errors: list[BaseException] = []

    def reset(self) -> None:
        self.began.clear()
        self.ended.clear()
        self.cut_off = False
        self.errors.clear()

    def __enter__(self) -> _Progress:
        self._tokens = [
            self._engine.connect("started-utterance", self._on_began),
            self._engine.connect("finished-utterance", self._on_ended),
            self._engine.connect("error", self._on_error),
        ]
        return self

    def __exit__(self, *_: object) -> None:
        for token in self._tokens:
            self._engine.disconnect(token)

    def _on_began(self, **_: object) -> None:
        self.began.set()

    def _on_ended(self, completed: bool = True, **_: object) -> None:
        self.cut_off = self.cut_off or not completed
        self.ended.set()

    def _on_error(self, exception: BaseException, **_: object) -> None:
        # setProperty's failures (an unknown voice) reach us only here: pyttsx3 swallows them.
        self.errors.append(exception)


class _DropSaveNotices(io.TextIOBase):
    """Standard output minus the line pyttsx3's espeak driver prints for every saved file."""

    def __init__(self, target: TextIO | None) -> None:
        self._target = target
        self._dropping = False

    def write(self, text: str) -> int:
        # print() writes the message and its newline separately: drop both.
        dropped = text.startswith(_SAVED_NOTICE) or (self._dropping and text == "\n")
        self._dropping = text.startswith(_SAVED_NOTICE)
        if not dropped and self._target is not None:
            self._target.write(text)
        return len(text)

    def flush(self) -> None:
        if self._target is not None:
            self._target.flush()


@contextlib.contextmanager
def _without_save_notices() -> Iterator[None]:
    """The coach's output stays its own (pyttsx3 prints from espeak-ng's thread)."""
    with contextlib.redirect_stdout(_DropSaveNotices(sys.stdout)):
        yield
