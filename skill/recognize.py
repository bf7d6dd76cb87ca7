"""Recognising commands in WAV files, streamed exactly as the microphone's sound would be."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

from skill.recognition import Detection, SpeechEngine, decode
from skill.wavfile import read_wav, stream_chunks


@dataclass(frozen=True)
class FileResult:
    """What `massage-coach recognize --json` prints for one file (a stable contract)."""

    file: str
    events: list[Detection]
    audio_seconds: float
    decode_seconds: float

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "events": [_event(event) for event in self.events],
            "audio_seconds": round(self.audio_seconds, 3),
            "decode_seconds": round(self.decode_seconds, 4),
        }


def _event(event: Detection) -> dict[str, object]:
    fields = asdict(event)
    rounded = {k: round(v, 3) for k, v in fields.items() if isinstance(v, float)}
    return {**fields, **rounded, "intent": event.intent.value}


def recognize_file(path: Path, engine: SpeechEngine) -> FileResult:
    """Every command heard in the file, decoded in chunks of at most 100 ms."""
    recording = read_wav(path)
    stream = engine.stream()
    started = time.perf_counter()
    events = decode(stream, stream_chunks(recording))
    return FileResult(str(path), events, recording.seconds, time.perf_counter() - started)
