"""WAV files in and out: any PCM rate and channel count, streamed as 16 kHz mono chunks."""

from __future__ import annotations

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


def read_wav(path: Path) -> Recording:
    """The file's sound, channels mixed to mono; AudioFileError says what is wrong with it."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise AudioFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AudioFileError(f"{path}: is a folder, not a WAV file") from None
    except (wave.Error, EOFError) as exc:
        raise AudioFileError(
            f"{path}: not a PCM WAV file ({exc}); convert it, for example with "
            f"'sox {path.name} -b 16 out.wav'"
        ) from None
    except OSError as exc:
        raise AudioFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if not frames:
        raise AudioFileError(f"{path}: holds no sound")
    return Recording(_to_mono_int16(frames, width, channels), rate)


def _to_mono_int16(frames: bytes, width: int, channels: int) -> Samples:
    if width == 1:  # 8-bit WAV is unsigned
        wide = (np.frombuffer(frames, np.uint8).astype(np.int32) - 128) << 8
    elif width == 2:
        wide = np.frombuffer(frames, "<i2").astype(np.int32)
    elif width == 3:
        bytes3 = np.frombuffer(frames, np.uint8).reshape(-1, 3)
        wide = (
            bytes3[:, 0].astype(np.int32) << 8
            | bytes3[:, 1].astype(np.int32) << 16
            | bytes3[:, 2].astype(np.int32) << 24
        ) >> 16
    else:
        wide = np.frombuffer(frames, "<i4").astype(np.int64) >> 16
    mono = wide[: len(wide) // channels * channels].reshape(-1, channels).mean(axis=1)
    samples: Samples = np.clip(np.round(mono), -32768, 32767).astype(np.int16)
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
