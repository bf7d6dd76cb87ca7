"""What the tests share: the shipped routine, and whole sessions run on the virtual clock."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from skill import catalog
from skill.clock import VirtualClock
from skill.dialogue import Dialogue
from skill.ports import TranscriptLine
from skill.script import ScriptedCommands, parse_script
from skill.session import Session

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

Line = dict[str, Any]


@dataclass
class Recorded:
    """A transcript kept in memory, as the JSON-lines file would hold it."""

    lines: list[Line] = field(default_factory=list)

    def write(self, line: TranscriptLine) -> None:
        self.lines.append(line.as_dict())


@dataclass(frozen=True)
class Run:
    """A finished simulated session."""

    lines: list[Line]
    unused: int

    @property
    def outcome(self) -> str:
        last = self.lines[-1]
        assert last["kind"] == "state"
        return str(last["text"])

    @property
    def said(self) -> list[str]:
        return [line["text"] for line in self.lines if line["kind"] == "say"]

    def find(self, **match: Any) -> Iterator[Line]:
        return (line for line in self.lines if all(line.get(k) == v for k, v in match.items()))

    def first(self, **match: Any) -> Line:
        found = next(self.find(**match), None)
        assert found is not None, f"no transcript line matches {match}"
        return found

    def after(self, t: float) -> Run:
        """The lines from virtual time `t` on."""
        return Run([line for line in self.lines if line["t"] >= t], self.unused)

    @property
    def end(self) -> float:
        return float(self.lines[-1]["t"])


def simulate(script: str, routine: str = "neck", speed: float = 1.0) -> Run:
    """Run a whole session driven by `script` ("SECONDS UTTERANCE" lines) on a virtual clock."""
    loaded = catalog.load(routine)
    clock = VirtualClock()
    commands = ScriptedCommands(parse_script(script), clock)
    recorded = Recorded()
    dialogue = Dialogue(loaded.routine, loaded.prompts, speed=speed)
    Session(dialogue, clock, commands, transcripts=[recorded]).run()
    return Run(recorded.lines, commands.unused)


SCREENED = "1 no\n2 no\n"
"""Both screening questions answered "no": the massage begins at about two seconds."""


@cache
def plain_run() -> Run:
    """The whole routine with no commands, to find when things happen (run once, shared)."""
    return simulate(SCREENED)


def during(kind: str, step: str, offset: float = 3.0) -> float:
    """A time `offset` seconds after `step`'s cue of `kind` in a plain run."""
    return round(float(plain_run().first(kind="cue", text=kind, step=step)["t"]) + offset, 3)


CLI_TIMEOUT = 60.0
"""No command line run by a test may take longer than this."""


def cli(*args: str | Path, stdin: str | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`massage-coach ARGS...` in `cwd`, with `stdin` typed in (empty when None)."""
    return subprocess.run(
        [sys.executable, "-m", "skill", *map(str, args)],
        input="" if stdin is None else stdin,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=CLI_TIMEOUT,
        check=False,
    )
