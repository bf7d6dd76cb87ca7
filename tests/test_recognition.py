"""Recognition through the real pocketsphinx engine, streamed as the microphone path is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from skill.adapters.sphinx_asr import PocketsphinxEngine
from skill.commands import Intent
from skill.recognition import grammar_phrases
from skill.recognize import recognize_file
from skill.wavfile import read_wav, write_wav
from tests.speech import shared, spoken


@pytest.fixture(scope="module")
def engine() -> PocketsphinxEngine:
    return PocketsphinxEngine()


# Phrases this engine hears reliably in espeak-ng's voice; how well it hears everything else,
# in noise and from other voices, is measured by the recognition benchmark.
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("tender spot", Intent.TENDER_SPOT),
        ("go back", Intent.BACK),
        ("repeat", Intent.REPEAT),
        ("stop", Intent.STOP),
    ],
)
def test_a_spoken_command_is_recognised_with_its_times(
    engine: PocketsphinxEngine, tmp_path: Path, text: str, intent: Intent
) -> None:
    result = recognize_file(spoken(text, tmp_path), engine)
    assert [event.intent for event in result.events] == [intent]
    event = result.events[0]
    assert event.text == text
    # The words sit between the 0.6 s of quiet on each side.
    assert 0.3 < event.start < 0.9
    assert event.start < event.end <= event.emitted_at <= result.audio_seconds
    assert 0.0 <= event.confidence <= 1.0


@pytest.mark.parametrize(
    ("relative", "intents"),
    [
        ("commands/speech_commands_samples/tflite_micro/no_1000ms.wav", [Intent.NO]),
        ("commands/speech_commands_samples/arm_mlek/yes.wav", [Intent.YES]),
    ],
)
def test_real_people_saying_yes_and_no_are_heard(
    engine: PocketsphinxEngine, tmp_path: Path, relative: str, intents: list[Intent]
) -> None:
    # As from a microphone: some quiet before and after, for the front end to settle on.
    recording = read_wav(shared(relative))
    quiet = np.zeros(int(recording.rate * 0.6), np.int16)
    padded = tmp_path / "padded.wav"
    write_wav(padded, np.concatenate([quiet, recording.samples, quiet]), recording.rate)
    result = recognize_file(padded, engine)
    assert [event.intent for event in result.events] == intents


def test_two_commands_in_one_stream_are_both_heard_in_order(
    engine: PocketsphinxEngine, tmp_path: Path
) -> None:
    first, second = spoken("tender spot", tmp_path), spoken("stop", tmp_path)
    joined = np.concatenate([read_wav(first).samples, read_wav(second).samples])
    write_wav(tmp_path / "both.wav", joined, read_wav(first).rate)
    events = recognize_file(tmp_path / "both.wav", engine).events
    assert [event.intent for event in events] == [Intent.TENDER_SPOT, Intent.STOP]
    assert events[0].end < events[1].start


def test_silence_gives_no_command(engine: PocketsphinxEngine, tmp_path: Path) -> None:
    write_wav(tmp_path / "quiet.wav", np.zeros(32_000, np.int16))
    assert recognize_file(tmp_path / "quiet.wav", engine).events == []


def test_every_phrase_of_the_grammar_is_in_the_engine_dictionary(
    engine: PocketsphinxEngine,
) -> None:
    for phrase in grammar_phrases():
        for word in phrase.split():
            assert engine.decoder.lookup_word(word) is not None, word


def test_a_stream_ending_mid_speech_on_a_frame_boundary_ends_cleanly(
    engine: PocketsphinxEngine,
) -> None:
    """Loud sound to the last sample, in whole 30 ms frames: the endpointer is still in speech
    with nothing left over when the stream ends."""
    stream = engine.stream()
    loud = np.random.default_rng(0).integers(-20000, 20000, 480 * 50).astype(np.int16)
    stream.feed(np.zeros(480 * 20, np.int16).tobytes())
    stream.feed(loud.tobytes())
    assert isinstance(stream.finish(), list)
