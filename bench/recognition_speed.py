"""Recognition speed: decode real-time factor and engine start-up, per available engine.

Decodes every WAV in ../shared/speech through `massage-coach recognize --json` (streamed in
100 ms chunks) and, as the baseline in the same run, the same files decoded whole by
pocketsphinx. Prints a table and writes its section of docs/benchmarks.md.
Run: .venv/bin/python bench/recognition_speed.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from skill.adapters.sphinx_asr import PocketsphinxEngine  # noqa: E402
from skill.wavfile import read_wav, stream_chunks  # noqa: E402

SPEECH = ROOT.parent / "shared" / "speech"


def streamed(engine: str, files: list[Path]) -> tuple[float, float]:
    """Audio seconds and decode seconds over all files, via the `recognize --json` contract."""
    command = [sys.executable, "-m", "skill", "recognize", "--engine", engine, "--json"]
    # Exit status 1 only means some file could not be read; stderr says which.
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if result.returncode not in (0, 1) or not result.stdout:
        raise SystemExit(f"recognize failed:\n{result.stderr}")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return (
        sum(line["audio_seconds"] for line in lines),
        sum(line["decode_seconds"] for line in lines),
    )


def whole_clip_baseline(files: list[Path]) -> tuple[float, float]:
    """The naive way: each file decoded as one utterance, no voice activity detection."""
    decoder = PocketsphinxEngine().decoder
    audio = spent = 0.0
    for path in files:
        recording = read_wav(path)
        pcm = b"".join(stream_chunks(recording))
        started = time.perf_counter()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        spent += time.perf_counter() - started
        audio += recording.seconds
    return audio, spent


def start_up(engine: str, runs: int) -> list[float]:
    """A fresh process: import the coach and load the engine, ready to listen."""
    code = (
        "import time; t = time.perf_counter();"
        "from skill import engines;"
        f"engines.load(engines.choose(engines.Engine('{engine}')));"
        "print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repeats of each measurement")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    files = sorted(SPEECH.rglob("*.wav"))
    if not files:
        print(f"no recordings in {SPEECH}", file=sys.stderr)
        return 1
    engines = ["pocketsphinx"]
    status = [sys.executable, "-m", "skill", "model", "status"]
    vosk_ready = subprocess.run(status, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    if "Engine: vosk" in vosk_ready:
        engines.append("vosk")
    rows = ["| engine | what | result |", "|---|---|---|"]
    for engine in engines:
        rtfs = []
        for _ in range(args.runs):
            audio, spent = streamed(engine, files)
            rtfs.append(spent / audio)
        boot = start_up(engine, args.runs)
        rows.append(
            f"| {engine} | real-time factor, streamed in 100 ms chunks | "
            f"median {statistics.median(rtfs):.4f} ({audio:.0f} s of audio, "
            f"{len(files)} files) |"
        )
        rows.append(
            f"| {engine} | start-up: new process to engine loaded | "
            f"median {statistics.median(boot) * 1000:.0f} ms |"
        )
    base = [whole_clip_baseline(files) for _ in range(args.runs)]
    base_rtf = statistics.median(spent / audio for audio, spent in base)
    rows.append(
        f"| pocketsphinx (baseline) | real-time factor, each file decoded whole | "
        f"median {base_rtf:.4f} |"
    )
    print("\n".join(rows))
    if not args.no_write:
        body = "\n".join(
            [
                f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, "
                f"{time.strftime('%Y-%m-%d')}; every WAV in ../shared/speech, {args.runs} runs.",
                "Engines without their model installed here are left out. Accuracy and rejection",
                "are not measured here.",
                "",
                *rows,
                "",
                "Reproduce:",
                "",
                "```",
                f".venv/bin/python bench/recognition_speed.py --runs {args.runs}",
                "```",
            ]
        )
        print(f"wrote {write_section('Recognition speed', body)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
