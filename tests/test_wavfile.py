"""WAV files: any PCM rate and channel count in, 16 kHz mono chunks of at most 100 ms out."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from skill.errors import AudioFileError
from skill.wavfile import RATE, read_wav, stream_chunks, write_wav


def _tone(path: Path, rate: int, channels: int, width: int, seconds: float = 1.0) -> None:
    t = np.arange(int(rate * seconds)) / rate
    wave_ = 0.5 * np.sin(2 * np.pi * 440 * t)
    scaled = np.round(wave_ * (2 ** (8 * width - 1) - 1)).astype(np.int64)
    if width == 1:
        frames = (scaled + 128).astype(np.uint8).tobytes()
    else:
        frames = b"".join(int(v).to_bytes(width, "little", signed=True) for v in scaled)
    interleaved = b"".join(frames[i : i + width] * channels for i in range(0, len(frames), width))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(interleaved)


@pytest.mark.parametrize(
    ("rate", "channels", "width"),
    [
        (16_000, 1, 2),
        (22_050, 1, 2),
        (44_100, 2, 2),
        (8_000, 1, 1),
        (48_000, 2, 3),
        (32_000, 1, 4),
    ],
)
def test_any_pcm_wav_streams_as_16k_mono_chunks_of_at_most_100_ms(
    tmp_path: Path, rate: int, channels: int, width: int
) -> None:
    path = tmp_path / "tone.wav"
    _tone(path, rate, channels, width)
    recording = read_wav(path)
    assert recording.rate == rate
    assert recording.seconds == pytest.approx(1.0)
    chunks = list(stream_chunks(recording))
    assert all(len(chunk) <= RATE * 2 // 10 for chunk in chunks)
    samples = np.frombuffer(b"".join(chunks), np.int16)
    assert len(samples) == pytest.approx(RATE, abs=RATE * 0.02)
    # Still the same tone at about half of full scale, whatever the input format was.
    assert np.abs(samples[2000:-2000]).max() == pytest.approx(0.5 * 32767, rel=0.05)


def test_written_wav_reads_back_the_same(tmp_path: Path) -> None:
    samples = (np.arange(1600) % 200 - 100).astype(np.int16)
    write_wav(tmp_path / "out.wav", samples)
    recording = read_wav(tmp_path / "out.wav")
    assert recording.rate == RATE
    assert np.array_equal(recording.samples, samples)


def _float_wav(path: Path) -> None:
    """A 32-bit float WAV (format 3), which the wave module does not read."""
    data = np.zeros(160, np.float32).tobytes()
    fmt = (3).to_bytes(2, "little") + (1).to_bytes(2, "little") + RATE.to_bytes(4, "little")
    fmt += (RATE * 4).to_bytes(4, "little") + (4).to_bytes(2, "little") + (32).to_bytes(2, "little")
    body = b"WAVE" + b"fmt " + len(fmt).to_bytes(4, "little") + fmt
    body += b"data" + len(data).to_bytes(4, "little") + data
    path.write_bytes(b"RIFF" + len(body).to_bytes(4, "little") + body)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_text("not audio"), "not a PCM WAV file"),
        (_float_wav, "not a PCM WAV file"),
        (lambda p: write_wav(p, np.zeros(0, np.int16)), "holds no sound"),
    ],
)
def test_a_file_that_is_not_usable_sound_gets_a_clear_error(
    tmp_path: Path, make: object, message: str
) -> None:
    path = tmp_path / "input.wav"
    assert callable(make)
    make(path)
    with pytest.raises(AudioFileError, match=message):
        read_wav(path)
