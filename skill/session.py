"""Runs one session: feeds the dialogue what is heard and what is due, applies its effects."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from skill.dialogue import Dialogue
from skill.messages import (
    CancelTimer,
    DeviceBack,
    DeviceLost,
    Effect,
    EnterState,
    Event,
    Finish,
    Heard,
    Outcome,
    PlayCue,
    Record,
    Say,
    SetVoice,
    Start,
    StartTimer,
    StopSpeaking,
    Timer,
    TimerDue,
)
from skill.ports import (
    Clock,
    CommandSource,
    DeviceSignal,
    SpeechOutput,
    Store,
    TranscriptLine,
    TranscriptSink,
    Utterance,
)

log = logging.getLogger(__name__)
_TIMER_ORDER = {timer: rank for rank, timer in enumerate(Timer)}


class Session:
    """One massage session from "start" to its end, on whichever clock and devices it is given."""

    def __init__(
        self,
        dialogue: Dialogue,
        clock: Clock,
        source: CommandSource,
        *,
        speech: SpeechOutput | None = None,
        transcripts: Sequence[TranscriptSink] = (),
        store: Store | None = None,
    ) -> None:
        self.dialogue, self.clock, self.source = dialogue, clock, source
        self.speech, self.transcripts, self.store = speech, transcripts, store
        self._timers: dict[Timer, float] = {}
        self._t0 = 0.0

    def run(self) -> Outcome:
        """Until the dialogue finishes; returns how it ended."""
        self._t0 = self.clock.now()
        self._feed(Start(0.0))
        while self.dialogue.outcome is None:
            timer, due = self._next_timer()
            heard = self.source.wait(None if due is None else self._t0 + due)
            if isinstance(heard, Utterance):
                at = self._session_time()
                self._log(
                    TranscriptLine(
                        at,
                        "heard",
                        heard.text,
                        self.dialogue.step_id,
                        heard.intent.value if heard.intent else None,
                    )
                )
                self._feed(Heard(at, heard.text, heard.intent))
            elif heard is not None:
                at = self._session_time()
                log.warning("audio device %s at %.1f s", heard.value, at)
                self._feed(DeviceLost(at) if heard is DeviceSignal.LOST else DeviceBack(at))
            elif timer is not None and due is not None and self.clock.now() >= self._t0 + due:
                # Compared on the clock's own scale: what the source waited for, exactly.
                del self._timers[timer]
                # The event carries the deadline, not the moment we woke: late wake-ups
                # never push later beats back.
                self._feed(TimerDue(due, timer))
        assert self.dialogue.outcome is not None
        return self.dialogue.outcome

    def _session_time(self) -> float:
        return self.clock.now() - self._t0

    def _next_timer(self) -> tuple[Timer | None, float | None]:
        if not self._timers:
            return None, None
        timer = min(self._timers, key=lambda t: (self._timers[t], _TIMER_ORDER[t]))
        return timer, self._timers[timer]

    def _feed(self, event: Event) -> None:
        for effect in self.dialogue.handle(event):
            self._apply(effect, event.at)

    def _apply(self, effect: Effect, at: float) -> None:
        if isinstance(effect, Say):
            self._log(TranscriptLine(at, "say", effect.text, effect.step))
            if self.speech:
                self.speech.say(effect.text, at)
        elif isinstance(effect, StopSpeaking):
            if self.speech:
                self.speech.stop()
        elif isinstance(effect, PlayCue):
            self._log(TranscriptLine(at, "cue", effect.cue.value, effect.step))
            if self.speech:
                self.speech.cue(effect.cue, at)
        elif isinstance(effect, StartTimer):
            self._timers[effect.timer] = effect.due
        elif isinstance(effect, CancelTimer):
            self._timers.pop(effect.timer, None)
        elif isinstance(effect, SetVoice):
            if self.speech:
                self.speech.set_voice(effect.speed, effect.volume)
        elif isinstance(effect, EnterState):
            self._log(TranscriptLine(at, "state", effect.state, effect.step))
        elif isinstance(effect, Record):
            log.info("%s at step %s, %.1f s", effect.what, effect.step, at)
            if self.store:
                self.store.record(effect.what, effect.step, at)
        elif isinstance(effect, Finish):
            self._log(TranscriptLine(at, "state", effect.outcome.value, effect.step))

    def _log(self, line: TranscriptLine) -> None:
        for sink in self.transcripts:
            sink.write(line)
