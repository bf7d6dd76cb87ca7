"""Phrases to intents: the table people's words are checked against."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.commands import PHRASES, Intent, normalise, parse
from tests.helpers import DATA


def _cases(path: Path) -> list[tuple[str, Intent | None]]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip("\t"):
            continue
        said, _, intent = line.partition("\t")
        cases.append((said, None if intent == "-" else Intent(intent)))
    return cases


@pytest.mark.parametrize(("said", "intent"), _cases(DATA / "utterances.tsv"))
def test_what_people_say_is_read_as_the_right_command(said: str, intent: Intent | None) -> None:
    assert parse(said) is intent


def test_every_intent_has_phrases_and_every_phrase_reads_back_as_its_intent() -> None:
    assert set(PHRASES) == set(Intent)
    for intent, phrases in PHRASES.items():
        for phrase in phrases:
            assert normalise(phrase) == phrase, "phrases are stored normalised"
            assert parse(phrase) is intent, phrase


def test_no_phrase_belongs_to_two_intents() -> None:
    seen: dict[str, Intent] = {}
    for intent, phrases in PHRASES.items():
        for phrase in phrases:
            assert seen.setdefault(phrase, intent) is intent, phrase


def test_every_intent_is_covered_by_the_utterance_table() -> None:
    covered = {intent for _, intent in _cases(DATA / "utterances.tsv")}
    assert set(Intent) <= covered
