"""The sound card adapters on a real (virtual) sound card: choosing devices, hearing the
microphone, playing and cutting off clips, and devices that go away and come back."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from skill.audio_devices import Kind, Microphone, Player, list_devices, resolve
from skill.errors import AudioDeviceError
from skill.wavfile import RATE, Samples, write_wav
from tests.virtual_audio import MIC, SPEAKER, VirtualAudio

pytestmark = pytest.mark.usefixtures("virtual_audio")

CHUNK_BYTES = RATE // 10 * 2


def tone(seconds: float, amplitude: float = 0.5, hz: float = 440.0) -> Samples:
    t = np.arange(int(seconds * RATE)) / RATE
    samples: Samples = np.round(np.sin(2 * np.pi * hz * t) * amplitude * 32767).astype(np.int16)
    return samples


def silence(seconds: float) -> Samples:
    return np.zeros(int(seconds * RATE), dtype=np.int16)


def match(recorded: Samples, reference: Samples) -> tuple[float, Samples]:
    """The normalised correlation of `reference` with the stretch of `recorded` most like it,
    and that stretch (found by FFT cross-correlation, so any delay is allowed for)."""
    a, b = recorded.astype(np.float64), reference.astype(np.float64)
    size = len(a) + len(b)
    scores = np.fft.irfft(np.fft.rfft(a, size) * np.conj(np.fft.rfft(b, size)), size)
    lag = int(np.argmax(scores[: len(a)]))
    stretch = np.zeros_like(b)
    piece = a[lag : lag + len(b)]
    stretch[: len(piece)] = piece
    denominator = float(np.linalg.norm(stretch) * np.linalg.norm(b)) or 1.0
    return float(stretch @ b) / denominator, stretch.astype(np.int16)


def rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


def loud_span(samples: Samples, threshold: float = 1000.0) -> tuple[float, float]:
    """Seconds from the start of the recording to the first and past the last loud 10 ms."""
    window = RATE // 100
    frames = samples[: len(samples) // window * window].astype(np.float64).reshape(-1, window)
    loud = np.flatnonzero(np.sqrt((frames**2).mean(axis=1)) > threshold)
    assert len(loud), "nothing loud was recorded"
    return loud[0] * window / RATE, (loud[-1] + 1) * window / RATE


def pause(seconds: float) -> None:
    """Lets real time pass in small bounded steps (audio has to actually flow)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(min(0.05, max(0.0, end - time.monotonic())))


def index_of(name: str) -> int:
    return next(device.index for device in list_devices() if device.name == name)


# Choosing devices


def test_the_virtual_card_has_a_default_input_and_output() -> None:
    devices = list_devices()
    assert [d for d in devices if d.is_default_input and d.inputs > 0]
    assert [d for d in devices if d.is_default_output and d.outputs > 0]
    by_name = {device.name: device for device in devices}
    assert by_name[MIC].inputs > 0 and by_name[MIC].outputs == 0
    assert by_name[SPEAKER].outputs > 0 and by_name[SPEAKER].inputs == 0


def test_devices_are_chosen_by_index_or_part_of_the_name() -> None:
    mic, speaker = index_of(MIC), index_of(SPEAKER)
    assert resolve(None, "input") is None
    assert resolve(mic, "input") == mic
    assert resolve(f" {mic} ", "input") == mic
    assert resolve("VMI", "input") == mic
    assert resolve("speak", "output") == speaker


@pytest.mark.parametrize(
    ("spec", "kind", "expected", "listed"),
    [
        ("no such card", "input", "no microphone has 'no such card' in its name", MIC),
        ("vmic", "output", "no speaker has 'vmic' in its name", SPEAKER),
        (999, "input", "there is no audio device 999", MIC),
        ("999", "output", "there is no audio device 999", SPEAKER),
    ],
)
def test_a_device_that_is_not_there_is_explained(
    spec: str | int, kind: Kind, expected: str, listed: str
) -> None:
    with pytest.raises(AudioDeviceError) as raised:
        resolve(spec, kind)
    message = str(raised.value)
    assert expected in message
    assert f"'{listed}'" in message  # what could be chosen instead
    option = "--input-device" if kind == "input" else "--output-device"
    assert "massage-coach devices" in message and option in message


def test_a_device_of_the_wrong_kind_or_an_unclear_name_is_explained() -> None:
    speaker = index_of(SPEAKER)
    with pytest.raises(AudioDeviceError, match=f"device {speaker} cannot be used as a microphone"):
        resolve(speaker, "input")
    with pytest.raises(AudioDeviceError, match=r"'e' matches several speakers: .*'vspeaker'"):
        resolve("e", "output")


# The microphone


def test_the_microphone_gives_what_is_fed_in_100_ms_chunks(
    virtual_audio: VirtualAudio, tmp_path: Path
) -> None:
    fed = np.concatenate([silence(0.3), tone(1.0), silence(0.3)])
    write_wav(tmp_path / "tone.wav", fed)
    with Microphone() as microphone:
        assert microphone.read(timeout=2.0) is not None  # the stream is running
        virtual_audio.feed_mic(tmp_path / "tone.wav")
        chunks = []
        while (chunk := microphone.read(timeout=0.0)) is not None:  # queued while it was fed
            chunks.append(chunk)
        for _ in range(5):  # and what is still on its way
            chunk = microphone.read(timeout=0.5)
            assert chunk is not None
            chunks.append(chunk)
    assert chunks and {len(chunk) for chunk in chunks} == {CHUNK_BYTES}
    heard = np.frombuffer(b"".join(chunks), dtype=np.int16)
    score, stretch = match(heard, fed)
    assert score > 0.98
    assert rms(stretch) == pytest.approx(rms(fed), rel=0.05)


def test_a_microphone_that_is_unplugged_is_reported_and_comes_back(
    virtual_audio: VirtualAudio,
) -> None:
    with Microphone(MIC) as microphone:
        assert microphone.read(timeout=2.0) is not None
        try:
            virtual_audio.unplug_mic()
            message = read_until_lost(microphone, within=5.0)
            assert f"'{MIC}'" in message and "stopped working" in message
            assert "massage-coach devices" in message and "--input-device" in message
            assert not microphone.reopen(wait=0.3)
            with pytest.raises(AudioDeviceError, match="not open"):
                microphone.read(timeout=0.1)
        finally:
            virtual_audio.plug_mic()
        assert microphone.reopen()
        assert microphone.read(timeout=2.0) is not None
        assert microphone.read(timeout=2.0) is not None


def test_a_microphone_that_stops_giving_sound_is_reported_and_comes_back(
    virtual_audio: VirtualAudio,
) -> None:
    with Microphone(MIC, stall=0.5) as microphone:
        assert microphone.read(timeout=2.0) is not None
        try:
            virtual_audio.suspend_mic(True)
            message = read_until_lost(microphone, within=5.0)
            assert "has given no sound" in message and f"'{MIC}'" in message
            assert not microphone.reopen(wait=0.3)
        finally:
            virtual_audio.suspend_mic(False)
        assert microphone.reopen()
        assert microphone.read(timeout=2.0) is not None


def read_until_lost(microphone: Microphone, within: float) -> str:
    """Reads as a session would until the microphone is reported lost; the report's text."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            microphone.read(timeout=0.1)
        except AudioDeviceError as exc:
            return str(exc)
    raise AssertionError(f"the loss was not noticed within {within} s")


# The speaker


def test_queued_clips_are_played_back_to_back_at_their_volume(
    virtual_audio: VirtualAudio, tmp_path: Path
) -> None:
    clip = tone(0.5)
    with Player() as player, virtual_audio.record_speaker(tmp_path / "heard.wav") as recorder:
        player.play(clip)
        player.play(clip, volume=0.5)
        assert player.wait_until_idle(timeout=5.0)
        pause(0.1)
    assert recorder.samples is not None
    score, stretch = match(recorder.samples, np.concatenate([clip, (clip * 0.5).astype(np.int16)]))
    assert score > 0.98
    full, half = stretch[: len(clip)], stretch[len(clip) :]
    assert rms(full) == pytest.approx(rms(clip), rel=0.05)
    assert rms(half) / rms(full) == pytest.approx(0.5, abs=0.05)


def test_stop_cuts_a_clip_off(virtual_audio: VirtualAudio, tmp_path: Path) -> None:
    with Player() as player, virtual_audio.record_speaker(tmp_path / "heard.wav") as recorder:
        started = time.monotonic()
        player.play(tone(3.0))
        player.play(tone(1.0))
        pause(0.8)
        assert player.busy
        stopped = time.monotonic()
        player.stop()
        assert player.wait_until_idle(timeout=1.0)
        assert not player.busy
        pause(0.6)  # anything still coming out would be recorded now
    assert recorder.samples is not None
    first, last = loud_span(recorder.samples)
    played_for = stopped - started
    assert last - first <= played_for + 0.5, "sound went on after stop()"
    assert last - first >= played_for - 0.3, "the clip did not play until stop()"


def test_busy_until_the_clip_has_been_heard() -> None:
    with Player() as player:
        assert not player.busy
        assert player.wait_until_idle(timeout=0.1)
        started = time.monotonic()
        player.play(tone(0.4))
        assert player.busy
        assert not player.wait_until_idle(timeout=0.05)
        assert player.wait_until_idle(timeout=5.0)
        assert time.monotonic() - started >= 0.35
        assert not player.busy
        player.play(silence(0.0))  # an empty clip is nothing to wait for
        assert not player.busy


def test_a_speaker_that_is_unplugged_is_reported(virtual_audio: VirtualAudio) -> None:
    with Player(SPEAKER) as player:
        player.play(tone(2.0))
        try:
            virtual_audio.unplug_speaker()
            with pytest.raises(AudioDeviceError) as raised:
                player.wait_until_idle(timeout=5.0)
            message = str(raised.value)
            assert f"'{SPEAKER}'" in message and "stopped working" in message
            assert "massage-coach devices" in message and "--output-device" in message
            with pytest.raises(AudioDeviceError, match="stopped working"):
                player.play(tone(0.1))
        finally:
            virtual_audio.plug_speaker()
    with Player(SPEAKER) as player:
        player.play(tone(0.1))
        assert player.wait_until_idle(timeout=5.0)
