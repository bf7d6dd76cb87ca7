"""Voice sessions on a real (virtual) sound card: spoken commands in, the coach's voice out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from skill.adapters.sphinx_asr import PocketsphinxEngine
from skill.clock import MonotonicClock
from skill.commands import Intent
from skill.recognition import Detection
from skill.speech_render import SpeechRenderer
from skill.turn_taking import EchoGuard
from skill.wavfile import RATE, Samples, read_wav, write_wav
from tests.helpers import DATA
from tests.speech import shared, spoken
from tests.virtual_audio import MIC_FEED, SPEAKER, VirtualAudio

pytestmark = pytest.mark.usefixtures("virtual_audio")

TINY = DATA / "good_routines" / "tiny.toml"
# What the coach says that holds command words: none of it may be taken as the person's.
COMMAND_LADEN = [
    "Stop pressing.",
    "Moving on.",
    "Going back a step.",
    "Paused. Take your time. Say resume when you're ready.",
]


class HearsEverything(EchoGuard):
    """No turn-taking at all: shows what the coach's voice does to the recognizer unguarded."""

    def accepts(
        self, detection: Detection, start: float, end: float, heard: Samples | None = None
    ) -> bool:
        return True


@pytest.fixture
def loopback(virtual_audio: VirtualAudio) -> Iterator[None]:
    """The speaker's sound fed back into the microphone, as in a small room."""
    module = virtual_audio.pactl(
        "load-module",
        "module-loopback",
        f"source={SPEAKER}.monitor",
        f"sink={MIC_FEED}",
        "latency_msec=30",
    ).strip()
    yield
    virtual_audio.pactl("unload-module", module)


def _listen_while_speaking(guard: EchoGuard, cache: Path) -> list[Intent | None]:
    from skill.adapters.voice import ListeningCommands, SpokenOutput
    from skill.audio_devices import Microphone, Player

    clock = MonotonicClock()
    heard: list[Intent | None] = []
    with Player() as player, Microphone() as microphone:
        speech = SpokenOutput(SpeechRenderer(cache), player, guard, clock)
        listening = ListeningCommands(microphone, PocketsphinxEngine(), guard, clock)
        for sentence in COMMAND_LADEN:
            speech.say(sentence, 0.0)
        deadline = (
            clock.now()
            + 2.0
            + sum(len(SpeechRenderer(cache).render(s)) / RATE for s in COMMAND_LADEN)
        )
        while clock.now() < deadline:
            item = listening.wait(deadline)
            if item is not None and hasattr(item, "intent"):
                heard.append(item.intent)
    return heard


def test_the_coachs_own_voice_never_becomes_a_command(loopback: None, tmp_path: Path) -> None:
    unguarded = _listen_while_speaking(HearsEverything(), tmp_path)
    assert unguarded, "without turn-taking the coach's voice should reach the recognizer"
    assert _listen_while_speaking(EchoGuard(), tmp_path) == []


def _coach(virtual_audio: VirtualAudio, tmp_path: Path) -> subprocess.Popen[str]:
    """`massage-coach run` on the virtual card, with the tiny routine."""
    env = {**os.environ, **virtual_audio.env, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return subprocess.Popen(
        [sys.executable, "-m", "skill", "run", "--engine", "pocketsphinx", "--routine", str(TINY)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )


def _wait_for_quiet(path: Path, quiet: float = 1.5, timeout: float = 60.0) -> None:
    """Until the speaker has said something and then been quiet for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    window = int(quiet * RATE)
    while time.monotonic() < deadline:
        raw = path.read_bytes()[44:] if path.exists() else b""
        samples = np.frombuffer(raw[: len(raw) // 2 * 2], np.int16)
        loud = np.flatnonzero(np.abs(samples) > 1500)
        if len(loud) and len(samples) - loud[-1] > window:
            return
        time.sleep(0.1)
    raise AssertionError("the coach never finished speaking")


def _wait_for_sound(path: Path, timeout: float = 30.0) -> None:
    """Until the speaker has started saying something."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        raw = path.read_bytes()[44:] if path.exists() else b""
        if np.any(np.abs(np.frombuffer(raw[: len(raw) // 2 * 2], np.int16)) > 1500):
            return
        time.sleep(0.1)
    raise AssertionError("the coach never spoke")


def _said_by_voice(text: str, cache: Path) -> Samples:
    return SpeechRenderer(cache / "massage-coach" / "speech").render(text)


def _correlation(recorded: Samples, reference: Samples) -> float:
    a, b = recorded.astype(np.float64), reference.astype(np.float64)
    size = len(a) + len(b)
    scores = np.fft.irfft(np.fft.rfft(a, size) * np.conj(np.fft.rfft(b, size)), size)
    lag = int(np.argmax(scores[: len(a)]))
    piece = a[lag : lag + len(b)]
    piece = np.pad(piece, (0, len(b) - len(piece)))
    return float(piece @ b) / (float(np.linalg.norm(piece) * np.linalg.norm(b)) or 1.0)


def _padded_yes(folder: Path) -> Path:
    """A real person saying "yes", with the quiet around it a microphone would hear."""
    recording = read_wav(shared("commands/speech_commands_samples/arm_mlek/yes.wav"))
    quiet = np.zeros(recording.rate // 2, np.int16)
    path = folder / "yes.wav"
    write_wav(path, np.concatenate([quiet, recording.samples, quiet]), recording.rate)
    return path


def test_a_spoken_answer_drives_the_coach_and_its_voice_reaches_the_speaker(
    virtual_audio: VirtualAudio, tmp_path: Path
) -> None:
    answer = _padded_yes(tmp_path)
    with virtual_audio.record_speaker(tmp_path / "speaker.wav") as recorder:
        coach = _coach(virtual_audio, tmp_path)
        try:
            _wait_for_quiet(tmp_path / "speaker.wav")
            virtual_audio.feed_mic(answer)
            out, err = coach.communicate(timeout=60)
        finally:
            coach.kill()
    assert coach.returncode == 0, err
    assert "Traceback" not in err
    assert "> yes  (yes)" in out
    assert "Then we won't massage your neck today." in out
    assert recorder.samples is not None
    question = _said_by_voice("Is your neck injured right now?", tmp_path / "cache")
    assert _correlation(recorder.samples, question) > 0.8


def test_stop_said_over_the_coach_cuts_in(virtual_audio: VirtualAudio, tmp_path: Path) -> None:
    """A microphone that hears the person far more than the speaker (a headset, or one turned
    away from the speaker)."""
    stop = spoken("stop", tmp_path)
    with virtual_audio.record_speaker(tmp_path / "speaker.wav"):
        coach = _coach(virtual_audio, tmp_path)
        try:
            _wait_for_sound(tmp_path / "speaker.wav")  # the coach is in its welcome
            virtual_audio.feed_mic(stop)
            out, err = coach.communicate(timeout=60)
        finally:
            coach.kill()
    assert coach.returncode == 0, err
    # Heard as the stop command, whatever words the recognizer picked for it.
    assert re.search(r"\] > .*  \(stop\)", out), out
    assert "Alright, we'll stop here." in out
