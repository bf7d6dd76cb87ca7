"""A private PulseAudio daemon with a virtual speaker and microphone, for tests of the real audio
path on machines without a sound card (the recipe: ../shared/virtual-audio.md)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from skill.wavfile import Samples, read_wav

SPEAKER = "vspeaker"
"""The speaker sink; also an ALSA device of that name, so it can be chosen by name."""
MIC = "vmic"
"""The microphone source (a remap of the feed sink's monitor); also an ALSA device."""
MIC_FEED = "vmic_feed"
"""The sink whose sound comes out of the microphone."""

_NULL_SINK = "rate=16000 channels=1 format=s16le norewinds=1"  # without norewinds monitors stall
_MIC_MODULE = ("module-remap-source", f"master={MIC_FEED}.monitor", f"source_name={MIC}")
_SPEAKER_MODULE = ("module-null-sink", f"sink_name={SPEAKER}", *_NULL_SINK.split())
_ALSA_DEVICES = f"""
pcm.{MIC} {{ type asym; capture.pcm {{ type pulse; device "{MIC}" }} }}
pcm.{SPEAKER} {{ type asym; playback.pcm {{ type pulse; device "{SPEAKER}" }} }}
"""
_TOOLS = ("pulseaudio", "pactl", "pacmd", "paplay", "parecord")
_TIMEOUT = 5.0
MISSING_HINT = (
    "the audio tests need PulseAudio (Debian packages pulseaudio pulseaudio-utils "
    "libasound2-plugins libportaudio2); ./test.sh installs them"
)


def missing_tools() -> list[str]:
    return [tool for tool in _TOOLS if shutil.which(tool) is None]


def _config(socket: Path) -> str:
    return "\n".join(
        [
            "load-module module-native-protocol-unix auth-anonymous=1 auth-cookie-enabled=0 "
            f"socket={socket}",
            "load-module module-cli-protocol-unix",  # pacmd, to kill a stream as an unplug does
            "load-module " + " ".join(_SPEAKER_MODULE),
            f"load-module module-null-sink sink_name={MIC_FEED} {_NULL_SINK}",
            "load-module " + " ".join(_MIC_MODULE),
            f"set-default-sink {SPEAKER}",
            f"set-default-source {MIC}",
            "",
        ]
    )


class VirtualAudio:
    """The running daemon, and what tests do to its devices.

    Its clients find it through `env`; `environment()` puts that in os.environ for code in this
    process (PortAudio through ALSA's pulse plugin), which needs it when sounddevice is imported
    and whenever a stream is opened.
    """

    def __init__(self, root: Path, timeout: float = _TIMEOUT) -> None:
        run, state = root / "run", root / "state"
        run.mkdir(parents=True, exist_ok=True)
        run.chmod(0o700)  # PulseAudio refuses a runtime dir others can read
        state.mkdir(parents=True, exist_ok=True)
        self.root = root
        socket = root / "native"
        (root / "virtual.pa").write_text(_config(socket))
        (root / "asound.conf").write_text(_ALSA_DEVICES)
        self.env = {
            "PULSE_SERVER": f"unix:{socket}",
            "PULSE_RUNTIME_PATH": str(run),
            "PULSE_STATE_PATH": str(state),
            "PULSE_COOKIE": str(state / "cookie"),
            "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{root / 'asound.conf'}",
        }
        self._daemon = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "-F",
                str(root / "virtual.pa"),
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--realtime=no",
                "--high-priority=no",
                "--disable-shm=yes",
                f"--log-target=file:{root / 'pulse.log'}",
            ],
            env={**os.environ, **self.env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._daemon.poll() is None:
            if self.run(["pactl", "info"], check=False).returncode == 0:
                return
            time.sleep(0.02)
        self.stop()
        log = (self.root / "pulse.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"the PulseAudio daemon did not start within {timeout} s:\n{log}")

    @contextmanager
    def environment(self) -> Iterator[None]:
        """The daemon's variables in os.environ while the block runs, the old ones after."""
        saved = {name: os.environ.get(name) for name in self.env}
        os.environ.update(self.env)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def stop(self) -> None:
        """Ends the daemon this helper started, by its own PID."""
        if self._daemon.poll() is None:
            self._daemon.terminate()
            try:
                self._daemon.wait(timeout=_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._daemon.kill()
                self._daemon.wait(timeout=_TIMEOUT)

    def run(
        self, args: Sequence[str], check: bool = True, timeout: float = _TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        """A PulseAudio client (pactl, paplay, ...) run against this daemon."""
        return subprocess.run(
            list(args),
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
        )

    def pactl(self, *args: str) -> str:
        return self.run(["pactl", *args]).stdout

    def feed_mic(self, wav_path: Path, timeout: float = 30.0) -> None:
        """Plays the file into the microphone, in real time; returns when it has all gone in."""
        self.run(["paplay", f"--device={MIC_FEED}", str(wav_path)], timeout=timeout)

    def record_speaker(self, path: Path) -> SpeakerRecorder:
        return SpeakerRecorder(self, path)

    def unplug_mic(self) -> None:
        """The microphone goes away as a USB one does: its source is removed, and the streams
        reading it fail (PulseAudio alone would move them to another source unnoticed)."""
        self.pactl("unload-module", self._module_index(_MIC_MODULE))
        self._kill_client_streams("source-output")

    def plug_mic(self) -> None:
        self.pactl("load-module", *_MIC_MODULE)
        self.pactl("set-default-source", MIC)

    def unplug_speaker(self) -> None:
        """The speaker goes away, and the streams playing to it fail."""
        self.pactl("unload-module", self._module_index(_SPEAKER_MODULE))
        self._kill_client_streams("sink-input")

    def plug_speaker(self) -> None:
        self.pactl("load-module", *_SPEAKER_MODULE)
        self.pactl("set-default-sink", SPEAKER)

    def suspend_mic(self, suspended: bool) -> None:
        """A microphone that is there but gives no sound at all (a stuck device)."""
        self.pactl("suspend-source", MIC, "1" if suspended else "0")

    def _kill_client_streams(self, kind: str) -> None:
        for line in self.pactl("list", "short", f"{kind}s").splitlines():
            index, _device, _module, driver, *_ = line.split("\t")
            if driver == "protocol-native.c":  # a client's stream, not a module's own
                self.run(["pacmd", f"kill-{kind}", index], check=False)

    def _module_index(self, module: tuple[str, ...]) -> str:
        for line in self.pactl("list", "short", "modules").splitlines():
            index, name, arguments, *_ = [*line.split("\t"), ""]
            if name == module[0] and arguments.split() == list(module[1:]):
                return index
        raise LookupError(f"{' '.join(module)} is not loaded")

    def source_index(self, name: str) -> str:
        for line in self.pactl("list", "short", "sources").splitlines():
            index, source, *_ = line.split("\t")
            if source == name:
                return index
        raise LookupError(f"no source {name}")


class SpeakerRecorder:
    """Records what the virtual speaker plays, from a little before the block until its end;
    `samples` holds the recording afterwards."""

    def __init__(self, audio: VirtualAudio, path: Path, timeout: float = _TIMEOUT) -> None:
        self.path = path
        self._audio = audio
        self._timeout = timeout
        self._process: subprocess.Popen[bytes] | None = None
        self.samples: Samples | None = None

    def __enter__(self) -> SpeakerRecorder:
        self._process = subprocess.Popen(
            [
                "parecord",
                f"--device={SPEAKER}.monitor",
                "--file-format=wav",
                "--rate=16000",
                "--channels=1",
                "--format=s16le",
                "--latency-msec=20",  # small fragments: the tail is not held back at the end
                str(self.path),
            ],
            env={**os.environ, **self._audio.env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait_recording()
        except BaseException:
            self._end()
            raise
        return self

    def _wait_recording(self) -> None:
        """Until parecord's stream is running, then the ~0.3 s lead the capture needs."""
        monitor = self._audio.source_index(f"{SPEAKER}.monitor")
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            outputs = self._audio.pactl("list", "short", "source-outputs").splitlines()
            if any(line.split("\t")[1:2] == [monitor] for line in outputs):
                time.sleep(0.3)
                return
            time.sleep(0.02)
        raise RuntimeError(f"parecord did not start recording within {self._timeout} s")

    def _end(self) -> None:
        process = self._process
        assert process is not None
        process.send_signal(signal.SIGINT)  # parecord writes the WAV header's sizes on SIGINT
        try:
            process.wait(timeout=self._timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=self._timeout)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._end()
        if kind is None:
            self.samples = read_wav(self.path).samples
