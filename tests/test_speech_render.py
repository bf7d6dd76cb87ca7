"""Speech rendered by the real espeak-ng and cached on disk; the cue sounds made in numpy."""

from __future__ import annotations

import ctypes.util
import importlib.util
import itertools
import stat
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from skill.cues import cue_sound
from skill.errors import SpeechError
from skill.plan import WORDS_PER_SECOND
from skill.routine import Cue
from skill.speech_render import SpeechRenderer, default_cache_dir, seconds
from skill.wavfile import RATE, Samples, read_wav

needs_espeak = pytest.mark.skipif(
    importlib.util.find_spec("pyttsx3") is None or ctypes.util.find_library("espeak-ng") is None,
    reason="needs pyttsx3 and espeak-ng (sudo apt install espeak-ng)",
)

SENTENCE = "Let your shoulders drop, and breathe out slowly through your mouth."
OTHERS = ("Tilt your head gently to the left.", "Well done.", "Now the other side.")


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "speech"


@pytest.fixture
def renderer(cache: Path) -> SpeechRenderer:
    return SpeechRenderer(cache)


def _files(cache: Path) -> list[Path]:
    return sorted(cache.iterdir())


def _rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


@needs_espeak
def test_a_sentence_is_16khz_speech_at_a_calm_pace(renderer: SpeechRenderer, cache: Path) -> None:
    samples = renderer.render(SENTENCE)
    assert samples.dtype == np.int16
    assert samples.ndim == 1
    assert _rms(samples) > 500  # speech, not silence (full scale is 32768)
    expected = len(SENTENCE.split()) / WORDS_PER_SECOND
    assert 0.4 * expected <= seconds(samples) <= 2.5 * expected
    (stored,) = _files(cache)
    assert read_wav(stored).rate == RATE


@needs_espeak
def test_a_slower_speed_takes_longer(renderer: SpeechRenderer) -> None:
    slow, fast = renderer.render(SENTENCE, 0.7), renderer.render(SENTENCE, 1.3)
    assert seconds(slow) > 1.3 * seconds(fast)


@needs_espeak
def test_a_cached_sentence_is_read_back_not_rendered_again(
    renderer: SpeechRenderer, cache: Path
) -> None:
    first = renderer.render(SENTENCE)
    (stored,) = _files(cache)
    before = stored.stat()
    again = SpeechRenderer(cache).render(SENTENCE)  # a new renderer finds it too
    assert _files(cache) == [stored]
    after = stored.stat()
    # A render would have moved a new file into place: another inode, another mtime.
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    np.testing.assert_array_equal(again, first)


@needs_espeak
def test_another_speed_text_or_voice_is_cached_apart(renderer: SpeechRenderer, cache: Path) -> None:
    renderer.render(SENTENCE)
    renderer.render(SENTENCE, 1.2)
    renderer.render(OTHERS[0])
    SpeechRenderer(cache, voice="en-us").render(SENTENCE)
    assert len(_files(cache)) == 4


@needs_espeak
def test_the_cache_is_private_and_holds_no_half_files(
    renderer: SpeechRenderer, cache: Path
) -> None:
    renderer.warm([SENTENCE, *OTHERS])
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    for path in _files(cache):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.suffix == ".wav"
        assert not path.name.startswith(".")  # no temporary file left behind


@needs_espeak
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"\x8f garbage \x00" * 50, id="garbage"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[:44], id="header-only"),
    ],
)
def test_a_damaged_cache_file_is_rendered_again_not_played(
    renderer: SpeechRenderer, cache: Path, damage: Callable[[bytes], bytes]
) -> None:
    first = renderer.render(SENTENCE)
    (stored,) = _files(cache)
    stored.write_bytes(damage(stored.read_bytes()))
    again = renderer.render(SENTENCE)
    assert _rms(again) > 500
    assert abs(len(again) - len(first)) < 0.05 * len(first)
    assert read_wav(stored).rate == RATE  # replaced by a good file
    assert _files(cache) == [stored]


@needs_espeak
def test_warm_renders_only_what_is_missing(renderer: SpeechRenderer, cache: Path) -> None:
    renderer.render(SENTENCE)
    assert renderer.warm([SENTENCE, *OTHERS, OTHERS[0]]) == len(OTHERS)
    assert renderer.warm([SENTENCE, *OTHERS]) == 0
    assert renderer.warm(OTHERS, speed=0.8) == len(OTHERS)
    assert len(_files(cache)) == 1 + 2 * len(OTHERS)


@needs_espeak
def test_an_unknown_voice_is_named_with_voices_that_exist(cache: Path) -> None:
    with pytest.raises(SpeechError, match="no voice 'no-such-voice'") as raised:
        SpeechRenderer(cache, voice="no-such-voice").render(SENTENCE)
    assert "gmw/en" in str(raised.value)
    assert _files(cache) == []  # nothing cached under the unknown voice


@needs_espeak
def test_rendering_prints_nothing(
    renderer: SpeechRenderer, capsys: pytest.CaptureFixture[str]
) -> None:
    renderer.render(SENTENCE)
    print("the coach's own line")
    assert capsys.readouterr().out == "the coach's own line\n"


def test_blank_text_is_silence_without_espeak(renderer: SpeechRenderer, cache: Path) -> None:
    assert len(renderer.render("  ")) == 0
    assert not cache.exists()


def test_the_cache_lives_under_xdg_cache_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "massage-coach" / "speech"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "massage-coach" / "speech"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "massage-coach" / "speech"


EDGE = round(0.005 * RATE)
FULL_SCALE = 32768


@pytest.mark.parametrize("cue", list(Cue))
def test_a_cue_is_short_soft_and_free_of_clicks(cue: Cue) -> None:
    samples = cue_sound(cue)
    assert samples.dtype == np.int16
    assert 0.2 <= seconds(samples) <= 0.8
    assert np.abs(samples).max() <= 0.35 * FULL_SCALE
    # Sound that jumps in or out is heard as a click: the edges must be near silence.
    assert np.abs(samples[:EDGE]).max() < 0.05 * FULL_SCALE
    assert np.abs(samples[-EDGE:]).max() < 0.05 * FULL_SCALE
    assert abs(int(samples[0])) < 0.005 * FULL_SCALE
    assert abs(int(samples[-1])) < 0.005 * FULL_SCALE


def _dominant_hz(samples: Samples) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64), n=RATE))  # 1 Hz bins
    return float(np.argmax(spectrum))


def test_every_cue_sounds_different() -> None:
    pitches = {cue: _dominant_hz(cue_sound(cue)) for cue in Cue}
    for one, other in itertools.combinations(Cue, 2):
        assert abs(pitches[one] - pitches[other]) > 30, (one, other, pitches)


def test_a_cue_is_made_once_and_cannot_be_changed_by_a_caller() -> None:
    samples = cue_sound(Cue.START)
    assert cue_sound(Cue.START) is samples
    with pytest.raises(ValueError, match="read-only"):
        samples[0] = 1


def test_a_cue_can_be_made_at_another_rate() -> None:
    assert len(cue_sound(Cue.HALFWAY, 48_000)) == 3 * len(cue_sound(Cue.HALFWAY))
