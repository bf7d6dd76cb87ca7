"""Which speech engine runs: Vosk when its model is installed, pocketsphinx otherwise."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from skill.errors import ModelError, RecognizerError
from skill.models import VOSK_SMALL_EN_US, check_model, find_model
from skill.recognition import SpeechEngine

log = logging.getLogger(__name__)


class Engine(StrEnum):
    AUTO = "auto"
    VOSK = "vosk"
    POCKETSPHINX = "pocketsphinx"


@dataclass(frozen=True)
class EngineChoice:
    """The engine that will run, its model folder (Vosk only), and why it was chosen."""

    engine: Engine
    model: Path | None
    reason: str


def choose(requested: Engine, model: Path | None = None) -> EngineChoice:
    """The engine for `requested`; an explicit Vosk or --model that cannot work is an error."""
    if requested is Engine.POCKETSPHINX:
        return EngineChoice(Engine.POCKETSPHINX, None, "asked for")
    found = find_model(VOSK_SMALL_EN_US, model)
    if found is None and (requested is Engine.VOSK or model is not None):
        where = f"in {model}" if model else "installed"
        raise RecognizerError(
            f"no Vosk model {where}; run 'massage-coach model download', or use "
            "'--engine pocketsphinx'"
        )
    if found is None:
        return EngineChoice(Engine.POCKETSPHINX, None, "no Vosk model is installed")
    try:
        check_model(found, VOSK_SMALL_EN_US)
    except ModelError as exc:
        if requested is Engine.VOSK or model is not None:
            raise
        log.warning("%s; using pocketsphinx instead", exc)
        return EngineChoice(Engine.POCKETSPHINX, None, f"the Vosk model is unusable: {exc}")
    return EngineChoice(Engine.VOSK, found, f"model in {found}")


def load(choice: EngineChoice) -> SpeechEngine:
    """The chosen engine, its model loaded (the slow part of starting to listen)."""
    if choice.engine is Engine.VOSK:
        from skill.adapters.vosk_asr import VoskEngine

        assert choice.model is not None
        return VoskEngine(choice.model)
    from skill.adapters.sphinx_asr import PocketsphinxEngine

    return PocketsphinxEngine()
