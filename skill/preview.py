"""The whole script of a routine as text: every step with its time, timing and words."""

from __future__ import annotations

from skill.catalog import Loaded
from skill.dialogue import SESSION_CAP
from skill.plan import plan_step
from skill.routine import Step, StepKind


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def timing(step: Step) -> str:
    """What the step times, in a few words."""
    if step.kind is StepKind.INSTRUCTION:
        return "waits for 'ready'" if step.wait else f"then {step.settle:g} s to settle"
    if step.kind in (StepKind.TIMED, StepKind.HOLD):
        return f"{step.seconds:g} s"
    if step.kind is StepKind.REPS:
        return f"{step.count} x, one every {step.pace:g} s"
    return f"{step.count} x {step.seconds:g} s, {step.pace:g} s rest"


def render(loaded: Loaded) -> str:
    """The preview as printed by `massage-coach preview`."""
    routine, prompts = loaded.routine, loaded.prompts
    lines = [
        f"{routine.name} ({routine.source})",
        f"{len(routine.steps)} steps, about {_minutes(loaded.total_seconds)} with no pauses; "
        f"a session never runs past {SESSION_CAP / 60:.0f} minutes.",
        "",
        f"{_minutes(0)}  Safety first: disclaimer and {len(routine.screening)} screening "
        "question(s); any 'yes' ends the session before the massage.",
    ]
    lines += [f"        {sentence}" for sentence in routine.disclaimer]
    for question in routine.screening:
        lines += [f"        ? {sentence}" for sentence in question.ask]
    at = loaded.opening_seconds
    section = None
    for number, step in enumerate(routine.steps, start=1):
        if step.section != section or step.lead:
            section = step.section
            side = f", {step.side} side" if step.side else ""
            wrap = (
                "  (wrap-up: the 30-minute cap ends here)"
                if number - 1 == routine.wrap_up_from
                else ""
            )
            lines += ["", f"== {step.section_title}{side}{wrap}"]
        plan = plan_step(step, prompts)
        lines.append(
            f"{_minutes(at)}  {number:>2}. {step.id}  [{step.kind.value}: "
            f"{timing(step)}; about {plan.length:.0f} s]"
        )
        lines += [f"        {sentence}" for sentence in step.lead + step.say]
        lines += [f"        (halfway) {s}" for s in step.halfway]
        lines += [f"        (end) {s}" for s in step.end]
        at += plan.length
    lines += ["", f"{_minutes(at)}  End of the session."]
    return "\n".join(lines)
