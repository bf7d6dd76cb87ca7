"""Field checks for data files that collect every problem instead of stopping at the first."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from skill.errors import DataFileError, Problem


def read_toml(path: Path, error: Callable[[str, list[Problem]], DataFileError]) -> dict[str, Any]:
    """The parsed TOML document at `path`, or `error` naming why it cannot be read."""

    def fail(message: str) -> DataFileError:
        return error(str(path), [Problem("", message)])

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file; check the name or path") from None
    except IsADirectoryError:
        raise fail("this is a folder, not a file; name a .toml file inside it") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror}); check its permissions") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(
            f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"is not valid TOML: {exc}") from None


def placeholders(text: str) -> set[str]:
    """The `{name}` fields used in a sentence; a broken brace shows up as the empty name."""
    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:
        return {""}


class Checker:
    """Reads typed fields from TOML tables, noting each problem with where it was found."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def note(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def table(self, value: object, where: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.note(where, f"must be a table of fields, got {_shown(value)}")
        return None

    def tables(self, parent: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
        """A required, non-empty array of tables (`[[key]]`)."""
        value = parent.get(key)
        if value is None:
            self.note(where, f"missing '{key}': add at least one [[{key}]] table")
            return []
        if not isinstance(value, list) or not value:
            self.note(where, f"'{key}' must be a non-empty list of [[{key}]] tables")
            return []
        prefix = f"{where}, " if where else ""
        found = [self.table(item, f"{prefix}{key} {i + 1}") for i, item in enumerate(value)]
        return [item for item in found if item is not None]

    def unknown_fields(self, table: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        allowed = sorted(allowed)
        for key in table:
            if key not in allowed:
                self.note(where, f"unknown field '{key}' (allowed here: {', '.join(allowed)})")

    def sentences(
        self,
        table: Mapping[str, Any],
        key: str,
        where: str,
        *,
        required: bool,
        fields: frozenset[str] = frozenset(),
    ) -> tuple[str, ...]:
        """A sentence or a list of sentences, each non-empty, using only the given {fields}."""
        value = table.get(key)
        if value is None:
            if required:
                self.note(where, f"missing '{key}': the words to say")
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            self.note(f"{where}, field '{key}'", "must be a sentence or a non-empty list of them")
            return ()
        result: list[str] = []
        for item in items:
            if not isinstance(item, str) or not item.strip():
                self.note(
                    f"{where}, field '{key}'", f"every sentence must be text, got {_shown(item)}"
                )
                continue
            for name in sorted(placeholders(item) - fields):
                shown = "{" + name + "}" if name else "a stray brace"
                known = ", ".join("{" + f + "}" for f in sorted(fields)) or "none"
                self.note(
                    f"{where}, field '{key}'", f"{shown} cannot be filled in here (known: {known})"
                )
            result.append(item.strip())
        return tuple(result)

    def text(self, table: Mapping[str, Any], key: str, where: str) -> str:
        value = table.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        problem = "missing" if value is None else f"must be non-empty text, got {_shown(value)}"
        self.note(where, f"field '{key}': {problem}")
        return ""

    def number(
        self,
        table: Mapping[str, Any],
        key: str,
        where: str,
        low: float,
        high: float,
        *,
        default: float | None = None,
        whole: bool = False,
    ) -> float:
        """A number within [low, high]; `default` makes the field optional."""
        value = table.get(key)
        if value is None and default is not None:
            return default
        kind = "whole number" if whole else "number"
        number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        if number is not None and whole and not float(number).is_integer():
            number = None
        if number is None or not low <= number <= high:
            got = "nothing" if value is None else _shown(value)
            self.note(
                f"{where}, field '{key}'", f"must be a {kind} from {low:g} to {high:g}, got {got}"
            )
            return default if default is not None else low
        return float(number)

    def flag(self, table: Mapping[str, Any], key: str, where: str) -> bool:
        value = table.get(key, False)
        if isinstance(value, bool):
            return value
        self.note(f"{where}, field '{key}'", f"must be true or false, got {_shown(value)}")
        return False


def _shown(value: object) -> str:
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)
