"""The coach's own sentences outside the routine steps, loaded from routines/prompts.toml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.checks import Checker, read_toml
from skill.errors import PromptsError

_NONE: frozenset[str] = frozenset()

# Every prompt the dialogue uses, with the {fields} it may fill in. The file must define all
# of them, and may use no other field: a typo fails at load time, not mid-massage.
PROMPT_FIELDS: dict[str, frozenset[str]] = {
    "welcome": _NONE,
    "screening_intro": _NONE,
    "answer_yes_or_no": _NONE,
    "ask_again": _NONE,
    "screening_unclear": _NONE,
    "declined": _NONE,
    "screening_passed": _NONE,
    "ready_prompt": _NONE,
    "moving_on": _NONE,
    "going_back": _NONE,
    "first_step": _NONE,
    "skipping": frozenset({"section"}),
    "last_part": _NONE,
    "paused": _NONE,
    "still_paused": _NONE,
    "resumed": _NONE,
    "not_paused": _NONE,
    "confirm_stop": _NONE,
    "carry_on": _NONE,
    "no_answer_carry_on": _NONE,
    "stopped": _NONE,
    "tender_spot": frozenset({"seconds"}),
    "tender_spot_halfway": _NONE,
    "tender_spot_end": _NONE,
    "back_to_routine": _NONE,
    "already_tender": _NONE,
    "finish_hold_first": _NONE,
    "pain": _NONE,
    "pain_choice": _NONE,
    "pain_continue": _NONE,
    "pain_no_answer": _NONE,
    "warning_sign": _NONE,
    "seconds_one": _NONE,
    "seconds_many": frozenset({"n"}),
    "minutes_many": frozenset({"n"}),
    "time_left_step": frozenset({"remaining"}),
    "time_left_session": frozenset({"remaining"}),
    "time_left_questions": frozenset({"remaining"}),
    "where": frozenset({"number", "total", "section"}),
    "where_side": frozenset({"number", "total", "section", "side"}),
    "where_screening": _NONE,
    "where_tender_spot": _NONE,
    "help_running": _NONE,
    "help_paused": _NONE,
    "help_question": _NONE,
    "help_pain": _NONE,
    "help_wrap_up": _NONE,
    "slower": _NONE,
    "faster": _NONE,
    "louder": _NONE,
    "softer": _NONE,
    "slowest": _NONE,
    "fastest": _NONE,
    "loudest": _NONE,
    "softest": _NONE,
    "longer": frozenset({"seconds"}),
    "nothing_to_extend": _NONE,
    "cap_too_close": _NONE,
    "cap_warning": frozenset({"minutes"}),
    "cap_reached": _NONE,
    "time_up": _NONE,
    "at_limit": _NONE,
    "no_question": _NONE,
    "already_started": _NONE,
    "not_understood": _NONE,
    "engine_vosk": _NONE,
    "engine_pocketsphinx": _NONE,
    "device_lost": _NONE,
    "device_back": _NONE,
    "last_seconds": frozenset({"seconds"}),
    "halfway": _NONE,
    "hold_end": _NONE,
    "timed_end": _NONE,
    "reps_end": _NONE,
    "stretch_in": frozenset({"number"}),
    "stretch_out": _NONE,
}
MAX_COUNT = 20
"""Counted steps go up to this many repetitions; `numbers` must name each of them."""


@dataclass(frozen=True)
class Prompts:
    """Sentences by key; `say` fills in fields and returns them ready to speak."""

    table: Mapping[str, tuple[str, ...]]
    numbers: tuple[str, ...]

    def say(self, key: str, **fields: object) -> tuple[str, ...]:
        return tuple(sentence.format(**fields) for sentence in self.table[key])

    def duration(self, seconds: float) -> str:
        """A length of time as spoken: seconds below a minute and a half, else whole minutes."""
        whole = max(1, round(seconds))
        if whole < 90:
            return (
                self.say("seconds_one")[0] if whole == 1 else self.say("seconds_many", n=whole)[0]
            )
        return self.say("minutes_many", n=round(whole / 60))[0]


def load_prompts(path: Path) -> Prompts:
    """The prompts in `path`; PromptsError lists every missing, unknown or malformed prompt."""
    return prompts_from_dict(read_toml(path, PromptsError), str(path))


def prompts_from_dict(data: Mapping[str, Any], source: str) -> Prompts:
    check = Checker()
    check.unknown_fields(data, {*PROMPT_FIELDS, "numbers"}, "")
    table = {
        key: check.sentences(data, key, f"prompt '{key}'", required=True, fields=fields)
        for key, fields in PROMPT_FIELDS.items()
    }
    numbers = check.sentences(data, "numbers", "prompt 'numbers'", required=True)
    if numbers and len(numbers) < MAX_COUNT:
        check.note("prompt 'numbers'", f"must count up to {MAX_COUNT}, has {len(numbers)}")
    if check.problems:
        raise PromptsError(source, check.problems)
    return Prompts(table, numbers)
