"""Frozen settings for each command, built once by the CLI and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SessionSettings:
    """What every session needs, however it is driven."""

    routine: str = "neck"
    """A routine name from routines/ (like `neck`) or a path to a routine .toml file."""
    speed: float = 1.0
    """Speech and counting pace: 1.0 is the calm default, 0.7 the slowest, 1.3 the fastest."""
    volume: float = 0.8
    """From 0.2 to 1.0."""


@dataclass(frozen=True)
class VoiceSettings:
    """How the coach listens and speaks."""

    engine: str = "auto"
    """auto (Vosk when its model is installed, else pocketsphinx), vosk or pocketsphinx."""
    model: Path | None = None
    """The Vosk model folder, when not in one of the usual places."""
    input_device: str | None = None
    """Microphone by name (a part of it) or index; None: the system's default."""
    output_device: str | None = None
    """Speaker by name (a part of it) or index; None: the system's default."""


@dataclass(frozen=True)
class SimulateSettings:
    """A session driven by a script, or by a recorded input track, on the virtual clock."""

    session: SessionSettings
    voice: VoiceSettings
    script: Path | None = None
    audio_in: Path | None = None
    """The person's side as a recording: decoded by the real recognizer as time moves."""
    audio_out: Path | None = None
    """Where to write everything the person would hear, at the times they would hear it."""
    transcript: Path | None = None
    """Where to write the JSON-lines transcript (None: no file)."""
    quiet: bool = False
    """Print nothing but errors."""
