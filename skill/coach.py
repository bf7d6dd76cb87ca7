"""The machinery under the dialogue: runs the routine's steps in time and speaks, as effects."""

from __future__ import annotations

from enum import StrEnum

from skill.activity import Activity
from skill.commands import Intent
from skill.messages import (
    CancelTimer,
    Effect,
    Finish,
    Outcome,
    PlayCue,
    Record,
    Say,
    SetVoice,
    StartTimer,
    StopSpeaking,
    Timer,
)
from skill.plan import Beat, speaking_seconds
from skill.prompts import Prompts
from skill.routine import Routine, Step, StepKind

REPLY_WAIT = 12.0
"""How long a question waits after it has been asked before a gentle prompt."""
TENDER_SPOT_SECONDS = 30.0
SPEEDS = (0.7, 0.85, 1.0, 1.15, 1.3)
VOLUMES = (0.2, 0.4, 0.6, 0.8, 1.0)


class Mode(StrEnum):
    """Where the conversation is; what each command means depends on it."""

    IDLE = "idle"
    SCREENING = "screening"
    RUNNING = "running"
    PAUSED = "paused"
    CONFIRM_STOP = "confirm_stop"
    PAIN_CHECK = "pain_check"
    DEVICE_LOST = "device_lost"
    ENDED = "ended"


class Coach:
    """Steps, beats, speech and timers as effects, for the Dialogue to drive.

    Each call happens inside one `Dialogue.handle`: `_now` is that event's time and effects
    gather in `_out`. The coach's talking is tracked as an estimate (`_talking_until`) so that
    what follows a sentence is timed from its end.
    """

    def __init__(
        self, routine: Routine, prompts: Prompts, *, speed: float = 1.0, volume: float = 0.8
    ) -> None:
        self.routine, self.prompts = routine, prompts
        self.speed = min(SPEEDS, key=lambda s: abs(s - speed))
        self.volume = min(VOLUMES, key=lambda v: abs(v - volume))
        self.mode = Mode.IDLE
        self.outcome: Outcome | None = None
        self._activity: Activity | None = None
        self._suspended: Activity | None = None
        """The routine step a tender-spot hold interrupted; set only during that hold."""
        self._capped = False
        self._now = self._talking_until = 0.0
        self._out: list[Effect] = []

    @property
    def state(self) -> str:
        """The visible state: the mode, or tender_spot / wrap_up while running."""
        if self.mode is Mode.RUNNING and self._suspended is not None:
            return "tender_spot"
        if self.mode is Mode.RUNNING and self._capped:
            return "wrap_up"
        return self.outcome.value if self.outcome else self.mode.value

    @property
    def step_id(self) -> str | None:
        return self._activity.step.id if self._activity else None

    def _say(self, sentences: tuple[str, ...]) -> None:
        for sentence in sentences:
            self._out.append(Say(sentence, self.step_id))
        start = max(self._now, self._talking_until)
        self._talking_until = start + speaking_seconds(sentences, self.speed)

    def _prompt(self, key: str, **fields: object) -> None:
        self._say(self.prompts.say(key, **fields))

    def _ask(self, sentences: tuple[str, ...], wait: float = REPLY_WAIT) -> None:
        self._say(sentences)
        self._out.append(StartTimer(Timer.REPLY, max(self._now, self._talking_until) + wait))

    def _hush(self) -> None:
        """Stop talking now, dropping anything still queued to be said."""
        if self._talking_until > self._now:
            self._out.append(StopSpeaking())
            self._talking_until = self._now

    def _finish(self, outcome: Outcome) -> None:
        self._out.extend(CancelTimer(timer) for timer in Timer)
        self.mode, self.outcome = Mode.ENDED, outcome
        self._out.append(Finish(outcome, self.step_id))

    def _begin_step(self, index: int) -> None:
        """Open step `index` of the routine; past the last step the session is finished."""
        if index >= len(self.routine.steps):
            self._finish(Outcome.FINISHED)
            return
        self._activity = Activity.begin(
            self.routine.steps[index], index, self.prompts, self.speed, self._now
        )
        self._open()

    def _open(self) -> None:
        """Say the current activity's opening now; later beats are timed from its end."""
        activity = self._current()
        activity.restart(max(self._now, self._talking_until))
        self._play(activity.take_beat())
        self._schedule()

    def _current(self) -> Activity:
        assert self._activity is not None, "no step is under way"
        return self._activity

    def _play(self, beat: Beat) -> None:
        if beat.cue is not None:
            self._out.append(PlayCue(beat.cue, self.step_id))
        self._say(beat.say)

    def _schedule(self) -> None:
        activity = self._current()
        if activity.frozen_at is None and activity.next_beat < len(activity.plan.beats):
            self._out.append(StartTimer(Timer.STEP, activity.due()))

    def _on_step_timer(self) -> None:
        activity = self._activity
        if self.mode is not Mode.RUNNING or activity is None or activity.frozen_at is not None:
            return
        while activity.next_beat < len(activity.plan.beats) and activity.due() <= self._now:
            beat = activity.take_beat()
            self._play(beat)
            if beat.done:
                self._step_done()
                return
        self._schedule()

    def _step_done(self) -> None:
        if self._suspended is not None:
            self._end_tender_spot()
        else:
            self._begin_step(self._current().index + 1)

    def _freeze(self, mode: Mode) -> None:
        """Hold everything still while the person is asked something or has paused."""
        if self._activity is not None:
            self._activity.freeze(self._now)
        self._out.append(CancelTimer(Timer.STEP))
        self.mode = mode

    def _carry_on(self, *, reopen: bool = True) -> None:
        """Back to running, exactly where the step was.

        With `reopen`, a step cut off while it was still being explained is explained again.
        """
        self.mode = Mode.RUNNING
        self._out.append(CancelTimer(Timer.REPLY))
        activity = self._current()
        if reopen and activity.in_opening(self._now):
            self._open()
            return
        activity.thaw(self._now)
        self._schedule()

    def _start_tender_spot(self) -> None:
        main = self._current()
        main.freeze(self._now)
        self._suspended = main
        self._out.append(Record("tender_spot", main.step.id))
        hold = Step(
            id=main.step.id,
            kind=StepKind.HOLD,
            section=main.step.section,
            section_title=main.step.section_title,
            side=main.step.side,
            say=self.prompts.say("tender_spot", seconds=round(TENDER_SPOT_SECONDS)),
            seconds=TENDER_SPOT_SECONDS,
            halfway=self.prompts.say("tender_spot_halfway"),
            end=self.prompts.say("tender_spot_end"),
        )
        self._activity = Activity.begin(hold, main.index, self.prompts, self.speed, self._now)
        self._open()

    def _end_tender_spot(self) -> None:
        self._activity, self._suspended = self._suspended, None
        self._prompt("back_to_routine")
        self._carry_on()

    def _where(self) -> None:
        if self._suspended is not None:
            self._prompt("where_tender_spot")
        main = self._suspended or self._current()
        step, number, total = main.step, main.index + 1, len(self.routine.steps)
        if step.side:
            self._prompt(
                "where_side", number=number, total=total, section=step.section_title, side=step.side
            )
        else:
            self._prompt("where", number=number, total=total, section=step.section_title)

    def _voice(self, intent: Intent) -> None:
        speeds, volumes = list(SPEEDS), list(VOLUMES)
        speed_at, volume_at = speeds.index(self.speed), volumes.index(self.volume)
        moves = {
            Intent.SLOWER: (speed_at - 1, volume_at, "slower", "slowest"),
            Intent.FASTER: (speed_at + 1, volume_at, "faster", "fastest"),
            Intent.LOUDER: (speed_at, volume_at + 1, "louder", "loudest"),
            Intent.SOFTER: (speed_at, volume_at - 1, "softer", "softest"),
        }
        new_speed, new_volume, done, limit = moves[intent]
        if not (0 <= new_speed < len(speeds) and 0 <= new_volume < len(volumes)):
            self._prompt(limit)
            return
        self.speed, self.volume = speeds[new_speed], volumes[new_volume]
        self._out.append(SetVoice(self.speed, self.volume))
        if new_speed != speed_at:
            for activity in (self._activity, self._suspended):
                if activity is not None:
                    activity.replan(self.prompts, self.speed, self._now, keep_last_beat=True)
            if self.mode is Mode.RUNNING:
                self._schedule()
        self._prompt(done)
