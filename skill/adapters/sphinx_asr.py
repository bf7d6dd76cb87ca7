"""The pocketsphinx engine: voice activity segments the stream, a grammar decodes each part."""

from __future__ import annotations

import logging
from typing import Any

from skill.commands import parse
from skill.errors import RecognizerError
from skill.recognition import BYTES_PER_SECOND, Detection, grammar_phrases

log = logging.getLogger(__name__)


def _jsgf(phrases: list[str]) -> str:
    return "#JSGF V1.0;\ngrammar commands;\npublic <command> = " + " | ".join(phrases) + " ;\n"


class PocketsphinxEngine:
    """US English with the model bundled in the pocketsphinx package: works offline at once.

    Each stretch of speech is decoded against a grammar of the command phrases, with the
    decoder's best-path pass off: with a grammar it returns partial paths that never reach
    the grammar's end ("how", "go"), the main source of wrong commands.
    """

    name = "pocketsphinx"

    def __init__(self) -> None:
        try:
            from pocketsphinx import Decoder
        except ImportError as exc:
            raise RecognizerError(f"pocketsphinx is not installed ({exc}); run ./run.sh") from None
        try:
            self.decoder: Any = Decoder(lm=None, bestpath=False, loglevel="FATAL")
            known = [p for p in grammar_phrases() if self._all_known(p)]
            self.decoder.add_jsgf_string("commands", _jsgf(known))
            self.decoder.activate_search("commands")
        except (RuntimeError, ValueError) as exc:
            raise RecognizerError(f"pocketsphinx could not start ({exc}); run ./run.sh") from None

    def _all_known(self, phrase: str) -> bool:
        missing = [word for word in phrase.split() if self.decoder.lookup_word(word) is None]
        if missing:
            log.warning("pocketsphinx cannot hear %r: %s not in its dictionary", phrase, missing)
        return not missing

    def stream(self) -> PocketsphinxStream:
        # A fresh front end for each stream: its noise estimate adapts to what it hears, and
        # one file's result must never depend on the file before.
        self.decoder.reinit_feat()
        return PocketsphinxStream(self.decoder)


class PocketsphinxStream:
    """One audio stream. An endpointer (voice activity over a short window) finds where speech
    starts and stops; the shared decoder decodes each stretch when it ends."""

    def __init__(self, decoder: Any) -> None:
        from pocketsphinx import Endpointer

        self._decoder = decoder
        self._endpointer: Any = Endpointer()
        self._frame_bytes: int = self._endpointer.frame_bytes
        self._pending = b""
        self._consumed = 0
        self._started = 0.0

    def feed(self, chunk: bytes) -> list[Detection]:
        self._pending += chunk
        found: list[Detection] = []
        while len(self._pending) >= self._frame_bytes:
            frame = self._pending[: self._frame_bytes]
            self._pending = self._pending[self._frame_bytes :]
            self._consumed += len(frame)
            found.extend(self._frame(frame))
        return found

    def _frame(self, frame: bytes) -> list[Detection]:
        was_in_speech = self._endpointer.in_speech
        speech = self._endpointer.process(frame)
        if speech is None:
            return []
        if not was_in_speech:
            self._decoder.start_utt()
            self._started = self._endpointer.speech_start
        self._decoder.process_raw(speech)
        if self._endpointer.in_speech:
            return []
        return self._utterance_done(self._endpointer.speech_end)

    def finish(self) -> list[Detection]:
        if not self._endpointer.in_speech:
            return []
        self._consumed += len(self._pending)
        # end_stream wants at least one sample: a stream cut exactly on a frame boundary ends
        # on a frame of silence.
        speech = self._endpointer.end_stream(self._pending or bytes(self._frame_bytes))
        self._pending = b""
        if speech:
            self._decoder.process_raw(speech)
        return self._utterance_done(self._consumed / BYTES_PER_SECOND)

    def _utterance_done(self, end: float) -> list[Detection]:
        self._decoder.end_utt()
        hypothesis = self._decoder.hyp()
        text = hypothesis.hypstr if hypothesis is not None else ""
        intent = parse(text)
        log.debug("pocketsphinx heard %r (%.2f-%.2f s)", text, self._started, end)
        if hypothesis is None or intent is None:
            return []
        confidence = min(1.0, max(0.0, float(hypothesis.prob)))
        emitted = self._consumed / BYTES_PER_SECOND
        return [Detection(intent, text, self._started, end, emitted, confidence)]
