"""`recognize` and `model` on the command line: the JSON contract, engines and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.models import VOSK_SMALL_EN_US
from tests.helpers import cli
from tests.speech import spoken
from tests.test_models import make_model

EVENT_KEYS = ["intent", "text", "start", "end", "emitted_at", "confidence"]


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No Vosk model anywhere the coach looks, whatever this machine has."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("MASSAGE_COACH_MODEL", raising=False)
    return tmp_path


def test_recognize_json_prints_one_line_per_file_in_the_contract(isolated: Path) -> None:
    files = [spoken("tender spot", isolated), spoken("stop", isolated)]
    result = cli("recognize", "--engine", "pocketsphinx", "--json", *files, cwd=isolated)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(path) for path in files]
    for line in lines:
        assert list(line) == ["file", "events", "audio_seconds", "decode_seconds"]
        assert line["audio_seconds"] > 1.0 and line["decode_seconds"] >= 0
        for event in line["events"]:
            assert list(event) == EVENT_KEYS
    assert [[e["intent"] for e in line["events"]] for line in lines] == [["tender_spot"], ["stop"]]
    assert lines[0]["events"][0]["emitted_at"] >= lines[0]["events"][0]["end"]


def test_recognize_without_json_is_readable(isolated: Path) -> None:
    result = cli("recognize", "--engine", "pocketsphinx", spoken("go back", isolated), cwd=isolated)
    assert result.returncode == 0, result.stderr
    assert "pocketsphinx" in result.stdout and '"go back"' in result.stdout


def test_a_bad_file_is_named_and_the_others_are_still_decoded(isolated: Path) -> None:
    (isolated / "notes.wav").write_text("not sound", encoding="utf-8")
    good = spoken("stop", isolated)
    result = cli("recognize", "--json", "notes.wav", good, "missing.wav", cwd=isolated)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "notes.wav: not a WAV file this coach can read" in result.stderr
    assert "missing.wav: no such file" in result.stderr
    assert [json.loads(line)["file"] for line in result.stdout.splitlines()] == [str(good)]


def test_vosk_asked_for_without_a_model_says_how_to_get_one(isolated: Path) -> None:
    # --model names an empty folder, so a model installed on this machine cannot interfere.
    result = cli(
        "recognize", "--engine", "vosk", "--model", isolated, spoken("stop", isolated), cwd=isolated
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "massage-coach model download" in result.stderr
    assert "--engine pocketsphinx" in result.stderr


def test_a_model_without_a_dynamic_graph_is_refused_for_grammar_mode(isolated: Path) -> None:
    model = make_model(isolated / VOSK_SMALL_EN_US.name, leave_out=("graph/HCLr.fst",))
    result = cli("recognize", "--model", model, spoken("stop", isolated), cwd=isolated)
    assert result.returncode == 1
    assert "graph/HCLr.fst" in result.stderr and "grammar" in result.stderr


def test_a_corrupt_model_gets_a_clear_error_not_a_crash(isolated: Path) -> None:
    model = make_model(isolated / VOSK_SMALL_EN_US.name)
    result = cli(
        "recognize", "--engine", "vosk", "--model", model, spoken("stop", isolated), cwd=isolated
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "could not be loaded" in result.stderr and "model download" in result.stderr


def test_model_status_without_a_model_names_pocketsphinx_and_the_download(
    isolated: Path,
) -> None:
    result = cli("model", "status", "--model", isolated / "none", cwd=isolated)
    assert result.returncode == 0
    assert "not installed" in result.stdout
    assert "Engine: pocketsphinx" in result.stdout
    assert "massage-coach model download" in result.stdout


def test_model_status_reports_a_model_found_by_the_environment(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = make_model(isolated / "elsewhere" / VOSK_SMALL_EN_US.name)
    monkeypatch.setenv("MASSAGE_COACH_MODEL", str(model))
    result = cli("model", "status", cwd=isolated)
    assert f"in {model}, ready" in result.stdout
    assert "Engine: vosk" in result.stdout


def test_model_download_from_an_unreachable_mirror_fails_clearly(isolated: Path) -> None:
    result = cli(
        "model",
        "download",
        "--url",
        "http://127.0.0.1:9/model.zip",
        "--dir",
        isolated / "models",
        cwd=isolated,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "127.0.0.1:9" in result.stderr
    assert not (isolated / "models" / VOSK_SMALL_EN_US.name).exists()


def test_model_download_refuses_an_archive_that_fails_the_checksum(isolated: Path) -> None:
    (isolated / "fake.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    result = cli(
        "model",
        "download",
        "--url",
        (isolated / "fake.zip").as_uri(),
        "--dir",
        isolated / "models",
        cwd=isolated,
    )
    assert result.returncode == 1
    assert "SHA-256" in result.stderr or "checksum" in result.stderr
    assert not (isolated / "models" / VOSK_SMALL_EN_US.name).exists()
