"""What the person can say: canonical intents, the phrases for each, and text -> intent."""

from __future__ import annotations

import re
from enum import StrEnum


class Intent(StrEnum):
    """A command the dialogue understands; the state it arrives in decides what it does."""

    START = "start"
    NEXT = "next"
    REPEAT = "repeat"
    BACK = "back"
    SKIP = "skip"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    TENDER_SPOT = "tender_spot"
    PAIN = "pain"
    WARNING_SIGN = "warning_sign"
    TIME_LEFT = "time_left"
    WHERE = "where"
    HELP = "help"
    SLOWER = "slower"
    FASTER = "faster"
    LOUDER = "louder"
    SOFTER = "softer"
    LONGER = "longer"
    YES = "yes"
    NO = "no"


# Phrases as people naturally say them, already normalised (lower case, no punctuation).
# "continue" and its kin map to RESUME; the dialogue reads it by context (resume a pause,
# answer "no" to "end the session?", or simply go on).
PHRASES: dict[Intent, tuple[str, ...]] = {
    Intent.START: (
        "start",
        "start neck massage",
        "start massage",
        "start the massage",
        "start a neck massage",
        "begin",
        "let's begin",
        "let's start",
    ),
    Intent.NEXT: (
        "next",
        "next step",
        "next one",
        "move on",
        "ready",
        "i'm ready",
        "done",
        "i'm done",
        "go ahead",
    ),
    Intent.REPEAT: (
        "repeat",
        "repeat that",
        "say that again",
        "again",
        "once more",
        "pardon",
        "what",
        "sorry what",
    ),
    Intent.BACK: ("go back", "back", "previous", "previous step", "step back"),
    Intent.SKIP: ("skip", "skip this", "skip it", "skip this part", "skip ahead"),
    Intent.PAUSE: (
        "pause",
        "wait",
        "hold on",
        "hang on",
        "one moment",
        "a moment",
        "give me a moment",
    ),
    Intent.RESUME: (
        "resume",
        "continue",
        "carry on",
        "go on",
        "keep going",
        "i'm back",
    ),
    Intent.STOP: (
        "stop",
        "end",
        "end session",
        "end the session",
        "stop the massage",
        "finish",
        "quit",
        "i want to stop",
        "that's enough",
    ),
    Intent.TENDER_SPOT: (
        "tender spot",
        "tender",
        "that's tender",
        "it's tender here",
        "sore spot",
        "found a tender spot",
        "found a knot",
        "knot",
    ),
    Intent.PAIN: (
        "ouch",
        "ow",
        "that hurts",
        "it hurts",
        "hurts",
        "painful",
        "that's painful",
        "pain",
        "too hard",
    ),
    Intent.WARNING_SIGN: (
        "dizzy",
        "i feel dizzy",
        "light headed",
        "lightheaded",
        "tingling",
        "pins and needles",
        "numb",
        "numbness",
        "faint",
        "i feel faint",
    ),
    Intent.TIME_LEFT: (
        "how long",
        "how long left",
        "how much longer",
        "how much time",
        "time left",
        "how many seconds",
    ),
    Intent.WHERE: ("where am i", "where are we", "which step", "what step", "which side"),
    Intent.HELP: ("help", "what can i say", "commands", "options"),
    Intent.SLOWER: ("slower", "slow down", "more slowly", "too fast"),
    Intent.FASTER: ("faster", "speed up", "quicker", "too slow"),
    Intent.LOUDER: ("louder", "speak up", "volume up", "i can't hear you"),
    Intent.SOFTER: ("softer", "quieter", "volume down", "too loud"),
    Intent.LONGER: ("longer", "hold longer", "more time", "a bit longer", "extend"),
    Intent.YES: ("yes", "yeah", "yep", "yes i do", "yes i have", "yes it is", "correct"),
    Intent.NO: ("no", "nope", "no i don't", "i don't", "no i haven't", "not at all", "none"),
}

# Said inside a longer sentence ("I feel a bit dizzy now"), these still count: missing a
# warning sign or a pain report costs more than a rare false alarm.
_FOUND_INSIDE = (Intent.WARNING_SIGN, Intent.PAIN)

# Courtesy words people wrap commands in; they never change the meaning.
_FILLERS = frozenset({"please", "okay", "ok", "um", "uh", "coach", "now", "just", "thanks"})

_BY_PHRASE: dict[str, Intent] = {
    phrase: intent for intent, phrases in PHRASES.items() for phrase in phrases
}


def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation and filler words dropped."""
    text = text.lower().replace("\u2019", "'")
    words = re.findall(r"[a-z']+", text)
    return " ".join(word for word in words if word not in _FILLERS)


def parse(text: str) -> Intent | None:
    """The intent of what the person said, or None when it is not a command."""
    phrase = normalise(text)
    if phrase in _BY_PHRASE:
        return _BY_PHRASE[phrase]
    padded = f" {phrase} "
    for intent in _FOUND_INSIDE:
        if any(f" {candidate} " in padded for candidate in PHRASES[intent]):
            return intent
    return None
