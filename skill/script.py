"""Simulate scripts: `SECONDS UTTERANCE` lines, played at their times on a virtual clock."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from skill.clock import VirtualClock
from skill.commands import parse
from skill.errors import ScriptError
from skill.ports import DeviceSignal, Utterance


@dataclass(frozen=True)
class ScriptLine:
    """The person says `text` at `seconds` after the session started."""

    seconds: float
    text: str


def read_script(path: Path) -> list[ScriptLine]:
    """Every line of the script, or ScriptError listing each bad line by number."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScriptError(f"{path}: no such script file") from None
    except IsADirectoryError:
        raise ScriptError(f"{path}: is a folder; give a script file") from None
    except UnicodeDecodeError:
        raise ScriptError(f"{path}: is not UTF-8 text") from None
    except OSError as exc:
        raise ScriptError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_script(text, str(path))


def parse_script(text: str, source: str = "script") -> list[ScriptLine]:
    lines: list[ScriptLine] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        content = raw.strip()
        if not content or content.startswith("#"):
            continue
        seconds_text, _, said = content.partition(" ")
        try:
            seconds = float(seconds_text)
        except ValueError:
            seconds = math.nan
        if not math.isfinite(seconds) or seconds < 0:
            problems.append(
                f"line {number}: starts with {seconds_text!r}, not a number of "
                "seconds (write it as: 12.5 next)"
            )
        elif not said.strip():
            problems.append(f"line {number}: says nothing after {seconds_text}")
        elif lines and seconds < lines[-1].seconds:
            problems.append(
                f"line {number}: {seconds:g} s comes before the line above "
                f"({lines[-1].seconds:g} s); keep the lines in time order"
            )
        else:
            lines.append(ScriptLine(seconds, said.strip()))
    if problems:
        raise ScriptError(
            f"{source}: {len(problems)} bad line(s); nothing was run.\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return lines


class ScriptedCommands:
    """Plays a script's lines at their times, moving the virtual clock as it goes."""

    def __init__(self, lines: list[ScriptLine], clock: VirtualClock) -> None:
        self._lines = deque(lines)
        self._clock = clock
        self._t0 = clock.now()

    @property
    def unused(self) -> int:
        """Lines never reached because the session ended first."""
        return len(self._lines)

    def wait(self, until: float | None) -> Utterance | DeviceSignal | None:
        if self._lines and (until is None or self._t0 + self._lines[0].seconds <= until):
            line = self._lines.popleft()
            self._clock.advance_to(self._t0 + line.seconds)
            return Utterance(line.text, parse(line.text))
        if until is None:
            raise RuntimeError(
                "nothing scheduled and nothing left to hear: the session would never end"
            )
        self._clock.advance_to(until)
        return None
