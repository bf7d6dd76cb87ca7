"""Whole sessions through the simulate path: the routine, every command, safety and the cap."""

from __future__ import annotations

import itertools

import pytest

from skill import catalog
from skill.commands import PHRASES, Intent
from skill.dialogue import SESSION_CAP, Dialogue
from tests.helpers import SCREENED, Run, during, plain_run, simulate

HOLD = "upper_trap.right.grip"
TIMED = "upper_trap.right.glide"
REPS = "setup.breathe"


def test_with_no_commands_the_whole_routine_runs_in_order_and_finishes() -> None:
    run = plain_run()
    routine = catalog.load("neck").routine
    seen: list[str] = []
    for line in run.lines:
        if line["step"] and (not seen or seen[-1] != line["step"]):
            seen.append(line["step"])
    assert seen == [step.id for step in routine.steps]
    assert run.outcome == "finished"
    assert run.end < SESSION_CAP - 180, "a plain session should not need the cap warning"


def test_every_timed_step_is_cued_at_start_and_end() -> None:
    run = plain_run()
    for step in catalog.load("neck").routine.steps:
        if step.kind.value in ("timed", "hold"):
            start = run.first(kind="cue", text="start", step=step.id)["t"]
            end = run.first(kind="cue", text="end", step=step.id)["t"]
            assert end - start == pytest.approx(step.seconds)


def test_holds_announce_their_last_ten_seconds() -> None:
    run = plain_run()
    end = run.first(kind="cue", text="end", step=HOLD)["t"]
    assert run.first(kind="cue", text="last_seconds", step=HOLD)["t"] == pytest.approx(end - 10)


def test_counted_steps_count_aloud_at_their_pace() -> None:
    run = plain_run()
    counts = [
        line["t"]
        for line in run.find(kind="say", step=REPS)
        if line["text"] in ("One.", "Two.", "Three.")
    ]
    assert [round(b - a, 6) for a, b in itertools.pairwise(counts)] == [8.0, 8.0]


def test_danger_zones_are_said_before_the_back_and_the_front_of_the_neck() -> None:
    run = plain_run()
    back = " ".join(line["text"] for line in run.find(kind="say", step="back.right.find_mastoid"))
    front = " ".join(line["text"] for line in run.find(kind="say", step="front.right.oil"))
    assert "spine" in back
    assert "windpipe" in front and "arteries" in front


# --- screening -------------------------------------------------------------------------


def _massage_began(run: Run) -> bool:
    return any(line["step"] for line in run.lines)


@pytest.mark.parametrize("script", ["1 yes\n", "1 no\n2 yes\n", "1 no\n2 yeah\n"])
def test_a_yes_in_screening_declines_without_any_massage(script: str) -> None:
    run = simulate(script)
    assert run.outcome == "declined"
    assert not _massage_began(run)
    assert any("doctor" in text for text in run.said)


def test_an_unclear_answer_is_asked_again_then_the_session_ends_safely() -> None:
    run = simulate("1 maybe\n3 I think so\n")
    assert run.outcome == "declined"
    assert not _massage_began(run)
    asked = [text for text in run.said if text.startswith("Is your neck injured")]
    assert len(asked) == 2


def test_one_unclear_answer_then_a_clear_no_goes_on() -> None:
    run = simulate("1 maybe\n3 no\n4 no\n")
    assert run.outcome == "finished"


def test_silence_in_screening_is_asked_again_then_ends_safely() -> None:
    run = simulate("")
    assert run.outcome == "declined"
    assert not _massage_began(run)
    assert run.end < 120


# --- navigation ------------------------------------------------------------------------


def test_next_moves_on_at_once() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} next\n").after(t)
    assert run.lines[1]["kind"] == "say" and run.lines[1]["text"] == "Moving on."
    assert run.first(kind="say", step="upper_trap.right.knead_again")["t"] == t


def test_back_goes_to_the_previous_step() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} go back\n").after(t)
    assert [line["step"] for line in run.find(kind="say")][1] == "upper_trap.right.knead"


def test_repeat_starts_the_step_again() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} repeat\n").after(t)
    opening = run.first(kind="say", step=HOLD)
    assert opening["t"] == t and opening["text"].startswith("Now take the warm muscle")


def test_skip_leaves_the_rest_of_the_section() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} skip\n").after(t)
    assert "Skipping the rest of Top of the shoulders." in run.said
    assert run.lines[2]["step"] == "back.right.find_mastoid"


def test_ready_ends_a_wait_at_once() -> None:
    base = plain_run().first(kind="say", step="setup.oil_at_hand")["t"]
    run = simulate(SCREENED + f"{base + 9} ready\n").after(base + 9)
    assert run.first(kind="say", step="setup.feel")["t"] == base + 9


# --- pause, stop, tender spot, pain ----------------------------------------------------


def test_pause_and_resume_keep_the_remaining_time_of_a_hold() -> None:
    t = during("start", HOLD)
    end = plain_run().first(kind="cue", text="end", step=HOLD)["t"]
    run = simulate(SCREENED + f"{t} pause\n{t + 60} resume\n")
    assert run.first(kind="state", text="paused")["t"] == t
    assert run.first(kind="cue", text="end", step=HOLD)["t"] == pytest.approx(end + 60)
    assert run.outcome == "finished"


def test_a_long_pause_gets_gentle_reminders() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} pause\n{t + 300} resume\n")
    reminders = [
        line for line in run.find(kind="say") if line["text"].startswith("We're still paused")
    ]
    assert len(reminders) == 2


def test_stop_then_yes_ends_the_session() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} stop\n{t + 4} yes\n")
    assert run.outcome == "stopped"
    assert run.end == t + 4
    assert "Do you want to end the session? Say yes to end, or no to carry on." in run.said


def test_stop_then_no_carries_on_with_the_hold_where_it_was() -> None:
    t = during("start", HOLD)
    end = plain_run().first(kind="cue", text="end", step=HOLD)["t"]
    run = simulate(SCREENED + f"{t} stop\n{t + 4} no\n")
    assert run.outcome == "finished"
    assert run.first(kind="cue", text="end", step=HOLD)["t"] == pytest.approx(end + 4)


def test_stop_with_no_answer_asks_again_then_carries_on() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} stop\n")
    assert run.outcome == "finished"
    assert any(text.startswith("I didn't hear an answer, so I'll carry on") for text in run.said)


@pytest.mark.parametrize("step", [HOLD, TIMED])
def test_tender_spot_holds_thirty_seconds_then_returns_with_the_time_kept(step: str) -> None:
    t = during("start", step, offset=5)
    plain_end = plain_run().first(kind="cue", text="end", step=step)["t"]
    run = simulate(SCREENED + f"{t} tender spot\n")
    detour = run.after(t)
    assert detour.first(kind="state", text="tender_spot")["t"] == t
    start = detour.first(kind="cue", text="start")["t"]
    release = detour.first(kind="say", text="Release slowly.")["t"]
    assert release - start == pytest.approx(30)
    back = detour.first(kind="say", text="Back to where we were.")
    assert back["step"] == step
    # The interrupted part still had (plain_end - t) seconds to go when it was interrupted.
    end = detour.first(kind="cue", text="end", step=step, t=back["t"] + (plain_end - t))
    assert end["step"] == step
    assert run.outcome == "finished"


def test_tender_spot_while_explaining_a_step_explains_it_again_afterwards() -> None:
    opening = plain_run().first(kind="say", step=HOLD)["t"]
    run = simulate(SCREENED + f"{opening + 1} tender spot\n").after(opening + 1)
    back = run.first(kind="say", text="Back to where we were.")["t"]
    again = [line for line in run.find(kind="say", step=HOLD, t=back)]
    assert again[1]["text"].startswith("Now take the warm muscle")


def test_ouch_stops_pressing_and_offers_to_skip_or_end() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} ouch\n{t + 5} skip\n").after(t)
    assert run.said[0] == "Stop pressing."
    assert any("skip" in text and "stop" in text for text in run.said[:4])
    assert run.first(kind="state", text="pain_check")["t"] == t
    assert run.first(step="back.right.find_mastoid")["t"] == t + 5


def test_ouch_then_continue_goes_on_gently_from_the_same_place() -> None:
    t = during("start", HOLD)
    end = plain_run().first(kind="cue", text="end", step=HOLD)["t"]
    run = simulate(SCREENED + f"{t} that hurts\n{t + 6} continue\n")
    assert "Let's go on gently, with lighter pressure than before." in run.said
    assert run.first(kind="cue", text="end", step=HOLD)["t"] == pytest.approx(end + 6)


def test_ouch_then_stop_ends_at_once() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} ouch\n{t + 3} stop\n")
    assert (run.outcome, run.end) == ("stopped", t + 3)


def test_ouch_with_no_answer_leaves_that_part_out() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} ouch\n").after(t)
    assert any(
        text.startswith("I didn't hear an answer, so I'll leave this part out") for text in run.said
    )
    assert run.first(step="back.right.find_mastoid")


@pytest.mark.parametrize("words", ["dizzy", "I feel tingling in my arm", "my hand is numb"])
def test_warning_signs_stop_the_session_at_once_with_advice(words: str) -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} {words}\n")
    assert (run.outcome, run.end) == ("stopped", t)
    assert any("doctor" in text for text in run.after(t).said)


# --- questions and adjustments ---------------------------------------------------------


def test_how_long_tells_the_hold_and_the_session() -> None:
    t = during("start", HOLD, offset=10)
    run = simulate(SCREENED + f"{t} how long\n").after(t)
    assert run.said[0] == "20 seconds left in this step."
    assert run.said[1].startswith("About ") and run.said[1].endswith(
        " minutes left in the session."
    )


def test_where_am_i_names_the_step_section_and_side() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} where am I\n").after(t)
    assert run.said[0] == "Step 9 of 52: Top of the shoulders, right side."


def test_help_lists_what_can_be_said_now() -> None:
    t = during("start", HOLD)
    running = simulate(SCREENED + f"{t} help\n").after(t).said[0]
    paused = simulate(SCREENED + f"{t} pause\n{t + 1} help\n").after(t + 1).said[0]
    screening = simulate("1 help\n").after(1).said[0]
    assert "tender spot" in running and "resume" in paused and "yes or no" in screening


def test_longer_adds_fifteen_seconds_to_the_hold() -> None:
    t = during("start", HOLD)
    end = plain_run().first(kind="cue", text="end", step=HOLD)["t"]
    run = simulate(SCREENED + f"{t} longer\n")
    assert "15 more seconds." in run.after(t).said[:1]
    assert run.first(kind="cue", text="end", step=HOLD)["t"] == pytest.approx(end + 15)


def test_longer_outside_a_hold_says_there_is_nothing_to_extend() -> None:
    t = during("end", REPS, offset=0.5)
    run = simulate(SCREENED + f"{t} longer\n").after(t)
    assert run.said[0] == "There's no hold to make longer right now."


def test_slower_slows_the_counting_and_faster_speeds_it_up() -> None:
    t = plain_run().first(kind="say", step=REPS, text="One.")["t"] + 1

    def gaps(command: str) -> list[float]:
        run = simulate(SCREENED + f"{t} {command}\n").after(t)
        counts = [
            line["t"]
            for line in run.find(kind="say", step=REPS)
            if line["text"] in ("Two.", "Three.")
        ]
        return [round(b - a, 6) for a, b in itertools.pairwise(counts)]

    # Transcript times are rounded to the millisecond.
    assert gaps("slower") == [pytest.approx(8 / 0.85, abs=0.002)]
    assert gaps("faster") == [pytest.approx(8 / 1.15, abs=0.002)]


def test_louder_and_softer_stop_at_their_limits() -> None:
    run = simulate(SCREENED + "".join(f"{3 + i} louder\n" for i in range(4)))
    assert run.said.count("This is as loud as I go.") == 3


def test_unknown_words_get_a_short_helpful_answer() -> None:
    t = during("start", HOLD)
    run = simulate(SCREENED + f"{t} banana bread\n").after(t)
    assert run.said[0] == "Sorry, I didn't catch that. Say help to hear what you can say."
    assert run.lines[0]["intent"] is None


# --- the 30-minute cap -----------------------------------------------------------------


def _pushy_script() -> str:
    """Slow down at once, then ask for every hold to be longer, three times over."""
    lines = [SCREENED.strip(), "3 slower", "4 slower"]
    run = simulate(SCREENED + "3 slower\n4 slower\n")
    for line in run.find(kind="cue", text="start"):
        lines += [f"{line['t'] + 1} longer", f"{line['t'] + 2} longer", f"{line['t'] + 3} longer"]
    return "\n".join(lines) + "\n"


def test_longer_and_slower_cannot_push_a_session_past_thirty_minutes() -> None:
    run = simulate(_pushy_script())
    assert run.outcome == "finished"
    assert run.end <= SESSION_CAP
    assert run.first(kind="say", text="We've reached the time limit for a neck massage.")
    assert run.first(kind="state", text="wrap_up")
    assert "We're close to the thirty-minute limit, so let's not make it longer." in run.said
    assert run.first(kind="say", step="closing.water")


def test_a_warning_comes_before_the_cap() -> None:
    run = simulate(_pushy_script())
    warning = run.first(
        kind="say", text="We have about 3 minutes left before the thirty-minute limit."
    )
    assert warning["t"] == pytest.approx(SESSION_CAP - 180)


def test_a_session_paused_through_the_cap_wraps_up_and_ends_in_time() -> None:
    run = simulate(SCREENED + "200 pause\n")
    assert run.outcome == "finished"
    assert run.end <= SESSION_CAP
    assert run.first(kind="say", step="closing.rest")


# --- every command in every state ------------------------------------------------------

_ONE_PHRASE = {intent: phrases[0] for intent, phrases in PHRASES.items()}


def _wrap_up_at() -> float:
    loaded = catalog.load("neck")
    return Dialogue(loaded.routine, loaded.prompts).wrap_up_at


def _state_prefixes() -> dict[str, tuple[str, float]]:
    """A script that reaches each state, and a time at which that state holds."""
    hold = during("start", HOLD)
    opening = plain_run().first(kind="say", step="setup.sit")["t"]
    counting = plain_run().first(kind="say", step=REPS, text="Two.")["t"]
    cap = round(_wrap_up_at(), 1)
    return {
        "screening": ("", 1.0),
        "instruction": (SCREENED, opening + 1),
        "hold": (SCREENED, hold),
        "reps": (SCREENED, counting + 1),
        "paused": (SCREENED + f"{hold} pause\n", hold + 1),
        "confirm_stop": (SCREENED + f"{hold} stop\n", hold + 1),
        "pain_check": (SCREENED + f"{hold} ouch\n", hold + 1),
        "tender_spot": (SCREENED + f"{hold} tender spot\n", hold + 12),
        "wrap_up": (SCREENED + "200 pause\n", cap + 1),
    }


@pytest.mark.parametrize("state", list(_state_prefixes()))
@pytest.mark.parametrize("intent", list(Intent))
def test_every_command_in_every_state_is_answered(state: str, intent: Intent) -> None:
    prefix, t = _state_prefixes()[state]
    run = simulate(prefix + f"{t} {_ONE_PHRASE[intent]}\n")
    heard = run.first(kind="heard", t=t)
    assert heard["intent"] == intent.value
    answer = [line for line in run.find(t=t) if line["kind"] in ("say", "state")]
    assert answer, f"nothing answered {intent} in {state}"
    assert run.outcome in ("finished", "stopped", "declined")
    assert run.end <= SESSION_CAP
