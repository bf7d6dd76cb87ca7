"""Finding, checking and downloading models, against a local HTTP server serving test archives."""

from __future__ import annotations

import hashlib
import io
import random
import socket
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from skill import models
from skill.errors import ModelError
from skill.models import (
    VOSK_SMALL_EN_US,
    ModelSpec,
    check_model,
    default_install_dir,
    download,
    find_model,
    search_dirs,
    status,
)

NAME = VOSK_SMALL_EN_US.name
TIMEOUT = 5.0
# Incompressible and stored, so the archive spans several download chunks.
BIG = random.Random(0).randbytes(200_000)


def model_zip(
    top: str = NAME, leave_out: tuple[str, ...] = (), extra: dict[str, bytes] | None = None
) -> bytes:
    """A zip laid out like the real model, with tiny dummy files and one large one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle:
        for name in VOSK_SMALL_EN_US.required:
            if name not in leave_out:
                data = BIG if name == "am/final.mdl" else f"dummy {name}\n".encode()
                bundle.writestr(f"{top}/{name}", data)
        for name, data in (extra or {}).items():
            bundle.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()


def make_model(folder: Path, leave_out: tuple[str, ...] = ()) -> Path:
    for name in VOSK_SMALL_EN_US.required:
        if name not in leave_out:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(b"dummy\n")
    return folder


GOOD = model_zip()


def spec_for(archive: bytes, url: str = "http://127.0.0.1:9/unused.zip") -> ModelSpec:
    return replace(VOSK_SMALL_EN_US, url=url, sha256=hashlib.sha256(archive).hexdigest())


@dataclass
class Route:
    """How the server answers one path."""

    body: bytes = GOOD
    status: int = 200
    honours_range: bool = True
    cut_at: int | None = None
    """Send only this many bytes of the archive, then close, while promising all of it."""
    cut_times: int = 1_000_000
    """How many answers are cut; later ones are whole."""


@dataclass
class Server:
    """The test server's routes, and what it saw: (path, Range header) per request."""

    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[tuple[str, str | None]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


def _handler(state: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = TIMEOUT

        def do_GET(self) -> None:
            asked = self.headers.get("Range")
            state.seen.append((self.path, asked))
            route = state.routes.get(self.path)
            if route is None or route.status != 200:
                self.send_error(404 if route is None else route.status)
                return
            body, start = route.body, 0
            if asked and route.honours_range:
                start = int(asked.removeprefix("bytes=").removesuffix("-"))
                if start >= len(body):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(body)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            else:
                self.send_response(200)
            self.send_header("Content-Length", str(len(body) - start))
            self.end_headers()
            end = len(body)
            if route.cut_at is not None and route.cut_times > 0:
                route.cut_times -= 1
                end = route.cut_at
            self.wfile.write(body[start:end])

        def log_message(self, format: str, *args: object) -> None:
            pass  # the requests are asserted on through `seen`, not read from stderr

    return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()
    httpd = HTTPServer(("127.0.0.1", 0), _handler(state))
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        thread.join(TIMEOUT)
        httpd.server_close()
    assert not thread.is_alive()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local server must be reached directly, whatever proxy the machine is set up with."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def leftovers(into: Path) -> list[str]:
    """Hidden files and folders download leaves in `into` (parts, unpacking folders)."""
    return sorted(p.name for p in into.iterdir() if p.name.startswith("."))


def served(server: Server, route: Route, path: str = "/model.zip") -> str:
    server.routes[path] = route
    return server.url(path)


# Downloads


def test_good_download_installs_and_a_second_call_does_not_download(
    server: Server, tmp_path: Path
) -> None:
    url = served(server, Route())
    spec = spec_for(GOOD, url)
    installed = download(spec, tmp_path, timeout=TIMEOUT)
    assert installed == tmp_path / NAME
    check_model(installed, spec)
    assert (installed / "am/final.mdl").read_bytes() == BIG
    assert leftovers(tmp_path) == []
    assert len(server.seen) == 1
    assert download(spec, tmp_path, timeout=TIMEOUT) == installed
    assert len(server.seen) == 1


def test_url_overrides_the_spec_url(server: Server, tmp_path: Path) -> None:
    url = served(server, Route(), "/mirror/model.zip")
    download(spec_for(GOOD), tmp_path, url=url, timeout=TIMEOUT)
    assert server.seen == [("/mirror/model.zip", None)]


def test_a_checksum_mismatch_installs_nothing_and_keeps_no_part(
    server: Server, tmp_path: Path
) -> None:
    other = model_zip(extra={f"{NAME}/README": b"a different build\n"})
    url = served(server, Route(body=other))
    spec = spec_for(GOOD, url)
    with pytest.raises(ModelError) as caught:
        download(spec, tmp_path, timeout=TIMEOUT)
    message = str(caught.value)
    assert spec.sha256 in message
    assert hashlib.sha256(other).hexdigest() in message
    assert "try again" in message
    assert not (tmp_path / NAME).exists()
    assert leftovers(tmp_path) == []


def test_a_truncated_body_keeps_the_part_and_the_next_call_resumes(
    server: Server, tmp_path: Path
) -> None:
    cut = 70_000
    spec = spec_for(GOOD)
    with pytest.raises(ModelError, match="running the same command again resumes"):
        download(spec, tmp_path, url=served(server, Route(cut_at=cut), "/cut.zip"), timeout=TIMEOUT)
    part = tmp_path / f".{NAME}.zip.part"
    assert part.read_bytes() == GOOD[:cut]
    assert part.stat().st_mode & 0o077 == 0
    assert not (tmp_path / NAME).exists()

    installed = download(spec, tmp_path, url=served(server, Route()), timeout=TIMEOUT)
    assert server.seen[-1] == ("/model.zip", f"bytes={cut}-")
    check_model(installed, spec)
    assert leftovers(tmp_path) == []


def test_a_download_cut_once_resumes_with_206_from_the_same_url(
    server: Server, tmp_path: Path
) -> None:
    url = served(server, Route(cut_at=100_000, cut_times=1))
    spec = spec_for(GOOD, url)
    with pytest.raises(ModelError, match="interrupted"):
        download(spec, tmp_path, timeout=TIMEOUT)
    seen: list[tuple[int, int | None]] = []
    download(
        spec, tmp_path, timeout=TIMEOUT, progress=lambda done, total: seen.append((done, total))
    )
    assert server.seen == [("/model.zip", None), ("/model.zip", "bytes=100000-")]
    assert seen[0] == (100_000, len(GOOD))
    assert seen[-1] == (len(GOOD), len(GOOD))
    check_model(tmp_path / NAME, spec)


def test_a_server_ignoring_range_starts_over(server: Server, tmp_path: Path) -> None:
    url = served(server, Route(honours_range=False))
    spec = spec_for(GOOD, url)
    (tmp_path / f".{NAME}.zip.part").write_bytes(b"not the start of the archive")
    installed = download(spec, tmp_path, timeout=TIMEOUT)
    assert server.seen == [("/model.zip", "bytes=28-")]
    assert (installed / "am/final.mdl").read_bytes() == BIG
    assert leftovers(tmp_path) == []


def test_a_part_already_whole_is_answered_416_and_installed(server: Server, tmp_path: Path) -> None:
    url = served(server, Route())
    spec = spec_for(GOOD, url)
    (tmp_path / f".{NAME}.zip.part").write_bytes(GOOD)
    download(spec, tmp_path, timeout=TIMEOUT)
    assert server.seen == [("/model.zip", f"bytes={len(GOOD)}-")]
    check_model(tmp_path / NAME, spec)


def test_progress_rises_to_the_total(server: Server, tmp_path: Path) -> None:
    url = served(server, Route())
    seen: list[tuple[int, int | None]] = []
    download(
        spec_for(GOOD, url), tmp_path, progress=lambda d, t: seen.append((d, t)), timeout=TIMEOUT
    )
    done = [d for d, _ in seen]
    assert len(seen) > 3
    assert done == sorted(set(done))
    assert {t for _, t in seen} == {len(GOOD)}
    assert seen[-1] == (len(GOOD), len(GOOD))


def test_404_names_the_status_and_the_url(server: Server, tmp_path: Path) -> None:
    url = server.url("/nowhere.zip")
    with pytest.raises(ModelError) as caught:
        download(spec_for(GOOD, url), tmp_path, timeout=TIMEOUT)
    assert "404" in str(caught.value)
    assert url in str(caught.value)
    assert "--url" in str(caught.value)
    assert not (tmp_path / NAME).exists()


def test_500_names_the_status(server: Server, tmp_path: Path) -> None:
    url = served(server, Route(status=500))
    with pytest.raises(ModelError, match="HTTP 500"):
        download(spec_for(GOOD, url), tmp_path, timeout=TIMEOUT)


def test_a_refused_connection_names_the_url(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/model.zip"
    with pytest.raises(ModelError, match="network") as caught:
        download(spec_for(GOOD, url), tmp_path, timeout=TIMEOUT)
    assert url in str(caught.value)


def test_a_file_url_installs(tmp_path: Path) -> None:
    archive = tmp_path / "copy.zip"
    archive.write_bytes(GOOD)
    into = tmp_path / "models"
    download(spec_for(GOOD, archive.as_uri()), into)
    check_model(into / NAME, spec_for(GOOD))


@pytest.mark.parametrize("member", ["../escape.txt", f"{NAME}/../../escape.txt", "/ABSOLUTE"])
def test_zip_slip_is_refused_and_nothing_is_written(
    server: Server, tmp_path: Path, member: str
) -> None:
    into = tmp_path / "deep" / "models"
    absolute = tmp_path / "absolute.txt"
    member = member.replace("/ABSOLUTE", str(absolute))
    evil = model_zip(extra={member: b"escaped\n"})
    url = served(server, Route(body=evil))
    with pytest.raises(ModelError, match="unsafe path"):
        download(spec_for(evil, url), into, timeout=TIMEOUT)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["deep", "models"]


def test_an_archive_without_a_whole_model_installs_nothing(server: Server, tmp_path: Path) -> None:
    for body in (model_zip(top="some-other-model"), model_zip(leave_out=("ivector/final.ie",))):
        url = served(server, Route(body=body))
        with pytest.raises(ModelError, match=f"no usable {NAME}"):
            download(spec_for(body, url), tmp_path, timeout=TIMEOUT)
        assert not (tmp_path / NAME).exists()
        assert leftovers(tmp_path) == []


def test_a_damaged_install_is_replaced(server: Server, tmp_path: Path) -> None:
    make_model(tmp_path / NAME, leave_out=("conf/mfcc.conf",))
    url = served(server, Route())
    installed = download(spec_for(GOOD, url), tmp_path, timeout=TIMEOUT)
    check_model(installed, spec_for(GOOD))
    assert len(server.seen) == 1
    assert leftovers(tmp_path) == []


# Checking a model folder


def test_a_whole_model_passes(tmp_path: Path) -> None:
    check_model(make_model(tmp_path / NAME), VOSK_SMALL_EN_US)


def test_a_missing_folder_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"no such folder.*model download"):
        check_model(tmp_path / NAME, VOSK_SMALL_EN_US)


def test_a_file_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "model.zip").write_bytes(GOOD)
    with pytest.raises(ModelError, match="not a folder"):
        check_model(tmp_path / "model.zip", VOSK_SMALL_EN_US)


def test_missing_and_empty_files_are_all_listed(tmp_path: Path) -> None:
    folder = make_model(tmp_path / NAME, leave_out=("am/final.mdl", "ivector/final.ie"))
    (folder / "conf/model.conf").write_bytes(b"")
    with pytest.raises(ModelError) as caught:
        check_model(folder, VOSK_SMALL_EN_US)
    for name in ("am/final.mdl", "ivector/final.ie", "conf/model.conf"):
        assert name in str(caught.value)
    assert "conf/mfcc.conf" not in str(caught.value)


def test_a_model_without_a_dynamic_graph_cannot_do_grammar_mode(tmp_path: Path) -> None:
    folder = make_model(tmp_path / "vosk-model-en-us-0.22", leave_out=models.DYNAMIC_GRAPH)
    (folder / "graph/HCLG.fst").write_bytes(b"static\n")
    with pytest.raises(ModelError) as caught:
        check_model(folder, VOSK_SMALL_EN_US)
    message = str(caught.value)
    assert "grammar mode needs graph/HCLr.fst and graph/Gr.fst" in message
    assert "HCLG.fst" in message
    assert NAME in message


# Where models are found


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    found = {name: tmp_path / name for name in ("explicit", "env", "checkout", "xdg")}
    for folder in found.values():
        folder.mkdir()
    monkeypatch.setenv("MASSAGE_COACH_MODEL", str(found["env"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(found["xdg"]))
    monkeypatch.setattr(models, "CHECKOUT_MODELS", found["checkout"])
    return found


def test_search_dirs_run_explicit_env_checkout_xdg(places: dict[str, Path]) -> None:
    xdg = places["xdg"] / "massage-coach" / "models"
    expected = [places["explicit"], places["env"], places["checkout"], xdg]
    assert search_dirs(places["explicit"]) == expected
    assert search_dirs() == expected[1:]


def test_the_first_place_holding_a_model_wins(
    places: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    xdg = places["xdg"] / "massage-coach" / "models"
    for holder in (places["explicit"], places["env"], places["checkout"], xdg):
        make_model(holder / NAME)
    assert find_model(VOSK_SMALL_EN_US, places["explicit"]) == places["explicit"] / NAME
    assert find_model(VOSK_SMALL_EN_US) == places["env"] / NAME
    monkeypatch.delenv("MASSAGE_COACH_MODEL")
    assert find_model(VOSK_SMALL_EN_US) == places["checkout"] / NAME
    monkeypatch.setattr(models, "CHECKOUT_MODELS", places["checkout"] / "absent")
    assert find_model(VOSK_SMALL_EN_US) == xdg / NAME
    assert places["checkout"] / "absent" not in search_dirs()


def test_a_named_path_may_be_the_model_folder_itself(places: dict[str, Path]) -> None:
    folder = make_model(places["explicit"] / "my-model")
    assert find_model(VOSK_SMALL_EN_US, folder) == folder
    assert status(VOSK_SMALL_EN_US, folder).usable


def test_a_named_folder_that_is_partly_a_model_is_reported(places: dict[str, Path]) -> None:
    make_model(places["checkout"] / NAME)
    folder = make_model(places["env"] / "copied", leave_out=("ivector/final.ie",))
    report = status(VOSK_SMALL_EN_US, folder)
    assert report.found == folder
    assert report.problem is not None
    assert "ivector/final.ie" in report.problem


def test_a_missing_explicit_path_is_not_swapped_for_another_model(
    places: dict[str, Path],
) -> None:
    make_model(places["env"] / NAME)
    assert find_model(VOSK_SMALL_EN_US, places["explicit"] / "typo") is None
    assert find_model(VOSK_SMALL_EN_US, places["explicit"]) is None
    report = status(VOSK_SMALL_EN_US, places["explicit"] / "typo")
    assert report.found is None
    assert report.problem is not None
    assert "model download" in report.problem


def test_xdg_defaults_to_local_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("MASSAGE_COACH_MODEL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(models, "CHECKOUT_MODELS", None)
    assert search_dirs() == [tmp_path / ".local/share/massage-coach/models"]
    assert default_install_dir() == tmp_path / ".local/share/massage-coach/models"


def test_default_install_dir_prefers_the_checkout(places: dict[str, Path]) -> None:
    assert default_install_dir() == places["checkout"]


def test_status_reports_a_damaged_model_and_where_it_looked(places: dict[str, Path]) -> None:
    make_model(places["checkout"] / NAME, leave_out=("graph/Gr.fst",))
    report = status(VOSK_SMALL_EN_US)
    assert report.found == places["checkout"] / NAME
    assert report.problem is not None
    assert "grammar mode" in report.problem
    assert not report.usable
    assert report.searched == tuple(search_dirs())


def test_status_when_nothing_is_installed(places: dict[str, Path]) -> None:
    report = status(VOSK_SMALL_EN_US)
    assert report.found is None
    assert report.problem is not None
    assert str(places["checkout"]) in report.problem
