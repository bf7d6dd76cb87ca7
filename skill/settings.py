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
class SimulateSettings:
    """A session driven by a script on the virtual clock."""

    session: SessionSettings
    script: Path
    transcript: Path | None = None
    """Where to write the JSON-lines transcript (None: no file)."""
    quiet: bool = False
    """Print nothing but errors."""
