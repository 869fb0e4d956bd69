"""DNSMOS P.835: a learned, reference-free estimate of speech quality (SIG, BAK, OVRL, 1–5).

The model is Microsoft's published ``sig_bak_ovr.onnx`` (Reddy, Gopal & Cutler, "DNSMOS P.835",
ICASSP 2022), shipped under the MIT licence inside the ``speechmos`` wheel on PyPI; see
docs/models.md. Only the model *file* is taken from that distribution (located through
``importlib.metadata``): speechmos's own modules import librosa and requests and are never
imported. The code around the model is ours and follows the published evaluation script
(DNS-Challenge ``DNSMOS/dnsmos_local.py``):

* input is mono float audio at 16 kHz, full scale = 1.0;
* a clip shorter than one window (9.01 s) is repeated until it fills one;
* windows of 9.01 s start every second; each gives raw (sig, bak, ovrl);
* each raw score goes through the published polynomial calibration, and the clip's score is
  the mean over its windows.

MetaStudio's VOICE_ASSESS reports ``dnsmos_ovrl`` and ``dnsmos_bak`` on this scale. Running the
model costs about 0.2 s of one core per 9 s window, so the scan runs it only when asked
(``--dnsmos`` or ``dnsmos.measure = true`` in the profile).
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_RATE = 16000
#: The model's input: 9.01 s at 16 kHz (``INPUT_LENGTH`` in the reference script).
WINDOW = 144_160
WINDOW_S = WINDOW / MODEL_RATE
#: A new window every second.
HOP = MODEL_RATE
DISTRIBUTION = "speechmos"
MODEL_MEMBER = "speechmos/dnsmos_models/sig_bak_ovr.onnx"
#: The published calibration of the non-personalised model, highest power first
#: (``get_polyfit_val`` in dnsmos_local.py): raw model output -> P.835 MOS.
POLY_SIG = (-0.08397278, 1.22083953, 0.0052439)
POLY_BAK = (-0.13166888, 1.60915514, -0.39604546)
POLY_OVRL = (-0.06766283, 1.11546468, 0.04602535)


class DnsmosUnavailable(RuntimeError):
    """The model file or onnxruntime is not installed."""


@dataclass(frozen=True)
class DnsmosScore:
    """Calibrated P.835 scores of one clip (mean over its windows) and the window count."""

    sig: float
    bak: float
    ovrl: float
    windows: int


def model_path() -> Path:
    """The ONNX file inside the installed ``speechmos`` distribution (never imported)."""
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise DnsmosUnavailable(
            f"DNSMOS needs the {DISTRIBUTION} package (pip install {DISTRIBUTION})"
        ) from None
    for member in dist.files or ():
        if str(member).replace("\\", "/") == MODEL_MEMBER:
            path = Path(str(dist.locate_file(member)))
            if path.is_file():
                return path
    raise DnsmosUnavailable(f"{MODEL_MEMBER} is missing from the installed {DISTRIBUTION}")


def windows(audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The model inputs for one 16 kHz clip, shape (n, WINDOW), as the reference frames them.

    A clip shorter than a window is doubled until it is long enough; windows start every
    ``HOP`` samples and only whole windows count (``floor(seconds) - 9.01 + 1`` of them).
    An empty clip gives no window.
    """
    data = np.asarray(audio, dtype=np.float32).reshape(-1)
    if data.size == 0:
        return np.zeros((0, WINDOW), dtype=np.float32)
    while data.size < WINDOW:
        data = np.concatenate((data, data))
    count = int(np.floor(data.size / MODEL_RATE) - WINDOW_S) + 1
    starts = [i * HOP for i in range(max(count, 0)) if i * HOP + WINDOW <= data.size]
    if not starts:
        return np.zeros((0, WINDOW), dtype=np.float32)
    return np.stack([data[s : s + WINDOW] for s in starts])


def calibrate(raw: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Raw model outputs (n, 3: sig, bak, ovrl) to P.835 MOS with the published polynomials."""
    raw = np.asarray(raw, dtype=np.float64).reshape(-1, 3)
    out = np.empty_like(raw)
    for col, coeffs in enumerate((POLY_SIG, POLY_BAK, POLY_OVRL)):
        out[:, col] = np.polyval(coeffs, raw[:, col])
    return out


def to_model_rate(mono: npt.NDArray[np.float32], rate: int) -> npt.NDArray[np.float32]:
    """Resample a mono float clip to 16 kHz with soxr (HQ); unchanged when already 16 kHz."""
    data = np.asarray(mono, dtype=np.float32).reshape(-1)
    if rate == MODEL_RATE or data.size == 0:
        return data
    import soxr

    out: npt.NDArray[np.float32] = soxr.resample(data, rate, MODEL_RATE, quality="HQ").astype(
        np.float32, copy=False
    )
    return out


class DnsmosModel:
    """One onnxruntime session of the P.835 model; :meth:`score` rates 16 kHz clips."""

    def __init__(self, path: Path | None = None, threads: int = 1) -> None:
        try:
            import onnxruntime as ort
        except ImportError:
            raise DnsmosUnavailable("DNSMOS needs onnxruntime (pip install onnxruntime)") from None
        options = ort.SessionOptions()
        # One thread per session: the scan runs one process per core.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session: Any = ort.InferenceSession(
            str(path or model_path()), options, providers=["CPUExecutionProvider"]
        )
        self.input_name = str(self.session.get_inputs()[0].name)

    def raw(self, batch: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """Uncalibrated (sig, bak, ovrl) for each window of ``batch`` (n, WINDOW)."""
        rows = [
            np.asarray(self.session.run(None, {self.input_name: w[np.newaxis, :]})[0][0])
            for w in batch
        ]
        return np.asarray(rows, dtype=np.float64).reshape(-1, 3)

    def score(self, audio: npt.NDArray[np.float32]) -> DnsmosScore | None:
        """The clip's calibrated scores, or None for an empty clip."""
        batch = windows(audio)
        if not len(batch):
            return None
        sig, bak, ovrl = calibrate(self.raw(batch)).mean(axis=0)
        return DnsmosScore(
            sig=round(float(sig), 4),
            bak=round(float(bak), 4),
            ovrl=round(float(ovrl), 4),
            windows=len(batch),
        )


@lru_cache(maxsize=1)
def shared_model() -> DnsmosModel:
    """The process's model, loaded once (each scan worker loads its own)."""
    return DnsmosModel()


def available() -> bool:
    """Whether DNSMOS can run here (onnxruntime importable, model file present)."""
    try:
        model_path()
        import onnxruntime  # noqa: F401
    except (DnsmosUnavailable, ImportError):
        return False
    return True


def dnsmos(mono: npt.NDArray[np.float32], rate: int) -> DnsmosScore | None:
    """DNSMOS P.835 of a mono float clip at any rate (resampled to 16 kHz)."""
    return shared_model().score(to_model_rate(mono, rate))
