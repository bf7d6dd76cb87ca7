"""Transcript sinks: JSON lines for tools, a readable view for people."""

from __future__ import annotations

import json
import os
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
    """The session as a person would follow it: times, words, cues, what was heard.

    If its reader goes away (`| head`), it goes quiet and the session carries on: a
    transcript file being written beside it is not cut short.
    """

    _MARKS: ClassVar[dict[str, str]] = {"say": "  ", "cue": "~ ", "heard": "> ", "state": "# "}

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._reader_gone = False

    def write(self, line: TranscriptLine) -> None:
        if self._reader_gone:
            return
        text = line.text
        if line.kind == "heard":
            text = f"{text}  ({line.intent or 'not a command'})"
        try:
            self._out.write(f"[{clock_face(line.t)}] {self._MARKS[line.kind]}{text}\n")
        except BrokenPipeError:
            self._reader_gone = True
            # What is still buffered would fail again at exit: send it nowhere instead.
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._out.fileno())
