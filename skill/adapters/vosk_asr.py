"""The Vosk engine: a grammar of the command phrases plus [unk], so other speech is refused."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from skill.commands import parse
from skill.errors import RecognizerError
from skill.recognition import BYTES_PER_SECOND, Detection, grammar_phrases

log = logging.getLogger(__name__)


class VoskEngine:
    """Vosk with a model that has a dynamic graph (checked by skill.models.check_model).

    `[unk]` in the grammar gives speech outside the commands somewhere to go: a result that
    holds it is not a command.
    """

    name = "vosk"

    def __init__(self, model_path: Path) -> None:
        try:
            import vosk
        except ImportError as exc:
            raise RecognizerError(f"vosk is not installed ({exc}); run ./run.sh") from None
        vosk.SetLogLevel(-1)
        self._vosk: Any = vosk
        self._grammar = json.dumps([*grammar_phrases(), "[unk]"])
        try:
            self._model: Any = vosk.Model(str(model_path))
        except Exception as exc:  # vosk raises a bare Exception for every failure
            raise RecognizerError(
                f"the Vosk model in {model_path} could not be loaded ({exc}); it may be "
                "damaged: delete that folder and run 'massage-coach model download'"
            ) from None

    def stream(self) -> VoskStream:
        return VoskStream(self._vosk.KaldiRecognizer(self._model, 16_000, self._grammar))


class VoskStream:
    """One audio stream through its own Kaldi recognizer."""

    def __init__(self, recognizer: Any) -> None:
        self._recognizer = recognizer
        self._recognizer.SetWords(True)
        self._consumed = 0

    def feed(self, chunk: bytes) -> list[Detection]:
        self._consumed += len(chunk)
        if self._recognizer.AcceptWaveform(chunk):
            return self._detections(self._recognizer.Result())
        return []

    def finish(self) -> list[Detection]:
        return self._detections(self._recognizer.FinalResult())

    def _detections(self, result_json: str) -> list[Detection]:
        result = json.loads(result_json)
        text: str = result.get("text", "")
        words: list[dict[str, float]] = result.get("result", [])
        log.debug("vosk heard %r", text)
        intent = parse(text)
        if not words or "[unk]" in text or intent is None:
            return []
        confidence = min(word.get("conf", 1.0) for word in words)
        emitted = self._consumed / BYTES_PER_SECOND
        return [Detection(intent, text, words[0]["start"], words[-1]["end"], emitted, confidence)]
