"""Speech for the tests: espeak-ng renderings made on the spot, and the shared human recordings."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from skill.wavfile import read_wav, write_wav
from tests.helpers import ROOT

SHARED_SPEECH = ROOT.parent / "shared" / "speech"
"""Human recordings with their sources and licences in manifest.tsv (CC-BY: keep attribution)."""


def shared(relative: str) -> Path:
    path = SHARED_SPEECH / relative
    if not path.is_file():
        pytest.skip(f"the shared recordings are not beside this checkout ({path})")
    return path


def spoken(text: str, folder: Path, voice: str = "en-us", pad: float = 0.6) -> Path:
    """`text` said by espeak-ng at its own 22.05 kHz, with `pad` seconds of quiet around it."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: ./test.sh installs it")
    raw = folder / f"raw-{abs(hash((text, voice)))}.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "140", "-w", str(raw), text], check=True, timeout=30
    )
    recording = read_wav(raw)
    quiet = np.zeros(int(recording.rate * pad), np.int16)
    out = folder / f"{'_'.join(text.split())}-{voice}.wav"
    write_wav(out, np.concatenate([quiet, recording.samples, quiet]), recording.rate)
    return out
