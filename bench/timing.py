"""Timing benchmark: cue accuracy on the real clock, virtual-clock speed, and start-up time.

Prints a table and writes docs/benchmarks.md. Run: .venv/bin/python bench/timing.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from skill import catalog  # noqa: E402
from skill.adapters.console import TypedCommands  # noqa: E402
from skill.clock import MonotonicClock, VirtualClock  # noqa: E402
from skill.commands import parse  # noqa: E402
from skill.dialogue import Dialogue  # noqa: E402
from skill.ports import CommandSource, DeviceSignal, Utterance  # noqa: E402
from skill.routine import Cue  # noqa: E402
from skill.script import ScriptedCommands, parse_script  # noqa: E402
from skill.session import Session  # noqa: E402

Script = list[tuple[float, str]]


@dataclass
class LatenessMeter:
    """A speech port noting how late (seconds) each sentence and cue reached it."""

    clock: MonotonicClock
    t0: float = 0.0
    lateness: list[float] = field(default_factory=list)

    def _note(self, at: float) -> None:
        self.lateness.append(self.clock.now() - self.t0 - at)

    def say(self, text: str, at: float) -> None:
        self._note(at)

    def cue(self, cue: Cue, at: float) -> None:
        self._note(at)

    def stop(self) -> None:
        """Nothing is playing."""

    def set_voice(self, speed: float, volume: float) -> None:
        """Nothing is playing."""


def _type_into(write_end: int, script: Script, t0: float) -> None:
    """Types the lines into a pipe at their times, as a person at the keyboard would."""
    with os.fdopen(write_end, "w") as pipe:
        for at, text in script:
            time.sleep(max(0.0, t0 + at - time.monotonic()))
            pipe.write(text + "\n")
            pipe.flush()


class GapSleeper:
    """The baseline: sleeps the gap to the next deadline from whenever it is called, as a
    timer loop built on relative sleeps does, so each late wake-up delays all that follows."""

    def __init__(self, script: Script, clock: MonotonicClock) -> None:
        self._script = list(script)
        self._origin = self._previous = clock.now()

    def wait(self, until: float | None) -> Utterance | DeviceSignal | None:
        line_at = self._origin + self._script[0][0] if self._script else None
        target = min(t for t in (until, line_at) if t is not None)
        time.sleep(max(0.0, target - self._previous))
        self._previous = target
        if target == line_at:
            text = self._script.pop(0)[1]
            return Utterance(text, parse(text))
        return None


def real_clock_lateness(seconds: float, *, baseline: bool) -> list[float]:
    """The neck routine on the real clock for `seconds`, then "stop" and "yes"."""
    loaded = catalog.load("neck")
    clock = MonotonicClock()
    script = [(1.0, "no"), (2.0, "no"), (seconds, "stop"), (seconds + 0.5, "yes")]
    meter = LatenessMeter(clock, clock.now())
    source: CommandSource
    if baseline:
        source = GapSleeper(script, clock)
    else:
        read_end, write_end = os.pipe()
        source = TypedCommands(os.fdopen(read_end), clock)
        threading.Thread(target=_type_into, args=(write_end, script, meter.t0), daemon=True).start()
    session = Session(Dialogue(loaded.routine, loaded.prompts), clock, source, speech=meter)
    if baseline:
        session.run()
    else:
        _with_progress(session.run, seconds + 0.5, "real-clock sessions")
    # The session's origin is a hair after the meter's; the first sentence is said at once,
    # so its lateness is that offset.
    return [late - meter.lateness[0] for late in meter.lateness]


def _with_progress(work: Callable[[], object], seconds: float, label: str) -> None:
    """Runs `work()` while a progress bar on stderr counts its expected seconds."""
    done = threading.Event()

    def bar() -> None:
        start = time.monotonic()
        while not done.wait(0.5):
            part = min(1.0, (time.monotonic() - start) / seconds)
            filled = int(part * 30)
            sys.stderr.write(f"\r  {label:28} [{'#' * filled}{'.' * (30 - filled)}] {part:4.0%}")
            sys.stderr.flush()
        sys.stderr.write("\n")

    thread = threading.Thread(target=bar, daemon=True)
    thread.start()
    try:
        work()
    finally:
        done.set()
        thread.join()


def virtual_session_seconds(runs: int) -> list[float]:
    """Wall time of a whole session with no commands on the virtual clock."""
    loaded = catalog.load("neck")
    results = []
    for _ in range(runs):
        clock = VirtualClock()
        commands = ScriptedCommands(parse_script("1 no\n2 no\n"), clock)
        start = time.perf_counter()
        Session(Dialogue(loaded.routine, loaded.prompts), clock, commands).run()
        results.append(time.perf_counter() - start)
    return results


def first_words_seconds(runs: int) -> list[float]:
    """From starting `massage-coach run --text` to its first spoken line on stdout."""
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "skill", "run", "--text"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert process.stdout is not None and process.stdin is not None
        for line in process.stdout:
            if line.startswith("["):
                break
        results.append(time.perf_counter() - start)
        process.stdin.write("yes\n")
        process.stdin.close()
        process.stdout.read()
        process.wait(timeout=30)
    return results


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(values) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
        f"max {ordered[-1] * 1000:.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=120.0,
        help="length of each real-clock session (default 120)",
    )
    parser.add_argument("--runs", type=int, default=7, help="repeats of the fast measurements")
    parser.add_argument("--no-write", action="store_true", help="print only; keep the report")
    args = parser.parse_args()

    # Both real-clock sessions run at once (they mostly wait): half the wall time, and the same
    # machine noise for both.
    results: dict[bool, list[float]] = {}
    runners = [
        threading.Thread(
            target=lambda b=b: results.__setitem__(b, real_clock_lateness(args.seconds, baseline=b))
        )
        for b in (False, True)
    ]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    ours, naive = results[False], results[True]
    virtual = virtual_session_seconds(args.runs)
    first = first_words_seconds(args.runs)
    ratio = max(naive) / max(ours)
    table = [
        "| measure | samples | result |",
        "|---|---|---|",
        f"| lateness of sentences and cues, real clock, absolute deadlines (ours) | "
        f"{len(ours)} | {_summary(ours)} |",
        f"| the same, relative sleeps (baseline) | {len(naive)} | {_summary(naive)} |",
        f"| a whole session on the virtual clock | {len(virtual)} | "
        f"median {statistics.median(virtual) * 1000:.1f} ms of wall time |",
        f"| `run --text`: start to first spoken line | {len(first)} | "
        f"median {statistics.median(first) * 1000:.0f} ms |",
    ]
    print("\n".join(table))
    print(f"\nworst lateness, baseline / ours: {ratio:.1f}x")
    if not args.no_write:
        _write_report(table, ratio, args)
    return 0


def _write_report(table: list[str], ratio: float, args: argparse.Namespace) -> None:
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    body = [
        f"{machine}, {time.strftime('%Y-%m-%d')}; real-clock sessions of {args.seconds:.0f} s "
        '(the neck routine from its start, then "stop", "yes"; a routine that ends first '
        f"ends the run), {args.runs} repeats of the fast measurements.",
        "",
        *table,
        "",
        f"Worst lateness, baseline over ours: {ratio:.1f}x. Each beat of a session is due at "
        "an absolute deadline on the monotonic clock and a late wake-up never moves later "
        "deadlines, so lateness stays at the wake-up jitter however long the session runs; "
        "the baseline's grows with every beat.",
        "",
        "Reproduce:",
        "",
        "```",
        f".venv/bin/python bench/timing.py --seconds {args.seconds:.0f} --runs {args.runs}",
        "```",
    ]
    print(f"wrote {write_section('Timing', chr(10).join(body))}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
