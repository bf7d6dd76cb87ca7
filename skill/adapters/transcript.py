"""Transcript sinks: JSON lines for tools, a readable view for people."""

from __future__ import annotations

import json
from typing import ClassVar, TextIO

from skill.adapters.console import clock_face
from skill.ports import TranscriptLine


class JsonLinesTranscript:
    """One JSON object per line, flushed as it is written so a cut-off session keeps its record."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, line: TranscriptLine) -> None:
        self._out.write(json.dumps(line.as_dict(), ensure_ascii=False) + "\n")
        self._out.flush()


class ReadableTranscript:
    """The session as a person would follow it: times, words, cues, what was heard."""

    _MARKS: ClassVar[dict[str, str]] = {"say": "  ", "cue": "~ ", "heard": "> ", "state": "# "}

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, line: TranscriptLine) -> None:
        text = line.text
        if line.kind == "heard":
            text = f"{text}  ({line.intent or 'not a command'})"
        self._out.write(f"[{clock_face(line.t)}] {self._MARKS[line.kind]}{text}\n")
