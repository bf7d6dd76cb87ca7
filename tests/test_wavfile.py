"""WAV files: any PCM rate and channel count in, 16 kHz mono chunks of at most 100 ms out."""

from __future__ import annotations

import struct
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


def _riff(path: Path, tag: int, bits: int, data: bytes, extensible: bool = False) -> None:
    """A mono 16 kHz WAV with any format tag, written by hand (the wave module writes PCM only)."""
    block = bits // 8
    fmt = struct.pack("<HHIIHH", 0xFFFE if extensible else tag, 1, RATE, RATE * block, block, bits)
    if extensible:
        guid_tail = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt += struct.pack("<HHI", 22, bits, 4) + struct.pack("<H", tag) + guid_tail
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


@pytest.mark.parametrize(
    ("tag", "bits", "dtype", "extensible"),
    [(3, 32, "<f4", False), (3, 64, "<f8", False), (3, 32, "<f4", True), (1, 16, "<i2", True)],
)
def test_float_and_extensible_wav_are_read(
    tmp_path: Path, tag: int, bits: int, dtype: str, extensible: bool
) -> None:
    values = np.array([0.0, 0.5, -0.5, 0.25] * 400)
    scaled = values * 32767 if dtype == "<i2" else values
    _riff(tmp_path / "in.wav", tag, bits, scaled.astype(dtype).tobytes(), extensible)
    recording = read_wav(tmp_path / "in.wav")
    assert recording.rate == RATE
    assert np.allclose(recording.samples / 32768, values, atol=1e-3)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_text("not audio"), "no RIFF WAVE header"),
        (lambda p: _riff(p, 2, 4, bytes(100)), "format 2 with 4-bit samples is not supported"),
        (lambda p: p.write_bytes(b"RIFF\x04\x00\x00\x00WAVE"), "no format or no data chunk"),
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
