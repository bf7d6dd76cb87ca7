"""Pytest configuration: hypothesis profiles sized for the shared CI machine, and the virtual
sound card the audio tests play and record through."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.virtual_audio import MISSING_HINT, VirtualAudio, missing_tools

settings.register_profile(
    "default", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("default")


@pytest.fixture(scope="session")
def virtual_audio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualAudio]:
    """A private PulseAudio daemon with a virtual speaker and microphone, for the whole session.

    PortAudio reads the device list once, when sounddevice is imported: the daemon has to be up
    before that, so nothing may import sounddevice at module level.
    """
    missing = missing_tools()
    if missing:
        pytest.fail(f"{MISSING_HINT} (missing: {', '.join(missing)})", pytrace=False)
    if "sounddevice" in sys.modules:
        pytest.fail(
            "sounddevice was imported before the virtual sound card started, so PortAudio "
            "cannot see it; import it only inside the functions that use it",
            pytrace=False,
        )
    audio = VirtualAudio(tmp_path_factory.mktemp("pulse"))
    yield audio
    audio.stop()


@pytest.fixture(autouse=True)
def _virtual_audio_environment(request: pytest.FixtureRequest) -> Iterator[None]:
    """Only tests that use the virtual sound card see it: a command line another test runs must
    not find a working microphone and start listening."""
    if "virtual_audio" not in request.fixturenames:
        yield
        return
    audio: VirtualAudio = request.getfixturevalue("virtual_audio")
    with audio.environment():
        yield
