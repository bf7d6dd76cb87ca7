"""The `massage-coach` command line end to end, run as real subprocesses."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from itertools import takewhile
from pathlib import Path
from typing import Any

import pytest

from skill import __version__, catalog
from tests.helpers import DATA, ROOT, SCREENED
from tests.helpers import cli as _cli

TIMEOUT = 30
BAD = DATA / "bad_routines"
TINY = DATA / "good_routines" / "tiny.toml"
NECK = ROOT / "routines" / "neck.toml"
EXPECT = "# expect: "
KINDS = {"say", "cue", "heard", "state"}
TIME_STAMP = re.compile(r"^\[\s*\d+:\d\d\] ")


def _simulate(
    cwd: Path, script: str, *options: str | Path
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """Simulate `script` in `cwd`; the result and the JSON-lines transcript it wrote."""
    (cwd / "script.txt").write_text(script, encoding="utf-8")
    result = _cli(
        "simulate", "--script", "script.txt", "--transcript", "out.jsonl", *options, cwd=cwd
    )
    assert result.returncode == 0, result.stderr
    text = (cwd / "out.jsonl").read_text(encoding="utf-8")
    return result, [json.loads(line) for line in text.splitlines()]


def _fails(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """A clear error: exit 1, no traceback, a message naming every fragment."""
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr


def _expectations(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix(EXPECT) for line in takewhile(lambda s: s.startswith(EXPECT), lines)]


def _steps_in_order(lines: list[dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    for line in lines:
        if line["step"] and (not seen or seen[-1] != line["step"]):
            seen.append(line["step"])
    return seen


# --- help and version ------------------------------------------------------------------


def test_top_level_help_lists_every_command(tmp_path: Path) -> None:
    result = _cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: massage-coach")
    for command in ("run", "simulate", "validate", "preview"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("run", ["--text", "--routine"]),
        ("simulate", ["--script", "--transcript", "--routine", "--quiet"]),
        ("validate", ["FILE"]),
        ("preview", ["ROUTINE"]),
    ],
)
def test_each_command_has_help(tmp_path: Path, command: str, options: list[str]) -> None:
    result = _cli(command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: massage-coach {command}")
    for option in options:
        assert option in result.stdout


def test_version_is_printed(tmp_path: Path) -> None:
    result = _cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"massage-coach {__version__}"


# --- simulate: the transcript contract --------------------------------------------------


def test_simulate_transcript_lines_have_exactly_the_contract_keys(tmp_path: Path) -> None:
    _, lines = _simulate(tmp_path, SCREENED)
    assert lines
    for line in lines:
        keys = {"t", "kind", "text", "step"} | ({"intent"} if line["kind"] == "heard" else set())
        assert set(line) == keys, line
        assert line["kind"] in KINDS
        assert isinstance(line["t"], int | float) and not isinstance(line["t"], bool)
        assert isinstance(line["text"], str)
        assert line["step"] is None or isinstance(line["step"], str)
        assert line.get("intent") is None or isinstance(line["intent"], str)


def test_simulate_transcript_time_never_goes_back(tmp_path: Path) -> None:
    _, lines = _simulate(tmp_path, SCREENED)
    times = [line["t"] for line in lines]
    assert times == sorted(times)


def test_simulate_with_both_answers_no_finishes(tmp_path: Path) -> None:
    _, lines = _simulate(tmp_path, SCREENED)
    assert lines[-1]["kind"] == "state"
    assert lines[-1]["text"] == "finished"


def test_simulate_prints_a_readable_transcript(tmp_path: Path) -> None:
    result, lines = _simulate(tmp_path, SCREENED)
    printed = result.stdout.splitlines()
    assert printed
    assert all(TIME_STAMP.match(line) for line in printed)
    for said in (line["text"] for line in lines if line["kind"] == "say"):
        assert said in result.stdout
    assert "finished" in printed[-1]


def test_simulate_quiet_prints_nothing(tmp_path: Path) -> None:
    result, lines = _simulate(tmp_path, SCREENED, "-q")
    assert result.stdout == ""
    assert lines[-1]["text"] == "finished"


@pytest.mark.parametrize(
    ("script", "outcome"),
    [
        ("1 yes\n", "declined"),
        ("1 no\n2 no\n300 stop\n301 yes\n", "stopped"),
        (SCREENED, "finished"),
    ],
)
def test_simulate_ends_with_the_outcome_and_exit_zero(
    tmp_path: Path, script: str, outcome: str
) -> None:
    _, lines = _simulate(tmp_path, script, "-q")
    assert lines[-1]["kind"] == "state"
    assert lines[-1]["text"] == outcome
    assert [line for line in lines if line["kind"] == "state"][-1] == lines[-1]


def test_heard_lines_carry_the_intent_or_null(tmp_path: Path) -> None:
    _, lines = _simulate(tmp_path, "1 no\n2 no\n5 banana\n300 stop\n301 yes\n", "-q")
    heard = {line["text"]: line["intent"] for line in lines if line["kind"] == "heard"}
    assert heard == {"no": "no", "banana": None, "stop": "stop", "yes": "yes"}
    assert lines[-1]["text"] == "stopped"


def test_simulate_with_a_routine_file_uses_its_steps(tmp_path: Path) -> None:
    _, lines = _simulate(tmp_path, "1 no\n", "-q", "--routine", TINY)
    assert lines[-1]["text"] == "finished"
    assert _steps_in_order(lines) == [step.id for step in catalog.load(str(TINY)).routine.steps]


# --- simulate: bad input ----------------------------------------------------------------


def test_missing_script_is_named(tmp_path: Path) -> None:
    _fails(_cli("simulate", "--script", "missing.txt", cwd=tmp_path), "missing.txt", "no such")


def test_bad_script_line_is_named_by_number_and_nothing_runs(tmp_path: Path) -> None:
    (tmp_path / "script.txt").write_text("1 no\nabc next\n", encoding="utf-8")
    result = _cli("simulate", "--script", "script.txt", "--transcript", "out.jsonl", cwd=tmp_path)
    _fails(result, "script.txt", "line 2", "'abc'")
    assert not (tmp_path / "out.jsonl").exists()


def test_script_out_of_time_order_is_named(tmp_path: Path) -> None:
    (tmp_path / "script.txt").write_text("1 no\n5 no\n2 next\n", encoding="utf-8")
    _fails(_cli("simulate", "--script", "script.txt", cwd=tmp_path), "line 3", "time order")


def test_script_that_is_a_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    _fails(_cli("simulate", "--script", "scripts", cwd=tmp_path), "scripts", "folder")


def test_transcript_in_a_missing_folder_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "script.txt").write_text(SCREENED, encoding="utf-8")
    result = _cli(
        "simulate", "--script", "script.txt", "--transcript", "nowhere/out.jsonl", cwd=tmp_path
    )
    _fails(result, "cannot write", "out.jsonl")


def test_unknown_routine_lists_the_available_ones(tmp_path: Path) -> None:
    (tmp_path / "script.txt").write_text(SCREENED, encoding="utf-8")
    result = _cli("simulate", "--script", "script.txt", "--routine", "nope", cwd=tmp_path)
    _fails(result, "nope", "available", "neck")


def test_bad_routine_file_lists_its_problems(tmp_path: Path) -> None:
    (tmp_path / "script.txt").write_text(SCREENED, encoding="utf-8")
    bad = BAD / "several_problems.toml"
    result = _cli("simulate", "--script", "script.txt", "--routine", bad, cwd=tmp_path)
    _fails(result, str(bad), *_expectations(bad))


def test_simulate_without_script_is_a_usage_error(tmp_path: Path) -> None:
    result = _cli("simulate", cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: massage-coach simulate" in result.stderr
    assert "--script" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    result = _cli("frobnicate", cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: massage-coach" in result.stderr
    assert "frobnicate" in result.stderr
    assert "Traceback" not in result.stderr


# --- validate ---------------------------------------------------------------------------


def test_validate_shipped_routine_is_ok(tmp_path: Path) -> None:
    result = _cli("validate", NECK, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert any(line.startswith(f"{NECK}: OK") for line in result.stdout.splitlines())
    assert result.stderr == ""


def test_validate_bad_file_lists_its_problems(tmp_path: Path) -> None:
    bad = BAD / "missing_name.toml"
    _fails(_cli("validate", bad, cwd=tmp_path), str(bad), *_expectations(bad))


def test_validate_every_bad_routine_at_once_lists_every_problem(tmp_path: Path) -> None:
    bad = sorted(BAD.glob("*.toml"))
    result = _cli("validate", *bad, cwd=tmp_path)
    _fails(result, *(text for path in bad for text in _expectations(path)))
    assert result.stderr.count("nothing was started") == len(bad)


def test_validate_mix_fails_but_still_reports_the_good_ones(tmp_path: Path) -> None:
    bad = BAD / "toml_syntax_error.toml"
    result = _cli("validate", TINY, bad, NECK, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    ok = [line for line in result.stdout.splitlines() if "OK" in line]
    assert [line.split(":")[0] for line in ok] == [str(TINY), str(NECK)]
    assert str(bad) in result.stderr
    assert str(TINY) not in result.stderr


# --- preview ----------------------------------------------------------------------------


def test_preview_default_shows_name_total_and_every_step_in_order(tmp_path: Path) -> None:
    result = _cli("preview", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    routine = catalog.load("neck").routine
    assert routine.name in result.stdout
    assert re.search(r"about \d+:\d\d", result.stdout)
    positions = [result.stdout.find(f" {step.id} ") for step in routine.steps]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_preview_routine_file_by_path(tmp_path: Path) -> None:
    result = _cli("preview", TINY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    routine = catalog.load(str(TINY)).routine
    assert routine.name in result.stdout
    for step in routine.steps:
        assert f" {step.id} " in result.stdout


def test_preview_unknown_routine_lists_the_available_ones(tmp_path: Path) -> None:
    _fails(_cli("preview", "nope", cwd=tmp_path), "nope", "available", "neck")


# --- run --text -------------------------------------------------------------------------


def test_run_without_text_points_to_text(tmp_path: Path) -> None:
    _fails(_cli("run", cwd=tmp_path), "--text")


def test_run_text_yes_to_screening_ends_with_doctor_advice(tmp_path: Path) -> None:
    loaded = catalog.load("neck")
    result = _cli("run", "--text", stdin="yes\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert loaded.prompts.say("welcome")[0] in result.stdout
    _, after_question = result.stdout.split(loaded.routine.screening[0].ask[-1], 1)
    assert "doctor" in after_question


def test_run_text_stop_asks_to_confirm_and_ends(tmp_path: Path) -> None:
    result = _cli("run", "--text", stdin="no\nno\nstop\nyes\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    asked = [
        line for line in result.stdout.splitlines() if "Do you want to end the session?" in line
    ]
    assert asked
    assert TIME_STAMP.match(asked[0])


def _start_with_ctrl_c(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    """Start `massage-coach ARGS...` with Ctrl-C live, even if this test run ignores SIGINT."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "skill", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            text=True,
            encoding="utf-8",
        )
    finally:
        signal.signal(signal.SIGINT, previous)


def test_run_text_ctrl_c_ends_calmly_with_130(tmp_path: Path) -> None:
    with _start_with_ctrl_c(["run", "--text"], tmp_path) as process:
        assert process.stdout is not None
        assert process.stdout.readline()  # the session has started and waits for words
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 130
    assert "Traceback" not in err
    assert "session ended" in err


# --- output cut off ---------------------------------------------------------------------


def test_reader_closing_early_gives_no_traceback_and_a_whole_transcript(tmp_path: Path) -> None:
    # Far more output than a pipe holds, so the coach is still writing when the reader leaves.
    chatter = "".join(f"{3 + n / 2:g} banana\n" for n in range(3000))
    (tmp_path / "script.txt").write_text(SCREENED + chatter, encoding="utf-8")
    command = ["simulate", "--script", "script.txt", "--transcript", "out.jsonl"]
    with subprocess.Popen(
        [sys.executable, "-m", "skill", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        text=True,
        encoding="utf-8",
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert TIME_STAMP.match(process.stdout.readline())
        process.stdout.close()
        err = process.stderr.read()
        process.wait(timeout=TIMEOUT)
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert process.returncode == 0
    last = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (last["kind"], last["text"]) == ("state", "finished")
