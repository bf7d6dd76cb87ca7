"""The `massage-coach` command: parses arguments into settings, builds a session, runs it.

This is the only module that prints for the person at the terminal or exits the process.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from skill import __version__, catalog, engines, launch, models, preview
from skill.adapters.console import TextProgress
from skill.adapters.transcript import JsonLinesTranscript, ReadableTranscript
from skill.engines import Engine
from skill.errors import AudioFileError, DataFileError, OutputError, SkillError
from skill.messages import Outcome
from skill.ports import TranscriptSink
from skill.recognize import recognize_file
from skill.settings import SessionSettings, SimulateSettings, VoiceSettings

log = logging.getLogger("skill")

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="massage-coach: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except SkillError as exc:
        print(f"massage-coach: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say to it.
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print(
            "\nmassage-coach: session ended. Rest your hands and have a glass of water.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="massage-coach",
        description="An offline voice coach for a self neck massage, one calm step at a time.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the coach does")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    run = commands.add_parser(
        "run",
        help="start a session",
        description=(
            "Start a guided session: the coach speaks and listens on the default microphone "
            "and speaker (or those you name). With --text, type what you would say (next, "
            "pause, tender spot, ...) and read what the coach says."
        ),
    )
    run.add_argument("--text", action="store_true", help="type commands and read the coach")
    _session_options(run)
    _engine_options(run)
    _device_options(run)
    run.set_defaults(handler=_run)

    simulate = commands.add_parser(
        "simulate",
        help="run a scripted session on a virtual clock",
        description=(
            "Run a whole session in virtual time. Each script line is 'SECONDS UTTERANCE': "
            "what the person says, and when (seconds since the start). Blank lines and "
            "# comments are skipped."
        ),
    )
    person = simulate.add_mutually_exclusive_group(required=True)
    person.add_argument("--script", type=Path, metavar="FILE", help="the script to play")
    person.add_argument(
        "--audio-in",
        type=Path,
        metavar="IN.wav",
        help="a recording of the person's side, decoded by the real recognizer",
    )
    simulate.add_argument(
        "--audio-out",
        type=Path,
        metavar="OUT.wav",
        help="write everything the person would hear, at the times they would hear it",
    )
    simulate.add_argument(
        "--transcript",
        type=Path,
        metavar="OUT.jsonl",
        help="write the session as JSON lines (t, kind, text, step, intent)",
    )
    simulate.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    _session_options(simulate)
    _engine_options(simulate)
    simulate.set_defaults(handler=_simulate)

    devices = commands.add_parser(
        "devices",
        help="list microphones and speakers",
        description="List the audio devices, for --input-device and --output-device.",
    )
    devices.set_defaults(handler=_devices)

    validate = commands.add_parser(
        "validate",
        help="check routine files",
        description=(
            "Check routine files; every problem is listed with its section, step and field."
        ),
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="routine .toml files")
    validate.set_defaults(handler=_validate)

    show = commands.add_parser(
        "preview",
        help="print a routine's whole script with timings",
        description="Print every step, its timing and the total.",
    )
    show.add_argument(
        "routine",
        nargs="?",
        default=catalog.DEFAULT_ROUTINE,
        metavar="ROUTINE",
        help=f"a routine name or .toml file (default: {catalog.DEFAULT_ROUTINE}; "
        f"available: {', '.join(catalog.available()) or 'none'})",
    )
    show.set_defaults(handler=_preview)

    recognize = commands.add_parser(
        "recognize",
        help="find the spoken commands in WAV files",
        description=(
            "Decode each WAV file as a live stream, in chunks of at most 100 ms, exactly as the "
            "microphone's sound is decoded, and list the commands heard."
        ),
    )
    recognize.add_argument("files", nargs="+", type=Path, metavar="WAV", help="WAV files")
    recognize.add_argument(
        "--json",
        action="store_true",
        help='one JSON line per file: {"file", "events": [{"intent", "text", "start", "end", '
        '"emitted_at", "confidence"}], "audio_seconds", "decode_seconds"}',
    )
    _engine_options(recognize)
    recognize.set_defaults(handler=_recognize)

    model = commands.add_parser(
        "model",
        help="the Vosk speech model: status or download",
        description=(
            "Vosk recognizes commands best; its model is a separate download. Without it, the "
            "coach uses pocketsphinx, whose model comes with it."
        ),
    )
    model_commands = model.add_subparsers(title="commands", metavar="COMMAND", required=True)
    status = model_commands.add_parser(
        "status",
        help="what is installed and which engine will run",
        description="Say where the Vosk model is, whether it works, and which engine will run.",
    )
    status.add_argument("--model", type=Path, metavar="PATH", help="look here first")
    status.set_defaults(handler=_model_status)
    download = model_commands.add_parser(
        "download",
        help=f"fetch and install {models.VOSK_SMALL_EN_US.name}",
        description=(
            "Fetch the official archive with a progress bar, check its SHA-256 and unpack it "
            "atomically; an interrupted download resumes when run again."
        ),
    )
    download.add_argument("--url", help="fetch from this address instead (a mirror)")
    download.add_argument(
        "--dir",
        type=Path,
        metavar="DIR",
        help="install into DIR (default: models/ in a checkout, else "
        "~/.local/share/massage-coach/models)",
    )
    download.set_defaults(handler=_model_download)
    return parser


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=[engine.value for engine in Engine],
        default=Engine.AUTO.value,
        help="speech engine (default: auto, Vosk when its model is installed, else pocketsphinx)",
    )
    parser.add_argument("--model", type=Path, metavar="PATH", help="the Vosk model folder")


def _session_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--routine",
        default=catalog.DEFAULT_ROUTINE,
        metavar="NAME",
        help=f"routine name or .toml file (default: {catalog.DEFAULT_ROUTINE})",
    )


def _device_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input-device", metavar="NAME|INDEX", help="microphone (see: massage-coach devices)"
    )
    parser.add_argument(
        "--output-device", metavar="NAME|INDEX", help="speaker (see: massage-coach devices)"
    )


def _session_settings(args: argparse.Namespace) -> SessionSettings:
    return SessionSettings(routine=args.routine)


def _voice_settings(args: argparse.Namespace) -> VoiceSettings:
    return VoiceSettings(
        engine=args.engine,
        model=args.model,
        input_device=getattr(args, "input_device", None),
        output_device=getattr(args, "output_device", None),
    )


def _run(args: argparse.Namespace) -> int:
    settings = _session_settings(args)
    if args.text:
        print("Type what you would say (help, next, pause, tender spot, ...). Ctrl-C ends.\n")
        return _exit_code(launch.run_text(settings, sys.stdin, sys.stdout))
    outcome = launch.run_voice(settings, _voice_settings(args), [ReadableTranscript(sys.stdout)])
    return _exit_code(outcome)


def _simulate(args: argparse.Namespace) -> int:
    settings = SimulateSettings(
        _session_settings(args),
        _voice_settings(args),
        script=args.script,
        audio_in=args.audio_in,
        audio_out=args.audio_out,
        transcript=args.transcript,
        quiet=args.quiet,
    )
    simulation = launch.Simulation(settings)
    with ExitStack() as files:
        sinks: list[TranscriptSink] = []
        if not settings.quiet:
            sinks.append(ReadableTranscript(sys.stdout))
        if settings.audio_out:
            files.enter_context(_open_output(settings.audio_out))
        if settings.transcript:
            sinks.append(
                JsonLinesTranscript(files.enter_context(_open_output(settings.transcript)))
            )
        result = simulation.run(sinks)
    if result.unused_lines:
        log.warning(
            "the session ended (%s) before %d script line(s) were reached",
            result.outcome.value,
            result.unused_lines,
        )
    return _exit_code(result.outcome)


def _devices(args: argparse.Namespace) -> int:
    from skill.audio_devices import list_devices

    found = list_devices()
    if not found:
        print("No audio devices. Plug in a USB microphone and speaker, or use 'run --text'.")
        return EXIT_ERROR
    print(" index  in  out  name")
    for device in found:
        marks = ("<in " if device.is_default_input else "") + (
            "<out" if device.is_default_output else ""
        )
        print(f" {device.index:5}  {device.inputs:2}  {device.outputs:3}  {device.name}  {marks}")
    print(
        "\n<in and <out mark the defaults. Choose others with --input-device and "
        "--output-device, by index or by a part of the name."
    )
    return EXIT_OK


def _open_output(path: Path) -> TextIO:
    """Opened (and so checked) before the session runs, not found unwritable at its end."""
    try:
        return path.open("w", encoding="utf-8")
    except OSError as exc:
        raise OutputError(
            f"cannot write {path}: {exc.strerror}; check the folder exists and is writable"
        ) from None


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        try:
            loaded = catalog.load(name)
        except DataFileError as exc:
            print(exc, file=sys.stderr)
            failed += 1
            continue
        print(
            f"{name}: OK, {len(loaded.routine.steps)} steps, about "
            f"{loaded.total_seconds / 60:.1f} minutes with no pauses"
        )
    return EXIT_ERROR if failed else EXIT_OK


def _preview(args: argparse.Namespace) -> int:
    print(preview.render(catalog.load(args.routine)))
    return EXIT_OK


def _recognize(args: argparse.Namespace) -> int:
    choice = engines.choose(Engine(args.engine), args.model)
    engine = engines.load(choice)
    log.info("recognizing with %s (%s)", choice.engine.value, choice.reason)
    failed = 0
    for path in args.files:
        try:
            result = recognize_file(path, engine)
        except AudioFileError as exc:
            print(f"massage-coach: {exc}", file=sys.stderr)
            failed += 1
            continue
        if args.json:
            print(json.dumps(result.as_dict()), flush=True)
            continue
        print(
            f"{result.file}: {result.audio_seconds:.1f} s of audio, decoded in "
            f"{result.decode_seconds:.2f} s with {engine.name}"
        )
        for event in result.events:
            print(
                f"  {event.start:6.2f}-{event.end:.2f} s  {event.intent.value:12} "
                f'"{event.text}"  (decided at {event.emitted_at:.2f} s, '
                f"confidence {event.confidence:.2f})"
            )
        if not result.events:
            print("  no command heard")
    return EXIT_ERROR if failed else EXIT_OK


def _model_status(args: argparse.Namespace) -> int:
    spec = models.VOSK_SMALL_EN_US
    found = models.status(spec, args.model)
    if found.usable:
        print(f"Vosk model: {spec.name} in {found.found}, ready.")
        print("Engine: vosk.")
        return EXIT_OK
    if found.found is not None:
        print(f"Vosk model: found in {found.found}, but it cannot be used: {found.problem}")
    else:
        places = ", ".join(str(place) for place in found.searched)
        print(f"Vosk model: not installed (looked in {places}).")
    print(
        "Engine: pocketsphinx, with its own US English model. For better recognition: "
        "massage-coach model download"
    )
    return EXIT_OK


def _model_download(args: argparse.Namespace) -> int:
    spec = models.VOSK_SMALL_EN_US
    into = args.dir or models.default_install_dir()
    installed = models.download(spec, into, url=args.url, progress=TextProgress(spec.name))
    print(f"{spec.name} is installed in {installed}; the coach will use Vosk.")
    return EXIT_OK


def _exit_code(outcome: Outcome) -> int:
    """Every way a session ends is a normal end: stopping or declining is the person's call."""
    log.info("session ended: %s", outcome.value)
    return EXIT_OK
