"""Finds routines by name and loads one with the prompts, checked to fit the 30-minute cap."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skill.dialogue import wrap_up_time
from skill.errors import Problem, RoutineError
from skill.plan import routine_seconds, speaking_seconds
from skill.prompts import Prompts, load_prompts
from skill.routine import Routine
from skill.routine_file import load_routine

PROMPTS_FILE = "prompts.toml"
DEFAULT_ROUTINE = "neck"


def routines_dir() -> Path:
    """Routines ship inside the package when installed, and sit beside it in a checkout."""
    packaged = Path(__file__).parent / "routines"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "routines"


def available() -> list[str]:
    return sorted(p.stem for p in routines_dir().glob("*.toml") if p.name != PROMPTS_FILE)


def routine_path(name_or_path: str) -> Path:
    """A routine named like `neck`, or a path to a .toml file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or len(path.parts) > 1:
        return path
    found = routines_dir() / f"{name_or_path}.toml"
    if not found.is_file():
        names = ", ".join(available()) or "none"
        raise RoutineError(
            name_or_path,
            [
                Problem(
                    "",
                    f"no routine by that name (available: {names}); or give a path to a .toml file",
                )
            ],
        )
    return found


@dataclass(frozen=True)
class Loaded:
    """A routine and the prompts it is spoken with."""

    routine: Routine
    prompts: Prompts

    @property
    def opening_seconds(self) -> float:
        """Welcome, disclaimer and screening questions, as spoken."""
        said = (
            self.prompts.say("welcome")
            + self.routine.disclaimer
            + self.prompts.say("screening_intro")
            + self.prompts.say("screening_passed")
        )
        said += tuple(line for question in self.routine.screening for line in question.ask)
        return speaking_seconds(said, 1.0)

    @property
    def total_seconds(self) -> float:
        """The whole session with no commands and prompt answers."""
        return self.opening_seconds + routine_seconds(self.routine.steps, self.prompts)


def load(name_or_path: str, prompts_path: Path | None = None) -> Loaded:
    """The routine and prompts, or RoutineError/PromptsError listing every problem."""
    prompts = load_prompts(prompts_path or routines_dir() / PROMPTS_FILE)
    routine = load_routine(routine_path(name_or_path))
    loaded = Loaded(routine, prompts)
    wrap_up_at = wrap_up_time(routine, prompts)
    if loaded.total_seconds > wrap_up_at:
        raise RoutineError(
            routine.source,
            [
                Problem(
                    "",
                    (
                        f"takes about {loaded.total_seconds / 60:.1f} minutes with no pauses, "
                        f"but must end by {wrap_up_at / 60:.1f} minutes to stay within the "
                        "30-minute limit with its wrap-up; shorten some times or repetitions"
                    ),
                )
            ],
        )
    return loaded
