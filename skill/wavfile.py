"""WAV files in and out: any rate, channel count and sample format, streamed as 16 kHz mono."""

from __future__ import annotations

import struct
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soxr

from skill.errors import AudioFileError

RATE = 16_000
"""What the recognizers take and the microphone gives: 16 kHz, mono, 16-bit."""
Samples = npt.NDArray[np.int16]


@dataclass(frozen=True)
class Recording:
    """A WAV file's sound as mono 16-bit samples at its own rate."""

    samples: Samples
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


def read_wav(path: Path) -> Recording:
    """The file's sound, channels mixed to mono; AudioFileError says what is wrong with it.

    Reads PCM (8, 16, 24, 32-bit) and float (32, 64-bit) WAV, plain or "extensible".
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AudioFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AudioFileError(f"{path}: is a folder, not a WAV file") from None
    except OSError as exc:
        raise AudioFileError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        tag, channels, rate, bits, frames = _parse_riff(data)
    except ValueError as exc:
        raise AudioFileError(
            f"{path}: not a WAV file this coach can read ({exc}); convert it to 16-bit PCM, "
            f"for example with 'sox {path.name} -b 16 out.wav'"
        ) from None
    usable = len(frames) // (channels * bits // 8) * (channels * bits // 8)
    if usable == 0:
        raise AudioFileError(f"{path}: holds no sound")
    return Recording(_to_mono_int16(frames[:usable], tag, bits, channels), rate)


def _parse_riff(data: bytes) -> tuple[int, int, int, int, bytes]:
    """Format tag, channels, rate, bits per sample and the sample bytes of a RIFF WAVE."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("no RIFF WAVE header")
    chunks: dict[bytes, bytes] = {}
    at = 12
    while at + 8 <= len(data):
        size = int.from_bytes(data[at + 4 : at + 8], "little")
        chunks.setdefault(data[at : at + 4], data[at + 8 : at + 8 + size])
        at += 8 + size + (size & 1)  # chunks are padded to an even length
    fmt = chunks.get(b"fmt ", b"")
    if len(fmt) < 16 or b"data" not in chunks:
        raise ValueError("no format or no data chunk")
    tag, channels, rate = struct.unpack_from("<HHI", fmt, 0)
    (bits,) = struct.unpack_from("<H", fmt, 14)
    if tag == _EXTENSIBLE and len(fmt) >= 26:
        (tag,) = struct.unpack_from("<H", fmt, 24)  # the sub-format's leading code
    pcm_ok = tag == _PCM and bits in (8, 16, 24, 32)
    if not (pcm_ok or (tag == _FLOAT and bits in (32, 64))) or not channels or not rate:
        raise ValueError(f"format {tag} with {bits}-bit samples is not supported")
    return tag, channels, rate, bits, chunks[b"data"]


def _to_mono_int16(frames: bytes, tag: int, bits: int, channels: int) -> Samples:
    """Samples scaled to -1..1, channels averaged, then 16-bit."""
    if tag == _FLOAT:
        unit = np.frombuffer(frames, "<f4" if bits == 32 else "<f8").astype(np.float64)
    elif bits == 8:  # 8-bit WAV is unsigned
        unit = (np.frombuffer(frames, np.uint8).astype(np.float64) - 128) / 128
    elif bits == 24:
        triples = np.frombuffer(frames, np.uint8).reshape(-1, 3).astype(np.int32)
        joined = (triples[:, 0] << 8 | triples[:, 1] << 16 | triples[:, 2] << 24) >> 8
        unit = joined / float(1 << 23)
    else:
        unit = np.frombuffer(frames, f"<i{bits // 8}").astype(np.float64) / float(1 << (bits - 1))
    mono = unit.reshape(-1, channels).mean(axis=1)
    samples: Samples = np.clip(np.round(mono * 32768), -32768, 32767).astype(np.int16)
    return samples


def stream_chunks(recording: Recording, seconds: float = 0.1) -> Iterator[bytes]:
    """The recording as a live stream: 16 kHz mono int16 chunks of at most `seconds`,
    resampled chunk by chunk as sound from a device at another rate would be."""
    step, most = max(1, int(recording.rate * seconds)), max(1, int(RATE * seconds))
    resampler = (
        None
        if recording.rate == RATE
        else soxr.ResampleStream(recording.rate, RATE, 1, dtype="int16")
    )
    total = len(recording.samples)
    for start in range(0, total, step):
        chunk = recording.samples[start : start + step]
        if resampler is not None:
            chunk = resampler.resample_chunk(chunk, last=start + step >= total)
        # A resampler may hold back a little and hand it over later: never more than `most`.
        for piece in range(0, len(chunk), most):
            yield chunk[piece : piece + most].tobytes()


def write_wav(path: Path, samples: Samples, rate: int = RATE) -> None:
    """Mono 16-bit PCM."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
