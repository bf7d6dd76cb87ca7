"""Finds, checks and downloads the Vosk speech model, installing it whole or not at all."""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from skill.errors import ModelError

log = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
"""Called with (bytes of the archive held so far, its whole size or None when unknown)."""

ENV_VAR = "MASSAGE_COACH_MODEL"
DYNAMIC_GRAPH = ("graph/HCLr.fst", "graph/Gr.fst")
CHUNK = 64 * 1024
DOWNLOAD_COMMAND = "massage-coach model download"

_ROOT = Path(__file__).resolve().parent.parent
# Only a source checkout has pyproject.toml beside the package; installed, the package's parent is
# site-packages, where an unrelated `models/` folder may sit.
CHECKOUT_MODELS: Path | None = _ROOT / "models" if (_ROOT / "pyproject.toml").is_file() else None
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-\d+/(\d+|\*)")


@dataclass(frozen=True)
class ModelSpec:
    """A model the coach can use, and where its official archive is."""

    name: str
    """The archive's top folder, and the model folder's name once installed."""
    url: str
    sha256: str
    """Hex digest of the whole archive."""
    approx_bytes: int
    """About how much the download and the unpacked folder each take."""
    required: tuple[str, ...]
    """Files, relative to the model folder, that a usable install holds (none of them empty)."""


VOSK_SMALL_EN_US = ModelSpec(
    name="vosk-model-small-en-us-0.15",
    url="https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip",
    sha256="30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
    approx_bytes=40_000_000,
    required=(
        "am/final.mdl",
        "conf/model.conf",
        "conf/mfcc.conf",
        "graph/HCLr.fst",
        "graph/Gr.fst",
        "graph/phones/word_boundary.int",
        "ivector/final.ie",
    ),
)


@dataclass(frozen=True)
class ModelStatus:
    """What `massage-coach model status` reports."""

    found: Path | None
    """The model folder the coach would use, usable or not."""
    problem: str | None
    """Why there is no usable model, or None when `found` passes check_model."""
    searched: tuple[Path, ...]
    """The places looked in, first first."""

    @property
    def usable(self) -> bool:
        return self.found is not None and self.problem is None


def xdg_models_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "massage-coach" / "models"


def _places(explicit: Path | None) -> list[tuple[Path, bool]]:
    """Each place to look, and whether a person named it (so it may be the model folder itself)."""
    places = [] if explicit is None else [(explicit.expanduser(), True)]
    if env := os.environ.get(ENV_VAR, ""):
        places.append((Path(env).expanduser(), True))
    if CHECKOUT_MODELS is not None and CHECKOUT_MODELS.is_dir():
        places.append((CHECKOUT_MODELS, False))
    places.append((xdg_models_dir(), False))
    return places


def search_dirs(explicit: Path | None = None) -> list[Path]:
    """Where models are looked for: --model, $MASSAGE_COACH_MODEL, the checkout's models/, XDG."""
    return [place for place, _ in _places(explicit)]


def find_model(spec: ModelSpec, explicit: Path | None = None) -> Path | None:
    """The first model folder in search order, usable or not: check_model says which."""
    for place, named in _places(explicit):
        inside = place / spec.name
        if inside.exists():
            return inside
        # A named folder is the model itself when it has a model's parts, else a folder holding it.
        if named and any((place / part).is_dir() for part in ("am", "conf", "graph")):
            return place
        # A path typed for this command is never silently swapped for another model.
        if explicit is not None and place == explicit.expanduser():
            return None
    return None


def default_install_dir() -> Path:
    """The checkout's models/ when it exists and is writable, else the XDG data folder."""
    checkout = CHECKOUT_MODELS
    if checkout is not None and checkout.is_dir() and os.access(checkout, os.W_OK | os.X_OK):
        return checkout
    return xdg_models_dir()


def status(spec: ModelSpec, explicit: Path | None = None) -> ModelStatus:
    searched = tuple(search_dirs(explicit))
    found = find_model(spec, explicit)
    if found is None:
        where = ", ".join(str(place) for place in searched)
        problem = (
            f"no {spec.name} model found (looked in {where}); run '{DOWNLOAD_COMMAND}' "
            f"(about {spec.approx_bytes // 1_000_000} MB), or copy the unpacked {spec.name} "
            f"folder into {default_install_dir()}"
        )
        return ModelStatus(None, problem, searched)
    try:
        check_model(found, spec)
    except ModelError as error:
        return ModelStatus(found, str(error), searched)
    return ModelStatus(found, None, searched)


def check_model(path: Path, spec: ModelSpec) -> None:
    """Raises ModelError unless `path` is a whole model folder that can run grammar mode."""
    if not path.exists():
        raise ModelError(
            f"{path}: no such folder; run '{DOWNLOAD_COMMAND}', or give the model folder "
            "with --model"
        )
    if not path.is_dir():
        raise ModelError(f"{path}: not a folder; give the unpacked {spec.name} folder, not a file")
    missing = [name for name in spec.required if not _has_content(path / name)]
    if any(name not in DYNAMIC_GRAPH for name in missing):
        raise ModelError(
            f"{path}: incomplete or damaged model, missing or empty: {', '.join(missing)}; "
            f"delete this folder and run '{DOWNLOAD_COMMAND}' again"
        )
    if missing:
        static = ", only the static graph/HCLG.fst" if (path / "graph/HCLG.fst").is_file() else ""
        raise ModelError(
            f"{path}: this model has no dynamic graph{static}; grammar mode needs "
            f"{' and '.join(DYNAMIC_GRAPH)}. Get {spec.name} instead: run '{DOWNLOAD_COMMAND}'"
        )


def _has_content(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def _usable(path: Path, spec: ModelSpec) -> bool:
    try:
        check_model(path, spec)
    except ModelError:
        return False
    return True


def download(
    spec: ModelSpec,
    into: Path,
    *,
    url: str | None = None,
    progress: Progress | None = None,
    timeout: float = 30,
) -> Path:
    """The model folder into/<name>: fetched (resuming a partial download), verified, unpacked."""
    target = into / spec.name
    if _usable(target, spec):
        log.info("%s is already installed in %s", spec.name, target)
        return target
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ModelError(f"cannot create {into} ({error}); choose another folder") from error
    part = into / f".{spec.name}.zip.part"
    _fetch(url or spec.url, part, spec, progress or _ignore, timeout)
    _verify(part, spec)
    _install(part, into, spec)
    part.unlink(missing_ok=True)
    log.info("installed %s in %s", spec.name, target)
    return target


def _fetch(url: str, part: Path, spec: ModelSpec, progress: Progress, timeout: float) -> None:
    have = part.stat().st_size if part.is_file() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        response = urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=timeout
        )
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 416 and have:
            # Nothing left to send: the part is whole, and the checksum decides if it is good.
            progress(have, have)
            return
        raise _unreachable(url, part, spec, f"HTTP {error.code} {error.reason}") from error
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise _unreachable(url, part, spec, str(getattr(error, "reason", error))) from error
    with response:
        _receive(response, url, part, have, progress)


def _receive(response: Any, url: str, part: Path, have: int, progress: Progress) -> None:
    start, total = _extent(response, have)
    if start not in (0, have):
        part.unlink(missing_ok=True)
        raise ModelError(f"{url} resumed at the wrong place; run the same command again to restart")
    if have and not start:
        log.info("%s did not resume the download; starting over", url)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if start else os.O_TRUNC)
    done = start
    with os.fdopen(os.open(part, flags, 0o600), "ab" if start else "wb") as out:
        progress(done, total)
        try:
            while chunk := response.read(CHUNK):
                out.write(chunk)
                done += len(chunk)
                progress(done, total)
        except (OSError, http.client.HTTPException) as error:
            raise _interrupted(url, part, done, total, repr(error)) from error
    if total is not None and done < total:
        raise _interrupted(url, part, done, total, "the connection closed early")


def _extent(response: Any, have: int) -> tuple[int, int | None]:
    """Where the body starts in the archive (0 unless resumed), and the archive's size if known."""
    length = response.headers.get("Content-Length", "")
    size = int(length) if length.isdigit() else None
    if not have or getattr(response, "status", None) != 206:
        return 0, size
    match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
    start = int(match[1]) if match else have
    if match and match[2] != "*":
        return start, int(match[2])
    return start, None if size is None else start + size


def _ignore(done: int, total: int | None) -> None:
    """The progress callback when nobody is watching."""


def _unreachable(url: str, part: Path, spec: ModelSpec, reason: str) -> ModelError:
    return ModelError(
        f"could not download {url}: {reason}. Check the network connection; or give a mirror "
        f"with --url; or copy the unpacked {spec.name} folder into {part.parent}"
    )


def _interrupted(url: str, part: Path, done: int, total: int | None, why: str) -> ModelError:
    of = f" of {total}" if total is not None else ""
    return ModelError(
        f"the download of {url} was interrupted after {done}{of} bytes ({why}); the part is "
        f"kept in {part}, and running the same command again resumes it"
    )


def _verify(part: Path, spec: ModelSpec) -> None:
    with part.open("rb") as archive:
        actual = hashlib.file_digest(archive, "sha256").hexdigest()
    if actual != spec.sha256.lower():
        part.unlink(missing_ok=True)
        raise ModelError(
            f"the downloaded {spec.name} archive does not match its checksum (expected sha256 "
            f"{spec.sha256}, got {actual}), so it was deleted and nothing was installed; try "
            "again, and if it happens again the server or mirror is sending a different file"
        )


def _install(archive: Path, into: Path, spec: ModelSpec) -> None:
    # Unpacked beside the target (same filesystem) so the final move is one atomic rename.
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.name}.", suffix=".unpacking", dir=into))
    try:
        _unpack(archive, staging, spec)
        target = into / spec.name
        if target.exists() or target.is_symlink():
            log.warning("replacing the unusable model in %s", target)
            os.replace(target, staging / "replaced")
        os.replace(staging / spec.name, target)
    except ModelError:
        # The archive passed its checksum yet cannot be installed: fetching it again cannot help.
        archive.unlink(missing_ok=True)
        raise
    except OSError as error:
        raise ModelError(
            f"could not unpack {spec.name} into {into} ({error}); the download is kept, so "
            "running the same command again retries without fetching it all again"
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack(archive: Path, staging: Path, spec: ModelSpec) -> None:
    try:
        with zipfile.ZipFile(archive) as bundle:
            for name in bundle.namelist():
                member = PurePosixPath(name.replace("\\", "/"))
                if member.is_absolute() or ".." in member.parts:
                    raise ModelError(
                        f"the {spec.name} archive holds an unsafe path {name!r} (absolute or "
                        "with '..'); refusing to unpack it"
                    )
            bundle.extractall(staging)
    except zipfile.BadZipFile as error:
        raise ModelError(f"the {spec.name} download is not a readable zip ({error})") from error
    try:
        check_model(staging / spec.name, spec)
    except ModelError as error:
        raise ModelError(f"the archive holds no usable {spec.name} folder: {error}") from error
