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


def test_audio_out_holds_what_the_person_would_hear_when_they_would_hear_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "script.txt").write_text("1 yes\n", encoding="utf-8")
    result = cli(
        "simulate",
        "--script",
        "script.txt",
        "--audio-out",
        "out.wav",
        "--transcript",
        "out.jsonl",
        "-q",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    heard = read_wav(tmp_path / "out.wav")
    assert heard.rate == RATE
    said = [
        json.loads(line)
        for line in (tmp_path / "out.jsonl").read_text().splitlines()
        if json.loads(line)["kind"] == "say"
    ]
    from skill.speech_render import SpeechRenderer

    renderer = SpeechRenderer(tmp_path / "cache" / "massage-coach" / "speech")
    first = renderer.render(said[0]["text"])
    # The welcome starts the file, until "yes" at 1 s cuts it off.
    opening = heard.samples[: int(0.9 * RATE)].astype(np.float64)
    assert np.corrcoef(opening, first[: int(0.9 * RATE)].astype(np.float64))[0, 1] > 0.99
    goodbye = renderer.render("Then we won't massage your neck today.")
    after_yes = heard.samples[RATE : RATE + len(goodbye)].astype(np.float64)
    assert np.corrcoef(after_yes, goodbye.astype(np.float64))[0, 1] > 0.99
    # "yes" at 1 s cut the welcome short: the file is the cut welcome and the goodbye, far
    # shorter than everything the coach had queued.
    queued = sum(len(renderer.render(line["text"])) for line in said) / RATE
    assert 1.0 < heard.seconds < queued
