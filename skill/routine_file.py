"""Loads a routine TOML file into a Routine, mirroring sided sections, reporting every problem."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skill.checks import Checker, read_toml
from skill.errors import RoutineError
from skill.routine import SIDES, Cue, Question, Routine, Step, StepKind, other_side

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_FIELDS = {"name", "disclaimer", "screening", "sections"}
_SECTION_FIELDS = {"id", "title", "sides", "intro", "side_intro", "wrap_up", "steps"}
_COMMON_FIELDS = {"id", "kind", "say", "again"}
# What each kind of step may declare, beyond id, kind and say.
_KIND_FIELDS: dict[StepKind, set[str]] = {
    StepKind.INSTRUCTION: {"settle", "wait"},
    StepKind.TIMED: {"seconds", "halfway", "end"},
    StepKind.HOLD: {"seconds", "halfway", "end"},
    StepKind.REPS: {"count", "pace", "end"},
    StepKind.STRETCH: {"count", "seconds", "pace", "end"},
}
_SIDE_FIELDS = frozenset({"side", "other_side"})


def load_routine(path: Path) -> Routine:
    """The routine in `path`; RoutineError lists every problem (file, step, field)."""
    return routine_from_dict(read_toml(path, RoutineError), str(path))


def routine_from_dict(data: Mapping[str, Any], source: str) -> Routine:
    """The routine described by a parsed TOML document."""
    check = Checker()
    check.unknown_fields(data, _TOP_FIELDS, "top level")
    name = check.text(data, "name", "top level")
    disclaimer = check.sentences(data, "disclaimer", "top level", required=True)
    screening = tuple(
        _question(check, table, f"screening {i + 1}")
        for i, table in enumerate(check.tables(data, "screening", ""))
    )
    steps: list[Step] = []
    wrap_up_from: list[int] = []
    sections = check.tables(data, "sections", "")
    section_ids: set[str] = set()
    for number, section in enumerate(sections, start=1):
        where = f"section {number}"
        section_id = _identifier(check, section, where, section_ids)
        where = f"section '{section_id}'" if section_id else where
        if check.flag(section, "wrap_up", where):
            if number != len(sections):
                check.note(where, "only the last section can be the wrap-up (wrap_up = true)")
            wrap_up_from.append(len(steps))
        steps.extend(_section_steps(check, section, section_id, where))
    if sections and not wrap_up_from:
        check.note(
            "",
            "the last section must be the wrap-up: add wrap_up = true to it "
            "(the 30-minute cap ends the session there)",
        )
    if check.problems:
        raise RoutineError(source, check.problems)
    return Routine(name, source, disclaimer, screening, tuple(steps), wrap_up_from[0])


def _question(check: Checker, table: Mapping[str, Any], where: str) -> Question:
    check.unknown_fields(table, {"ask", "if_yes"}, where)
    return Question(
        ask=check.sentences(table, "ask", where, required=True),
        if_yes=check.sentences(table, "if_yes", where, required=True),
    )


def _identifier(check: Checker, table: Mapping[str, Any], where: str, seen: set[str]) -> str:
    value = check.text(table, "id", where)
    if value and not _ID.match(value):
        check.note(
            where, f"id '{value}' must be lower-case letters, digits and _, starting with a letter"
        )
    elif value and value in seen:
        check.note(where, f"id '{value}' is used twice")
    seen.add(value)
    return value


def _section_steps(
    check: Checker, section: Mapping[str, Any], section_id: str, where: str
) -> list[Step]:
    """The section's steps, once per side for a sided section."""
    check.unknown_fields(section, _SECTION_FIELDS, where)
    title = check.text(section, "title", where)
    sides = _sides(check, section, where)
    fields = _SIDE_FIELDS if sides else frozenset()
    intro = check.sentences(section, "intro", where, required=False, fields=fields)
    side_intro = check.sentences(section, "side_intro", where, required=bool(sides), fields=fields)
    if side_intro and not sides:
        check.note(where, "'side_intro' needs 'sides' (this section is not mirrored)")
    tables = check.tables(section, "steps", where)
    step_ids: set[str] = set()
    templates = [
        _step_template(check, table, f"{where}, step {i + 1}", fields, step_ids)
        for i, table in enumerate(tables)
    ]
    steps: list[Step] = []
    for side_number, side in enumerate(sides or (None,)):
        lead = _fill(intro if side_number == 0 else (), side) + _fill(side_intro, side)
        for i, template in enumerate(templates):
            if template is None:
                continue
            steps.append(
                Step(
                    id=".".join(part for part in (section_id, side, template.id) if part),
                    kind=template.kind,
                    say=_fill(
                        template.again if side_number and template.again else template.say, side
                    ),
                    section=section_id,
                    section_title=title,
                    side=side,
                    lead=lead if i == 0 else (),
                    lead_cue=Cue.SWITCH_SIDE if i == 0 and side_number > 0 else None,
                    seconds=template.seconds,
                    count=template.count,
                    pace=template.pace,
                    settle=template.settle,
                    wait=template.wait,
                    halfway=_fill(template.halfway, side),
                    end=_fill(template.end, side),
                )
            )
    return steps


def _sides(check: Checker, section: Mapping[str, Any], where: str) -> tuple[str, ...]:
    value = section.get("sides")
    if value is None:
        return ()
    if isinstance(value, list) and sorted(map(str, value)) == sorted(SIDES):
        return tuple(str(side) for side in value)
    check.note(
        f"{where}, field 'sides'", f'must be ["right", "left"] or ["left", "right"], got {value!r}'
    )
    return ()


def _step_template(
    check: Checker,
    table: Mapping[str, Any],
    where: str,
    fields: frozenset[str],
    seen: set[str],
) -> Step | None:
    """One step as written, before sides are filled in; None when its kind is unusable."""
    step_id = _identifier(check, table, where, seen)
    where = f"{where} '{step_id}'" if step_id else where
    say = check.sentences(table, "say", where, required=True, fields=fields)
    kind_name = table.get("kind")
    try:
        kind = StepKind(str(kind_name))
    except ValueError:
        kinds = ", ".join(kind.value for kind in StepKind)
        check.note(where, f"field 'kind': must be one of {kinds}, got {kind_name!r}")
        return None
    check.unknown_fields(table, _COMMON_FIELDS | _KIND_FIELDS[kind], where)
    again = check.sentences(table, "again", where, required=False, fields=fields)
    if again and not fields:
        check.note(
            where, "'again' is for mirrored sections: add 'sides' to the section, or remove 'again'"
        )
    halfway = check.sentences(table, "halfway", where, required=False, fields=fields)
    end = check.sentences(table, "end", where, required=False, fields=fields)
    seconds = count = pace = 0.0
    if kind is StepKind.TIMED:
        seconds = check.number(table, "seconds", where, 10, 600)
    elif kind is StepKind.HOLD:
        seconds = check.number(table, "seconds", where, 5, 300)
    elif kind is StepKind.REPS:
        count = check.number(table, "count", where, 1, 20, whole=True)
        pace = check.number(table, "pace", where, 2, 30)
    elif kind is StepKind.STRETCH:
        count = check.number(table, "count", where, 1, 20, whole=True)
        seconds = check.number(table, "seconds", where, 1, 60)
        pace = check.number(table, "pace", where, 1, 30)
    return Step(
        id=step_id,
        kind=kind,
        say=say,
        section="",
        section_title="",
        seconds=seconds,
        count=int(count),
        pace=pace,
        settle=check.number(table, "settle", where, 0, 60, default=3.0),
        wait=check.flag(table, "wait", where),
        halfway=halfway,
        end=end,
        again=again,
    )


def _fill(sentences: tuple[str, ...], side: str | None) -> tuple[str, ...]:
    """The sentences for `side`; a sentence with a bad placeholder (already noted as a problem)
    is left as it is, since the file is rejected anyway."""
    if side is None:
        return sentences
    filled = []
    for sentence in sentences:
        try:
            filled.append(sentence.format(side=side, other_side=other_side(side)))
        except (KeyError, IndexError, ValueError):
            filled.append(sentence)
    return tuple(filled)
