"""Routine files: every malformed file is rejected naming file, step and field; good ones load."""

from __future__ import annotations

import tomllib
from functools import cache
from itertools import takewhile
from pathlib import Path
from typing import Any

import pytest

from skill import catalog
from skill.errors import DataFileError, RoutineError
from skill.routine import Cue, Routine, StepKind, other_side
from tests.helpers import DATA, ROOT

BAD = DATA / "bad_routines"
GOOD = DATA / "good_routines"
ROUTINES = ROOT / "routines"
NECK = ROUTINES / "neck.toml"
EXPECT = "# expect: "


def _expectations(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix(EXPECT) for line in takewhile(lambda s: s.startswith(EXPECT), lines)]


def _error(name_or_path: str) -> str:
    with pytest.raises(RoutineError) as info:
        catalog.load(name_or_path)
    return str(info.value)


@pytest.mark.parametrize(
    "path", [pytest.param(path, id=path.stem) for path in sorted(BAD.glob("*.toml"))]
)
def test_bad_routine_is_rejected_with_every_expected_problem(path: Path) -> None:
    with pytest.raises(DataFileError) as info:
        catalog.load(str(path))
    message = str(info.value)
    assert isinstance(info.value, RoutineError)
    assert message.startswith(f"{path}: ")
    for expected in _expectations(path):
        assert expected in message


def test_there_are_at_least_twenty_bad_routines() -> None:
    assert len(list(BAD.glob("*.toml"))) >= 20


def test_every_bad_routine_starts_with_what_it_expects() -> None:
    for path in BAD.glob("*.toml"):
        expected = _expectations(path)
        assert expected, f"{path.name} does not start with '{EXPECT}'"
        assert all(text.strip() for text in expected), path.name


def test_several_problems_are_all_listed_not_just_the_first() -> None:
    with pytest.raises(RoutineError) as info:
        catalog.load(str(BAD / "several_problems.toml"))
    assert len(info.value.problems) == 8
    assert str(info.value).count("\n  - ") == 8


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(path, id=path.stem)
        for path in [*sorted(ROUTINES.glob("*.toml")), GOOD / "tiny.toml"]
        if path.name != catalog.PROMPTS_FILE
    ],
)
def test_good_routine_loads(path: Path) -> None:
    loaded = catalog.load(str(path))
    assert loaded.routine.steps
    assert loaded.routine.source == str(path)


def test_tiny_routine_uses_every_step_kind_and_both_sides() -> None:
    routine = catalog.load(str(GOOD / "tiny.toml")).routine
    assert {step.kind for step in routine.steps} == set(StepKind)
    assert {step.side for step in routine.steps} == {None, "right", "left"}


@cache
def _neck() -> Routine:
    return catalog.load("neck").routine


@cache
def _neck_sections() -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = tomllib.loads(NECK.read_text(encoding="utf-8"))["sections"]
    return sections


def _sided() -> list[dict[str, Any]]:
    return [section for section in _neck_sections() if "sides" in section]


def _sentences(value: str | list[str], side: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    return tuple(s.format(side=side, other_side=other_side(side)).strip() for s in items)


def test_neck_has_sided_sections() -> None:
    assert len(_sided()) >= 2


def test_sided_sections_yield_steps_for_both_sides() -> None:
    ids = [step.id for step in _neck().steps]
    assert "back.right.find_mastoid" in ids
    assert "back.left.find_mastoid" in ids
    for section in _sided():
        for side in section["sides"]:
            for step in section["steps"]:
                assert f"{section['id']}.{side}.{step['id']}" in ids


def test_sided_steps_name_their_side() -> None:
    for step in _neck().steps:
        if step.side is not None:
            assert step.id.split(".")[1] == step.side


def test_no_placeholder_is_left_in_spoken_text() -> None:
    for step in _neck().steps:
        for sentence in (*step.lead, *step.say, *step.halfway, *step.end):
            assert "{" not in sentence and "}" not in sentence, (step.id, sentence)


def test_second_side_uses_the_again_words() -> None:
    routine = _neck()
    for section in _sided():
        first, second = section["sides"]
        for template in section["steps"]:
            step_id = template["id"]
            opening = routine.steps[routine.index_of(f"{section['id']}.{first}.{step_id}")]
            assert opening.say == _sentences(template["say"], first)
            again = template.get("again", template["say"])
            later = routine.steps[routine.index_of(f"{section['id']}.{second}.{step_id}")]
            assert later.say == _sentences(again, second)


def test_second_side_opens_with_the_switch_side_cue() -> None:
    routine = _neck()
    for section in _sided():
        first, second = section["sides"]
        opening = section["steps"][0]["id"]
        first_side = routine.steps[routine.index_of(f"{section['id']}.{first}.{opening}")]
        second_side = routine.steps[routine.index_of(f"{section['id']}.{second}.{opening}")]
        assert first_side.lead_cue is None
        assert second_side.lead_cue is Cue.SWITCH_SIDE
        assert second_side.lead == _sentences(section["side_intro"], second)


def test_wrap_up_starts_at_the_first_step_of_the_last_section() -> None:
    last = _neck_sections()[-1]
    routine = _neck()
    assert routine.steps[routine.wrap_up_from].id == f"{last['id']}.{last['steps'][0]['id']}"
    assert routine.steps[routine.wrap_up_from - 1].section != last["id"]


def test_missing_file_says_no_such_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    message = _error(str(path))
    assert message.startswith(f"{path}: ")
    assert "no such file" in message


def test_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    message = _error(str(tmp_path))
    assert message.startswith(f"{tmp_path}: ")
    assert "folder" in message


def test_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b"\xff\xfe")
    message = _error(str(path))
    assert message.startswith(f"{path}: ")
    assert "UTF-8" in message


def test_unknown_routine_name_lists_the_available_ones() -> None:
    message = _error("nope")
    assert message.startswith("nope: ")
    assert "no routine by that name" in message
    assert f"available: {', '.join(catalog.available())}" in message
    assert "neck" in catalog.available()


def test_a_sided_section_intro_is_said_once_with_its_side_filled_in() -> None:
    steps = catalog.load(str(GOOD / "tiny.toml")).routine.steps
    leads = [line for step in steps for line in step.lead]
    assert "Now your shoulders, starting with the right one." in leads
    assert not any("{" in line for line in leads)
