"""Recorded sessions: a recorded input track drives a whole session through the real recognizer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from skill.wavfile import RATE, read_wav, write_wav
from tests.helpers import cli
from tests.speech import spoken


def _track(folder: Path, said: list[tuple[float, str]], length: float) -> Path:
    """A 16 kHz recording with each phrase starting at its time (seconds), quiet elsewhere."""
    track = np.zeros(int(length * RATE), np.int16)
    for at, text in said:
        words = read_wav(spoken(text, folder, pad=0.0))
        from skill.wavfile import stream_chunks

        samples = np.frombuffer(b"".join(stream_chunks(words)), np.int16)
        start = int(at * RATE)
        track[start : start + len(samples)] = samples
    path = folder / "person.wav"
    write_wav(path, track)
    return path


@pytest.fixture
def stopping_track(tmp_path: Path) -> Path:
    """Two answers to the safety questions, then "stop" and "yes" during the massage."""
    return _track(
        tmp_path, [(3.0, "no I don't"), (9.0, "no I don't"), (60.0, "stop"), (64.0, "yes")], 70.0
    )


def test_a_recorded_track_drives_a_whole_session(stopping_track: Path, tmp_path: Path) -> None:
    result = cli(
        "simulate",
        "--audio-in",
        stopping_track,
        "--engine",
        "pocketsphinx",
        "--transcript",
        "out.jsonl",
        "-q",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    heard = [(line["intent"], round(line["t"])) for line in lines if line["kind"] == "heard"]
    assert [intent for intent, _ in heard] == ["no", "no", "stop", "yes"]
    # Each command reaches the session when the recognizer decided it: just after it was said.
    for (_, t), said_at in zip(heard, [3, 9, 60, 64], strict=True):
        assert said_at < t <= said_at + 3
    assert lines[-1] == {**lines[-1], "kind": "state", "text": "stopped"}
    assert any(line["kind"] == "say" and line["step"] for line in lines), "the massage began"


def test_a_track_that_is_not_a_wav_gets_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "in.wav").write_text("not sound", encoding="utf-8")
    result = cli("simulate", "--audio-in", "in.wav", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "in.wav: not a WAV file" in result.stderr


def test_script_and_audio_in_cannot_both_be_given(tmp_path: Path) -> None:
    result = cli("simulate", "--script", "s.txt", "--audio-in", "a.wav", cwd=tmp_path)
    assert result.returncode == 2
    assert "not allowed with" in result.stderr
