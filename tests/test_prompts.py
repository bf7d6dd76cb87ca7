"""The prompts file: the shipped one loads, and each kind of mistake names the prompt key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from skill.errors import PromptsError
from skill.prompts import MAX_COUNT, PROMPT_FIELDS, Prompts, load_prompts, prompts_from_dict
from tests.helpers import ROOT

SHIPPED = ROOT / "routines" / "prompts.toml"


def _shipped() -> dict[str, Any]:
    """A fresh copy of the shipped prompts, parsed, for one test to change."""
    return tomllib.loads(SHIPPED.read_text(encoding="utf-8"))


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(PromptsError) as info:
        prompts_from_dict(data, "prompts.toml")
    message = str(info.value)
    assert message.startswith("prompts.toml: ")
    return message


def test_shipped_prompts_load() -> None:
    prompts = load_prompts(SHIPPED)
    assert set(prompts.table) == set(PROMPT_FIELDS)
    assert len(prompts.numbers) >= MAX_COUNT


def test_shipped_file_defines_exactly_the_prompts_the_dialogue_uses() -> None:
    assert set(PROMPT_FIELDS) == set(_shipped()) - {"numbers"}


def test_every_shipped_prompt_fills_in_with_its_fields() -> None:
    prompts = load_prompts(SHIPPED)
    for key, fields in PROMPT_FIELDS.items():
        for sentence in prompts.say(key, **{field: "x" for field in fields}):
            assert sentence and "{" not in sentence, key


def test_missing_prompt_is_named() -> None:
    data = _shipped()
    del data["welcome"]
    assert "prompt 'welcome': missing 'welcome'" in _error(data)


def test_unknown_prompt_is_named_with_the_allowed_keys() -> None:
    data = _shipped()
    data["welcom"] = "Hello."
    message = _error(data)
    assert "unknown field 'welcom' (allowed here: " in message
    assert "welcome" in message.split("welcom'", 1)[1]


def test_unknown_field_in_a_prompt_is_named() -> None:
    data = _shipped()
    data["skipping"] = "Skipping the rest of {sectoin}."
    message = _error(data)
    assert "prompt 'skipping', field 'skipping': {sectoin} cannot be filled in here" in message
    assert "(known: {section})" in message


def test_field_in_a_prompt_that_takes_none_is_named() -> None:
    data = _shipped()
    data["welcome"] = "Hello {name}."
    assert "prompt 'welcome', field 'welcome': {name} cannot be filled in here (known: none)" in (
        _error(data)
    )


def test_empty_prompt_is_named() -> None:
    data = _shipped()
    data["paused"] = []
    assert "prompt 'paused', field 'paused': must be a sentence or a non-empty list" in (
        _error(data)
    )


def test_short_numbers_are_named() -> None:
    data = _shipped()
    data["numbers"] = data["numbers"][:10]
    assert f"prompt 'numbers': must count up to {MAX_COUNT}, has 10" in _error(data)


def test_every_prompt_problem_is_listed() -> None:
    data = _shipped()
    del data["welcome"]
    data["halfway"] = "Halfway {n}."
    data["numbers"] = ["One."]
    message = _error(data)
    assert "3 problems;" in message
    assert "prompt 'welcome'" in message
    assert "prompt 'halfway'" in message
    assert "prompt 'numbers'" in message


def test_missing_prompts_file_says_no_such_file(tmp_path: Path) -> None:
    path = tmp_path / "prompts.toml"
    with pytest.raises(PromptsError) as info:
        load_prompts(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "no such file" in str(info.value)


@pytest.mark.parametrize(
    ("seconds", "spoken"),
    [
        (0.3, "1 second"),
        (1, "1 second"),
        (45, "45 seconds"),
        (89, "89 seconds"),
        (200, "3 minutes"),
        (600, "10 minutes"),
    ],
)
def test_duration_is_said_in_seconds_then_whole_minutes(seconds: float, spoken: str) -> None:
    prompts: Prompts = load_prompts(SHIPPED)
    assert prompts.duration(seconds) == spoken
