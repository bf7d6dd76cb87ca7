"""The coach's conversation as a pure state machine: events in, effects out; no clock, no I/O."""

from __future__ import annotations

from collections.abc import Callable

from skill.activity import Activity
from skill.coach import SPEEDS, Coach, Mode
from skill.commands import Intent
from skill.messages import (
    CancelTimer,
    DeviceBack,
    DeviceLost,
    Effect,
    EnterState,
    Event,
    Heard,
    Outcome,
    Record,
    Start,
    StartTimer,
    Timer,
    TimerDue,
)
from skill.plan import routine_seconds, speaking_seconds
from skill.prompts import Prompts
from skill.routine import Routine, StepKind

SESSION_CAP = 30 * 60.0
"""No self neck massage lasts longer than 30 minutes, counted from the start, pauses included."""
CAP_WARNING_BEFORE = 3 * 60.0
CAP_MARGIN = 15.0
"""Slack between the end of the wrap-up (estimated at the slowest pace) and the cap."""
PAUSE_REMINDER = 120.0
LONGER_BY = 15.0
MAX_TRIES = 2
"""Unclear or missing answers to one question before the coach stops asking."""
_VOICE = (Intent.SLOWER, Intent.FASTER, Intent.LOUDER, Intent.SOFTER)


def wrap_up_time(routine: Routine, prompts: Prompts) -> float:
    """When the cap sends a session to its closing steps so that, said at the slowest pace,
    they end before the 30 minutes are up."""
    closing = routine.steps[routine.wrap_up_from :]
    slowest = SPEEDS[0]
    return (
        SESSION_CAP
        - CAP_MARGIN
        - routine_seconds(closing, prompts, slowest)
        - speaking_seconds(prompts.say("cap_reached"), slowest)
    )


class Dialogue(Coach):
    """Feed it events with `handle`; apply the effects it returns, in order."""

    def __init__(
        self, routine: Routine, prompts: Prompts, *, speed: float = 1.0, volume: float = 0.8
    ) -> None:
        super().__init__(routine, prompts, speed=speed, volume=volume)
        self._question = self._tries = 0
        self._lost_from = Mode.RUNNING
        self._start = 0.0
        self.wrap_up_at = wrap_up_time(routine, prompts)

    def handle(self, event: Event) -> list[Effect]:
        if self.mode is Mode.ENDED or (self.mode is Mode.IDLE and not isinstance(event, Start)):
            return []
        self._now, self._out = event.at, []
        before = self.state
        if isinstance(event, Start):
            if self.mode is Mode.IDLE:
                self._begin(event.at)
        elif isinstance(event, TimerDue):
            self._on_timer(event.timer)
        elif isinstance(event, Heard):
            self._on_heard(event.intent)
        elif isinstance(event, DeviceLost):
            self._device_lost()
        elif isinstance(event, DeviceBack):
            self._device_back()
        if self.state != before and self.outcome is None:
            self._out.insert(0, EnterState(self.state, self.step_id))
        return self._out

    # --- screening ------------------------------------------------------------------------

    def _begin(self, at: float) -> None:
        self._start = at
        self.mode = Mode.SCREENING
        self._out.append(StartTimer(Timer.CAP_WARNING, at + SESSION_CAP - CAP_WARNING_BEFORE))
        self._out.append(StartTimer(Timer.CAP, at + self.wrap_up_at))
        self._out.append(StartTimer(Timer.TIME_UP, at + SESSION_CAP))
        self._prompt("welcome")
        self._say(self.routine.disclaimer)
        self._prompt("screening_intro")
        self._ask(self.routine.screening[0].ask)

    def _screening(self, intent: Intent | None) -> None:
        question = self.routine.screening[self._question]
        if intent is Intent.NO:
            self._question, self._tries = self._question + 1, 0
            if self._question < len(self.routine.screening):
                self._ask(self.routine.screening[self._question].ask)
                return
            self._out.append(CancelTimer(Timer.REPLY))
            self._prompt("screening_passed")
            self.mode = Mode.RUNNING
            self._begin_step(0)
        elif intent is Intent.YES:
            self._say(question.if_yes)
            self._prompt("declined")
            self._finish(Outcome.DECLINED)
        elif intent is Intent.STOP:
            self._prompt("stopped")
            self._finish(Outcome.STOPPED)
        elif intent is Intent.REPEAT:
            self._ask(question.ask)
        elif intent is Intent.HELP:
            self._ask(self.prompts.say("help_question"))
        elif intent is Intent.WHERE:
            self._prompt("where_screening")
        elif intent is Intent.TIME_LEFT:
            total = routine_seconds(self.routine.steps, self.prompts, self.speed)
            self._prompt("time_left_questions", remaining=self.prompts.duration(total))
        else:
            self._unclear_answer("answer_yes_or_no")

    def _unclear_answer(self, lead: str) -> None:
        """An answer that was neither yes nor no, or none at all: ask once more, then end."""
        self._tries += 1
        if self._tries >= MAX_TRIES:
            self._prompt("screening_unclear")
            self._finish(Outcome.DECLINED)
            return
        self._prompt(lead)
        self._ask(self.routine.screening[self._question].ask)

    # --- commands while running -----------------------------------------------------------

    def _running(self, intent: Intent | None) -> None:
        activity = self._current()
        restricted = {Intent.BACK, Intent.REPEAT, Intent.TENDER_SPOT, Intent.LONGER}
        if self._capped and intent in restricted:
            self._prompt("at_limit")
            return
        if self._suspended is not None and intent in (Intent.BACK, Intent.SKIP):
            self._prompt("finish_hold_first")
            return
        waiting = activity.step.kind is StepKind.INSTRUCTION
        if intent in (Intent.RESUME, Intent.YES) and waiting:
            intent = Intent.NEXT
        handlers: dict[Intent | None, Callable[[], None]] = {
            Intent.NEXT: self._next,
            Intent.REPEAT: self._open,
            Intent.BACK: self._back,
            Intent.SKIP: self._skip,
            Intent.PAUSE: self._pause,
            Intent.RESUME: lambda: self._prompt("not_paused"),
            Intent.STOP: self._ask_stop,
            Intent.TENDER_SPOT: self._tender_spot,
            Intent.PAIN: self._pain,
            Intent.TIME_LEFT: self._time_left,
            Intent.WHERE: self._where,
            Intent.HELP: lambda: self._prompt("help_wrap_up" if self._capped else "help_running"),
            Intent.LONGER: self._longer,
            Intent.YES: lambda: self._prompt("no_question"),
            Intent.NO: lambda: self._prompt("no_question"),
            Intent.START: lambda: self._prompt("already_started"),
        }
        handlers.get(intent, lambda: self._prompt("not_understood"))()

    def _next(self) -> None:
        if self._suspended is not None:
            self._end_tender_spot()
            return
        self._prompt("moving_on")
        self._begin_step(self._current().index + 1)

    def _back(self) -> None:
        index = self._current().index
        self._prompt("going_back" if index > 0 else "first_step")
        self._begin_step(max(0, index - 1))

    def _skip(self) -> None:
        index = self._current().index
        if index >= self.routine.wrap_up_from:
            self._prompt("last_part")
            return
        self._prompt("skipping", section=self._current().step.section_title)
        self._begin_step(self.routine.next_section_start(index))

    def _pause(self) -> None:
        self._freeze(Mode.PAUSED)
        self._ask(self.prompts.say("paused"), wait=PAUSE_REMINDER)

    def _ask_stop(self) -> None:
        self._freeze(Mode.CONFIRM_STOP)
        self._tries = 0
        self._ask(self.prompts.say("confirm_stop"))

    def _tender_spot(self) -> None:
        if self._suspended is not None:
            self._prompt("already_tender")
        else:
            self._start_tender_spot()

    def _pain(self) -> None:
        self._out.append(Record("pain", self.step_id))
        self._freeze(Mode.PAIN_CHECK)
        self._tries = 0
        self._prompt("pain")
        self._ask(self.prompts.say("pain_choice"))

    def _longer(self) -> None:
        activity = self._current()
        left = activity.active_remaining(self._now)
        if activity.step.kind not in (StepKind.HOLD, StepKind.TIMED) or left is None:
            self._prompt("nothing_to_extend")
            return
        if self._now + activity.remaining(self._now) + LONGER_BY > self._start + self.wrap_up_at:
            self._prompt("cap_too_close")
            return
        activity.extra += LONGER_BY
        activity.replan(self.prompts, self.speed, self._now, keep_last_beat=False)
        self._schedule()
        self._prompt("longer", seconds=round(LONGER_BY))

    def _time_left(self) -> None:
        activity = self._current()
        active = activity.active_remaining(self._now)
        if active is not None:
            self._prompt("time_left_step", remaining=self.prompts.duration(active))
        main = self._suspended or activity
        later = self.routine.steps[main.index + 1 :]
        session = activity.remaining(self._now) + routine_seconds(later, self.prompts, self.speed)
        if self._suspended is not None:
            session += self._suspended.remaining(self._now)
        session = min(session, self._start + SESSION_CAP - self._now)
        self._prompt("time_left_session", remaining=self.prompts.duration(session))

    # --- while held still -----------------------------------------------------------------

    def _paused(self, intent: Intent | None) -> None:
        if intent in (Intent.RESUME, Intent.YES):
            self._prompt("resumed")
            self._carry_on()
        elif intent in (Intent.NEXT, Intent.BACK, Intent.REPEAT, Intent.SKIP, Intent.TENDER_SPOT):
            self._carry_on(reopen=False)
            self._running(intent)
        elif intent in (Intent.STOP, Intent.PAIN, Intent.TIME_LEFT, Intent.WHERE, Intent.LONGER):
            self._running(intent)
        elif intent is Intent.PAUSE:
            self._pause()
        elif intent is Intent.HELP:
            self._prompt("help_paused")
        else:
            self._prompt("not_understood")

    def _confirming_stop(self, intent: Intent | None) -> None:
        if intent in (Intent.YES, Intent.STOP):
            self._prompt("stopped")
            self._finish(Outcome.STOPPED)
        elif intent in (Intent.NO, Intent.RESUME):
            self._prompt("carry_on")
            self._carry_on()
        elif intent is Intent.PAIN:
            self._pain()
        elif intent in (Intent.TIME_LEFT, Intent.WHERE):
            self._running(intent)
        elif intent in (Intent.REPEAT, Intent.HELP):
            self._ask(self.prompts.say("confirm_stop"))
        else:
            self._ask(self.prompts.say("answer_yes_or_no") + self.prompts.say("confirm_stop"))

    def _pain_check(self, intent: Intent | None) -> None:
        if intent in (Intent.RESUME, Intent.YES, Intent.NEXT):
            self._prompt("pain_continue")
            self._carry_on()
        elif intent is Intent.SKIP:
            self._skip_after_pain()
        elif intent is Intent.STOP:
            self._prompt("stopped")
            self._finish(Outcome.STOPPED)
        elif intent is Intent.PAUSE:
            self._pause()
        elif intent in (Intent.TIME_LEFT, Intent.WHERE):
            self._running(intent)
        else:
            self._ask(self.prompts.say("help_pain"))

    def _skip_after_pain(self) -> None:
        """Leave the painful part: a tender-spot hold is dropped and its section is skipped."""
        if self._suspended is not None:
            self._activity, self._suspended = self._suspended, None
        self.mode = Mode.RUNNING
        self._out.append(CancelTimer(Timer.REPLY))
        if self._current().index >= self.routine.wrap_up_from:
            self._carry_on()
        else:
            self._skip()

    # --- events from the edge -------------------------------------------------------------

    def _on_heard(self, intent: Intent | None) -> None:
        # Whatever the person says, the coach stops talking and answers at once; a step cut
        # off mid-explanation can be heard again with "repeat".
        self._hush()
        if intent is Intent.WARNING_SIGN:
            self._out.append(Record("warning_sign", self.step_id))
            self._prompt("warning_sign")
            self._finish(Outcome.STOPPED)
            return
        if intent in _VOICE and self.mode is not Mode.DEVICE_LOST:
            self._voice(intent)
            return
        handlers: dict[Mode, Callable[[Intent | None], None]] = {
            Mode.SCREENING: self._screening,
            Mode.RUNNING: self._running,
            Mode.PAUSED: self._paused,
            Mode.CONFIRM_STOP: self._confirming_stop,
            Mode.PAIN_CHECK: self._pain_check,
        }
        if self.mode in handlers:
            handlers[self.mode](intent)

    def _on_timer(self, timer: Timer) -> None:
        if timer is Timer.STEP:
            self._on_step_timer()
        elif timer is Timer.REPLY:
            self._no_reply()
        elif timer is Timer.CAP_WARNING:
            if self.mode in (Mode.RUNNING, Mode.PAUSED) and not self._capped:
                minutes = round((self._start + SESSION_CAP - self._now) / 60)
                self._prompt("cap_warning", minutes=minutes)
        elif timer is Timer.CAP:
            self._wrap_up()
        else:
            self._prompt("time_up")
            self._finish(Outcome.FINISHED)

    def _no_reply(self) -> None:
        """Silence after a question: a gentle prompt first, then the safe way on."""
        if self.mode is Mode.SCREENING:
            self._unclear_answer("ask_again")
        elif self.mode is Mode.PAUSED:
            self._ask(self.prompts.say("still_paused"), wait=PAUSE_REMINDER)
        elif self.mode is Mode.CONFIRM_STOP:
            self._tries += 1
            if self._tries < MAX_TRIES:
                self._ask(self.prompts.say("ask_again") + self.prompts.say("confirm_stop"))
            else:
                self._prompt("no_answer_carry_on")
                self._carry_on()
        elif self.mode is Mode.PAIN_CHECK:
            self._tries += 1
            if self._tries < MAX_TRIES:
                self._ask(self.prompts.say("ask_again") + self.prompts.say("pain_choice"))
            else:
                self._prompt("pain_no_answer")
                self._skip_after_pain()

    def _wrap_up(self) -> None:
        """The 30-minute cap is near: leave whatever is going on for the closing steps.

        A question being answered (end the session? go on after pain?) stays open: the answer
        still decides, and carrying on then means the closing steps.
        """
        if self.mode not in (Mode.RUNNING, Mode.PAUSED, Mode.CONFIRM_STOP, Mode.PAIN_CHECK):
            return
        self._capped = True
        self._hush()
        if self._suspended is not None:
            self._activity, self._suspended = self._suspended, None
        self._prompt("cap_reached")
        first = self.routine.wrap_up_from
        if self._current().index < first:
            closing = Activity.begin(
                self.routine.steps[first], first, self.prompts, self.speed, self._now
            )
            closing.freeze(self._now)
            self._activity = closing
        if self.mode is Mode.CONFIRM_STOP:
            self._ask(self.prompts.say("confirm_stop"))
        elif self.mode is Mode.PAIN_CHECK:
            self._ask(self.prompts.say("pain_choice"))
        else:
            self._carry_on()

    def _device_lost(self) -> None:
        if self.mode in (Mode.DEVICE_LOST, Mode.ENDED, Mode.IDLE):
            return
        self._lost_from = self.mode
        self._out.append(CancelTimer(Timer.REPLY))
        self._freeze(Mode.DEVICE_LOST)
        self._prompt("device_lost")

    def _device_back(self) -> None:
        if self.mode is not Mode.DEVICE_LOST:
            return
        self._prompt("device_back")
        self.mode = self._lost_from
        asks = {
            Mode.SCREENING: lambda: self._ask(self.routine.screening[self._question].ask),
            Mode.PAUSED: lambda: self._ask(self.prompts.say("paused"), wait=PAUSE_REMINDER),
            Mode.CONFIRM_STOP: lambda: self._ask(self.prompts.say("confirm_stop")),
            Mode.PAIN_CHECK: lambda: self._ask(self.prompts.say("pain_choice")),
        }
        asks.get(self.mode, self._carry_on)()
