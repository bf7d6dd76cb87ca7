"""The text console: typed lines as the person's words, the coach's words printed with times."""

from __future__ import annotations

import queue
import sys
import threading
from typing import TextIO

from skill.commands import parse
from skill.ports import Clock, DeviceSignal, Utterance
from skill.routine import Cue


def clock_face(seconds: float) -> str:
    """Session time as m:ss, the way a person reads a timer."""
    whole = max(0, int(seconds))
    return f"{whole // 60:2d}:{whole % 60:02d}"


class ConsoleSpeech:
    """Prints what the coach would say and the cues it would play."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def say(self, text: str, at: float) -> None:
        self._out.write(f"[{clock_face(at)}] {text}\n")
        self._out.flush()

    def cue(self, cue: Cue, at: float) -> None:
        self._out.write(f"[{clock_face(at)}]   ~ {cue.value.replace('_', ' ')} ~\n")
        self._out.flush()

    def stop(self) -> None:
        """Printed words cannot be taken back; there is nothing to cut off."""

    def set_voice(self, speed: float, volume: float) -> None:
        self._out.write(f"        (voice: speed {speed:.2f}, volume {volume:.1f})\n")
        self._out.flush()


class TypedCommands:
    """Lines typed at the terminal. A reader thread only queues them; the session does the rest.

    When the input ends (Ctrl-D, or a pipe runs dry) the session goes on by itself.
    """

    def __init__(self, stream: TextIO, clock: Clock) -> None:
        self._clock = clock
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: TextIO) -> None:
        for line in stream:
            if line.strip():
                self._lines.put(line.strip())

    def wait(self, until: float | None) -> Utterance | DeviceSignal | None:
        timeout = None if until is None else max(0.0, until - self._clock.now())
        try:
            text = self._lines.get(timeout=timeout)
        except queue.Empty:
            return None
        return Utterance(text, parse(text))


class TextProgress:
    """A progress bar on stderr for long work: redrawn in place on a terminal, a line every
    tenth elsewhere (a log or a pipe)."""

    def __init__(self, label: str, out: TextIO | None = None) -> None:
        self._label, self._out = label, out or sys.stderr
        self._live = self._out.isatty()
        self._shown = -1

    def __call__(self, done: int, total: int | None) -> None:
        megabytes = f"{done / 1e6:.1f}" + (f"/{total / 1e6:.1f}" if total else "") + " MB"
        if not total:
            if self._live:
                self._out.write(f"\r{self._label}: {megabytes}")
            return
        part = min(1.0, done / total)
        tenth = int(part * 10)
        if self._live:
            bar = "#" * int(part * 30)
            self._out.write(f"\r{self._label}: [{bar:.<30}] {part:4.0%} {megabytes}")
            if done >= total:
                self._out.write("\n")
        elif tenth > self._shown:
            self._out.write(f"{self._label}: {part:4.0%} {megabytes}\n")
        self._shown = tenth
        self._out.flush()
