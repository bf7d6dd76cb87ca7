"""The project's exceptions: one base, each subclass carrying what a person needs to act."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class SkillError(Exception):
    """Base of every error the coach reports to a person instead of a traceback."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file: where it is and what is wrong with it."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class DataFileError(SkillError):
    """A routine or prompts file that cannot be used; lists every problem, not just the first."""

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{path}: {len(self.problems)} {noun}; nothing was started.\n{lines}")


class RoutineError(DataFileError):
    """A routine file (routines/*.toml) that cannot be used."""


class PromptsError(DataFileError):
    """The prompts file (routines/prompts.toml) that cannot be used."""


class ScriptError(SkillError):
    """A simulate script with a line that cannot be read."""


class OutputError(SkillError):
    """A transcript or other output file that cannot be written."""


class AudioFileError(SkillError):
    """A sound file that cannot be read or written."""


class RecognizerError(SkillError):
    """A speech engine that cannot start or run, with what to do about it."""


class ModelError(SkillError):
    """A speech model that is missing, incomplete, or could not be downloaded, with what to do."""


class SpeechError(SkillError):
    """Text to speech that cannot start or render, with what to do."""


class AudioDeviceError(SkillError):
    """A microphone or speaker that is missing, busy or gone, with what to do."""
