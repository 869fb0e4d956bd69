"""Audio players and pictures for the HTML report: what a listener needs beside the reasons.

Every pair that is not kept gets a player and one picture (waveform over spectrogram).
Audio is **embedded** (base64 ``data:`` URI, so the report is one file that works
anywhere) while the audio to embed totals at most :data:`EMBED_LIMIT_BYTES`; above that
the players **link** to the files by a path relative to the report, so a 2,000-pair report
stays a few megabytes and opens fast (it then has to stay where it is relative to the
corpus). Embedded audio is the file itself when it is a plain 16-bit PCM WAV, else a
16-bit PCM WAV decoded from it (24-bit, float, RF64, Ogg under a ``.wav`` name...), so
every browser can play it. Pictures are always embedded: small JPEGs, drawn once with
matplotlib (Agg, no display needed).
"""

from __future__ import annotations

import base64
import functools
import io
import os
import urllib.parse
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from remediate.audio.probe import read_samples
from remediate.audio.stream import FULL_SCALE

#: Audio to embed, summed over every player of the report (before base64, which adds a
#: third). 16 MiB holds about 170 s of 48 kHz 16-bit mono: every flagged clip of a BASIC
#: or MIDDLE corpus; a large corpus links instead.
EMBED_LIMIT_BYTES: Final = 16 << 20
#: Files longer than this are not drawn (the picture decodes the whole file).
DRAW_MAX_SECONDS: Final = 120.0
#: Picture size in pixels (width x height) and JPEG quality.
PICTURE_PX: Final = (760, 250)
JPEG_QUALITY: Final = 80
#: Spectrogram window; at most this many columns are computed, whatever the length.
FFT_SIZE: Final = 1024
MAX_COLUMNS: Final = 600
#: Dynamic range shown in the spectrogram (dB below the loudest bin).
SPECTRUM_RANGE_DB: Final = 90.0

AudioMode = Literal["auto", "embed", "link"]


@dataclass(frozen=True)
class Player:
    """One ``<audio>`` source: ``src`` is a data URI or a relative URL; ``note`` says how
    the sound was obtained (or why there is none, then ``src`` is None)."""

    src: str | None
    note: str = ""


def choose_embed(mode: AudioMode, sizes: list[int]) -> bool:
    """Whether to embed: always for ``embed``, never for ``link``, and for ``auto`` when
    the files total at most :data:`EMBED_LIMIT_BYTES`."""
    if mode == "embed":
        return True
    if mode == "link":
        return False
    return sum(sizes) <= EMBED_LIMIT_BYTES


def relative_url(target: Path, report_dir: Path) -> str:
    """A URL for ``target`` relative to the folder of the report, each segment quoted
    (spaces, ``#``, ``?`` and non-ASCII names survive ``file://``)."""
    rel = os.path.relpath(target.resolve(), report_dir.resolve())
    return "/".join(urllib.parse.quote(part) for part in Path(rel).parts)


def wav_bytes(samples: npt.NDArray[np.float64], rate: int) -> bytes:
    """16-bit PCM WAV bytes of float samples (frames, channels), ±1 full scale, clipped."""
    ints = np.clip(np.round(samples * FULL_SCALE), -FULL_SCALE, FULL_SCALE - 1).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(int(ints.shape[1]) if ints.ndim == 2 else 1)
        w.setsampwidth(2)
        w.setframerate(int(rate))
        w.writeframes(ints.tobytes())
    return buf.getvalue()


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def player(
    path: Path,
    report_dir: Path,
    *,
    embed: bool,
    plain_pcm16: bool,
) -> Player:
    """The player source for one audio file (see the module docstring for the rule)."""
    if not path.is_file():
        return Player(None, "no audio file")
    if not embed:
        return Player(relative_url(path, report_dir), "linked from the corpus")
    try:
        if plain_pcm16:
            return Player(data_uri("audio/wav", path.read_bytes()))
        samples, rate = read_samples(path)
    except (OSError, ValueError) as exc:
        return Player(None, f"cannot be played: {exc}")
    if samples.shape[0] == 0:
        return Player(None, "no samples to play")
    return Player(data_uri("audio/wav", wav_bytes(samples, rate)), "decoded to 16-bit PCM")


# --- pictures ------------------------------------------------------------------------------


def _envelope(mono: npt.NDArray[np.float64], points: int) -> tuple[Any, Any, Any]:
    per = max(1, mono.size // points)
    usable = (mono.size // per) * per
    chunks = mono[:usable].reshape(-1, per)
    t = np.arange(chunks.shape[0]) * per
    return t, chunks.min(axis=1), chunks.max(axis=1)


def _spectrogram(mono: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Power in dB, shape (bins, columns), at most MAX_COLUMNS columns."""
    if mono.size < FFT_SIZE:
        mono = np.pad(mono, (0, FFT_SIZE - mono.size))
    hop = max(FFT_SIZE // 4, (mono.size - FFT_SIZE) // MAX_COLUMNS + 1)
    starts = np.arange(0, mono.size - FFT_SIZE + 1, hop)
    frames = np.stack([mono[s : s + FFT_SIZE] for s in starts]) * np.hanning(FFT_SIZE)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    db: npt.NDArray[np.float64] = 10.0 * np.log10(power.T + 1e-20)
    return db


class _Painter:
    """One matplotlib figure reused for every picture: building axes and ticks is most of
    the cost of a picture (0.1 s of 0.15 s), drawing new data into them is cheap."""

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        width, height = PICTURE_PX
        self.fig = Figure(figsize=(width / 100, height / 100), dpi=100)
        FigureCanvasAgg(self.fig)
        self.wave, self.spec = self.fig.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1.6], "hspace": 0.08}
        )
        for level in (-1.0, 1.0):
            self.wave.axhline(level, color="#c0392b", linewidth=0.6, linestyle=":")
        self.wave.set_ylim(-1.05, 1.05)
        self.wave.set_yticks([-1, 0, 1])
        self.wave.set_ylabel("level", fontsize=8)
        self.image = self.spec.imshow(
            np.zeros((2, 2)), origin="lower", aspect="auto", cmap="magma", interpolation="nearest"
        )
        self.spec.set_ylabel("kHz", fontsize=8)
        self.spec.set_xlabel("seconds", fontsize=8)
        for ax in (self.wave, self.spec):
            ax.tick_params(labelsize=7)
        self.fig.subplots_adjust(left=0.07, right=0.99, top=0.97, bottom=0.16)
        self.fill: Any = None

    def paint(self, mono: npt.NDArray[np.float64], rate: int) -> bytes:
        seconds = mono.size / rate if rate else 0.0
        if self.fill is not None:
            self.fill.remove()
        t, low, high = _envelope(mono, PICTURE_PX[0] * 2)
        self.fill = self.wave.fill_between(t / rate, low, high, color="#2b5d8a", linewidth=0)
        db = _spectrogram(mono)
        top = float(db.max())
        self.image.set_data(db)
        self.image.set_clim(top - SPECTRUM_RANGE_DB, top)
        self.image.set_extent((0.0, max(seconds, 1e-3), 0.0, rate / 2000.0))
        self.spec.set_ylim(0.0, rate / 2000.0)
        self.spec.set_xlim(0.0, max(seconds, 1e-3))
        buf = io.BytesIO()
        self.fig.savefig(buf, format="jpeg", pil_kwargs={"quality": JPEG_QUALITY, "optimize": True})
        return buf.getvalue()


@functools.cache
def _painter() -> _Painter:
    return _Painter()


def picture(samples: npt.NDArray[np.float64], rate: int) -> bytes:
    """Waveform (top, dotted lines at full scale) and spectrogram (bottom) as JPEG bytes."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    return _painter().paint(mono, rate)


def picture_uri(path: Path, duration_s: float | None) -> tuple[str | None, str]:
    """A ``data:`` URI of the clip's picture, or None with the reason it was not drawn."""
    if duration_s is not None and duration_s > DRAW_MAX_SECONDS:
        return None, f"not drawn: longer than {DRAW_MAX_SECONDS:.0f} s"
    if not path.is_file():
        return None, "no audio file"
    try:
        samples, rate = read_samples(path)
    except (OSError, ValueError) as exc:
        return None, f"not drawn: {exc}"
    if samples.shape[0] == 0 or rate <= 0:
        return None, "not drawn: no samples"
    return data_uri("image/jpeg", picture(samples, rate)), ""
