"""The sound card through sounddevice: listing and choosing devices, the microphone, the speaker."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self

import numpy as np

from skill.errors import AudioDeviceError
from skill.wavfile import RATE, Samples

log = logging.getLogger(__name__)

Kind = Literal["input", "output"]

MIC_BLOCK = RATE // 10
"""Frames per microphone chunk: 100 ms, what the recognizers are fed."""
PLAYER_BLOCK = RATE // 50
"""Frames per speaker callback: 20 ms, so stop() cuts a clip off within about that."""
STALL_SECONDS = 2.0
"""A stream that should be running but gives no callback for this long is taken as gone."""
_POLL = 0.1
# A caller that stops reading (paused after a device loss) must not fill the memory: a minute of
# sound is kept, the rest is dropped and counted.
_MIC_QUEUE_CHUNKS = 600


@dataclass(frozen=True)
class DeviceInfo:
    """One audio device as PortAudio sees it."""

    index: int
    name: str
    inputs: int
    """Input channels; 0 for a device that cannot record."""
    outputs: int
    """Output channels; 0 for a device that cannot play."""
    default_rate: float
    is_default_input: bool
    is_default_output: bool

    def channels(self, kind: Kind) -> int:
        return self.inputs if kind == "input" else self.outputs


def _sounddevice() -> Any:
    """The sounddevice module, imported on first use: the package works without it."""
    try:
        import sounddevice  # type: ignore[import-untyped, unused-ignore]
    except ImportError as exc:
        raise AudioDeviceError(
            f"sounddevice is not installed ({exc}); run ./run.sh, or use 'run --text'"
        ) from None
    except OSError as exc:  # sounddevice raises OSError when libportaudio is missing
        raise AudioDeviceError(
            f"the PortAudio library is missing ({exc}); install it with "
            "'sudo apt-get install libportaudio2' or run ./run.sh"
        ) from None
    return sounddevice


def _noun(kind: Kind) -> str:
    return "microphone" if kind == "input" else "speaker"


def _advice(kind: Kind) -> str:
    option = "--input-device" if kind == "input" else "--output-device"
    return (
        "Check that it is plugged in and not used by another program; run "
        f"'massage-coach devices' to list the devices, and choose one with {option}."
    )


def list_devices() -> list[DeviceInfo]:
    """Every device PortAudio knows, with the system's default input and output marked."""
    sd = _sounddevice()
    try:
        found = sd.query_devices()
        default_in, default_out = sd.default.device
    except sd.PortAudioError as exc:
        raise AudioDeviceError(
            f"the audio devices could not be listed ({exc}); check the sound system is running"
        ) from None
    return [
        DeviceInfo(
            index=int(device["index"]),
            name=str(device["name"]),
            inputs=int(device["max_input_channels"]),
            outputs=int(device["max_output_channels"]),
            default_rate=float(device["default_samplerate"]),
            is_default_input=device["index"] == default_in,
            is_default_output=device["index"] == default_out,
        )
        for device in found
    ]


def resolve(spec: str | int | None, kind: Kind) -> int | None:
    """The index of the device `spec` names (an index, or a part of its name, any case).

    None means the system's default device and stays None. A name must match exactly one device
    of that kind; a name that is a whole device name wins over longer names that contain it.
    """
    if spec is None:
        return None
    noun, devices = _noun(kind), list_devices()
    usable = [device for device in devices if device.channels(kind) > 0]
    choices = _names(usable) or "none"
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        if not any(device.index == index for device in devices):
            raise AudioDeviceError(
                f"there is no audio device {index}; the {noun}s are: {choices}. {_advice(kind)}"
            )
        if not any(device.index == index for device in usable):
            raise AudioDeviceError(
                f"audio device {index} cannot be used as a {noun}; the {noun}s are: {choices}. "
                f"{_advice(kind)}"
            )
        return index
    wanted = spec.strip().lower()
    if not wanted:
        raise AudioDeviceError(f"an empty {noun} name; the {noun}s are: {choices}")
    matches = [device for device in usable if wanted in device.name.lower()]
    exact = [device for device in matches if device.name.lower() == wanted]
    if len(exact) == 1:
        return exact[0].index
    if len(matches) == 1:
        return matches[0].index
    if not matches:
        raise AudioDeviceError(
            f"no {noun} has '{spec}' in its name; the {noun}s are: {choices}. {_advice(kind)}"
        )
    raise AudioDeviceError(
        f"'{spec}' matches several {noun}s: {_names(matches)}; give more of the name, or the number"
    )


def _names(devices: list[DeviceInfo]) -> str:
    return ", ".join(f"{device.index} '{device.name}'" for device in devices)


def _label(index: int | None, kind: Kind) -> str:
    """How a person would recognise the device in a message; AudioDeviceError if there is no
    default one (PortAudio would only say "Error querying device -1")."""
    devices, noun = list_devices(), _noun(kind)
    if index is not None:
        name = next((device.name for device in devices if device.index == index), "?")
        return f"the {noun} '{name}' (device {index})"
    if any(
        device.is_default_input if kind == "input" else device.is_default_output
        for device in devices
    ):
        return f"the default {noun}"
    usable = _names([device for device in devices if device.channels(kind)])
    found = f"the {noun}s are: {usable}" if usable else f"no {noun} was found"
    raise AudioDeviceError(f"there is no default {noun}; {found}. {_advice(kind)}")


def _started(make: Callable[[], Any], sd: Any, label: str, kind: Kind) -> Any:
    """A stream made and started; AudioDeviceError saying what to do if either fails."""
    try:
        stream = make()
    except (sd.PortAudioError, ValueError) as exc:
        raise AudioDeviceError(f"{label} could not be opened ({exc}). {_advice(kind)}") from None
    try:
        stream.start()
    except sd.PortAudioError as exc:
        _shut(stream, label)
        raise AudioDeviceError(f"{label} could not be started ({exc}). {_advice(kind)}") from None
    return stream


def _shut(stream: Any, label: str) -> None:
    """Ends a stream without waiting for it: stop() waits for buffers a gone device never drains."""
    try:
        stream.abort()
        stream.close()
    except Exception as exc:  # a vanished device fails here too; there is nothing left to save
        log.debug("closing %s: %s", label, exc)


def _raise_if_gone(
    label: str, kind: Kind, *, ended: bool, idle: float, stall: float, idle_words: str
) -> None:
    """AudioDeviceError when the stream has ended, or the device has been idle too long."""
    if ended:
        raise AudioDeviceError(
            f"{label} stopped working; it may have been unplugged. {_advice(kind)}"
        )
    if idle > stall:
        raise AudioDeviceError(
            f"{label} has {idle_words} for {idle:.1f} s; it may have been unplugged or taken "
            f"by another program. {_advice(kind)}"
        )


class Microphone:
    """The microphone as 100 ms chunks of 16 kHz mono 16-bit sound, read on the caller's thread.

    The audio callback only queues the bytes. A stream that ends by itself, or stops giving
    sound for STALL_SECONDS, makes `read` raise AudioDeviceError; `reopen` tries to get it back.
    """

    def __init__(self, device: str | int | None = None, *, stall: float = STALL_SECONDS) -> None:
        self._sd = _sounddevice()
        self._index = resolve(device, "input")
        self._label = _label(self._index, "input")
        self._stall = stall
        self._stream: Any = None
        self._chunks: queue.Queue[bytes] = queue.Queue()
        self._ended = threading.Event()
        self._last_chunk = time.monotonic()
        self._pending: bytes | None = None
        self._troubles = self._reported = 0
        self._open()

    def _open(self) -> None:
        chunks: queue.Queue[bytes] = queue.Queue(maxsize=_MIC_QUEUE_CHUNKS)
        ended = threading.Event()

        def on_audio(indata: Any, frames: int, when: Any, status: Any) -> None:
            if status:  # overflow: sound was lost before it reached us
                self._troubles += 1
            try:
                chunks.put_nowait(bytes(indata))
            except queue.Full:
                self._troubles += 1

        stream = _started(
            lambda: self._sd.RawInputStream(
                device=self._index,
                samplerate=RATE,
                channels=1,
                dtype="int16",
                blocksize=MIC_BLOCK,
                callback=on_audio,
                finished_callback=ended.set,
            ),
            self._sd,
            self._label,
            "input",
        )
        self._stream, self._chunks, self._ended = stream, chunks, ended
        self._last_chunk, self._pending = time.monotonic(), None
        log.info("listening on %s", self._label)

    def read(self, timeout: float) -> bytes | None:
        """The next 100 ms chunk, or None if none came within `timeout` seconds.

        Raises AudioDeviceError when the microphone is gone or has stopped giving sound.
        """
        if self._pending is not None:
            chunk, self._pending = self._pending, None
            return chunk
        if self._stream is None:
            raise AudioDeviceError(f"{self._label} is not open. {_advice('input')}")
        deadline = time.monotonic() + timeout
        while True:
            try:
                chunk = self._chunks.get(timeout=max(0.0, min(_POLL, deadline - time.monotonic())))
            except queue.Empty:
                self._check_alive()
                if time.monotonic() >= deadline:
                    return None
                continue
            self._last_chunk = time.monotonic()
            self._report_troubles()
            return chunk

    def _check_alive(self) -> None:
        _raise_if_gone(
            self._label,
            "input",
            ended=self._ended.is_set(),
            idle=time.monotonic() - self._last_chunk,
            stall=self._stall,
            idle_words="given no sound",
        )

    def _report_troubles(self) -> None:
        if self._troubles != self._reported:
            log.warning(
                "%s lost some sound (%d times so far): the computer may be too busy",
                self._label,
                self._troubles,
            )
            self._reported = self._troubles

    def reopen(self, wait: float = 1.0) -> bool:
        """Tries once to start a new stream on the same device; True if sound comes within
        `wait` seconds. The chunk that proved it is kept for the next read."""
        self._close_stream()
        try:
            self._open()
        except AudioDeviceError as exc:
            log.info("%s", exc)
            return False
        try:
            self._pending = self._chunks.get(timeout=wait)
        except queue.Empty:
            log.info("%s opened again but gives no sound", self._label)
            self._close_stream()
            return False
        self._last_chunk = time.monotonic()
        log.info("%s is back", self._label)
        return True

    def _close_stream(self) -> None:
        if self._stream is not None:
            stream, self._stream = self._stream, None
            _shut(stream, self._label)

    def close(self) -> None:
        self._close_stream()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class Player:
    """The speaker, opened once: clips are queued and played back to back, silence in between.

    The audio callback copies from the queued clips under a lock; `stop` empties them, so a clip
    is cut off within one 20 ms block plus the device's own latency.
    """

    def __init__(self, device: str | int | None = None, *, stall: float = STALL_SECONDS) -> None:
        sd = _sounddevice()
        index = resolve(device, "output")
        self._label = _label(index, "output")
        self._stall = stall
        self._lock = threading.Lock()
        self._clips: deque[Samples] = deque()
        self._offset = 0
        self._drained_at = 0.0
        self._last_callback = time.monotonic()
        self._ended = threading.Event()
        self._closed = False
        self._stream: Any = _started(
            lambda: sd.OutputStream(
                device=index,
                samplerate=RATE,
                channels=1,
                dtype="int16",
                blocksize=PLAYER_BLOCK,
                latency="low",
                callback=self._fill,
                finished_callback=self._ended.set,
            ),
            sd,
            self._label,
            "output",
        )
        # What is handed to PortAudio is heard this much later; `busy` counts it as still playing.
        self._tail = float(self._stream.latency) + PLAYER_BLOCK / RATE
        log.info("playing on %s (latency %.0f ms)", self._label, self._tail * 1000)

    def _fill(self, outdata: Any, frames: int, when: Any, status: Any) -> None:
        out = outdata[:, 0]
        filled = 0
        with self._lock:
            self._last_callback = time.monotonic()
            while filled < frames and self._clips:
                clip = self._clips[0]
                take = min(frames - filled, len(clip) - self._offset)
                out[filled : filled + take] = clip[self._offset : self._offset + take]
                filled += take
                self._offset += take
                if self._offset >= len(clip):
                    self._clips.popleft()
                    self._offset = 0
                    if not self._clips:
                        self._drained_at = self._last_callback
        out[filled:] = 0

    def play(self, samples: Samples, volume: float = 1.0) -> None:
        """Queues a clip of 16 kHz mono samples after whatever is playing; volume 0..1."""
        self._check_alive()
        volume = min(max(volume, 0.0), 1.0)
        clip = np.array(samples, dtype=np.int16).reshape(-1)  # a copy: the caller may reuse it
        if volume < 1.0:
            clip = np.round(clip * volume).astype(np.int16)
        if len(clip):
            with self._lock:
                self._clips.append(clip)

    def stop(self) -> None:
        """Drops every queued clip and cuts the one playing off at once."""
        with self._lock:
            self._clips.clear()
            self._offset = 0
            self._drained_at = 0.0

    @property
    def busy(self) -> bool:
        """Something is queued, or still on its way out of the speaker."""
        with self._lock:
            return bool(self._clips) or time.monotonic() < self._drained_at + self._tail

    def wait_until_idle(self, timeout: float) -> bool:
        """Waits until everything queued has been heard; False if `timeout` seconds passed first.

        Raises AudioDeviceError if the speaker goes away meanwhile.
        """
        deadline = time.monotonic() + timeout
        while self.busy:
            self._check_alive()
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(0.01, left))
        return True

    def _check_alive(self) -> None:
        if self._closed:
            raise AudioDeviceError(f"{self._label} is closed")
        _raise_if_gone(
            self._label,
            "output",
            ended=self._ended.is_set(),
            idle=time.monotonic() - self._last_callback,
            stall=self._stall,
            idle_words="not asked for sound",
        )

    def close(self) -> None:
        """Closes the speaker at once; call wait_until_idle first to let the last clip finish."""
        if not self._closed:
            self._closed = True
            self.stop()
            _shut(self._stream, self._label)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
