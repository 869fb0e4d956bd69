"""DNSMOS P.835: model file from the speechmos wheel, our framing and calibration, real scores."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import voices as V

from remediate.audio import dnsmos as D


def test_model_file_comes_from_the_installed_distribution() -> None:
    path = D.model_path()
    assert path.name == "sig_bak_ovr.onnx"
    assert path.parent.name == "dnsmos_models"
    assert path.stat().st_size > 1_000_000  # the real model, not a pointer file


def test_scoring_never_imports_speechmos_or_librosa() -> None:
    # A fresh interpreter: speechmos's modules import librosa and requests, which we avoid.
    code = (
        "import sys, numpy as np\n"
        "from remediate.audio import dnsmos\n"
        "s = dnsmos.dnsmos(np.zeros(16000, np.float32) + 0.01, 16000)\n"
        "assert s is not None and s.windows >= 1\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('speechmos', 'librosa')]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.0, 0),
        (3.0, 3),  # doubled to 6 s, then 12 s: floor(12) - 9.01 + 1 -> 3 windows
        (5.0, 1),  # doubled to 10 s: one window
        (9.01, 1),
        (10.0, 1),
        (10.5, 1),  # int(floor(10.5) - 9.01) + 1: a second window only from 11 s
        (11.0, 2),
        (20.0, 11),
    ],
)
def test_windows_follow_the_reference_framing(seconds: float, expected: int) -> None:
    audio = np.arange(round(seconds * D.MODEL_RATE), dtype=np.float32)
    batch = D.windows(audio)
    assert batch.shape == (expected, D.WINDOW)
    if expected:
        assert batch[0, 0] == 0.0
        if expected > 1:
            assert batch[1, 0] == float(D.HOP)  # the second window starts one second later


def test_short_clip_windows_repeat_the_clip() -> None:
    audio = np.arange(5 * D.MODEL_RATE, dtype=np.float32)
    window = D.windows(audio)[0]
    assert window[5 * D.MODEL_RATE] == 0.0  # the repeat starts over
    assert window[-1] == float(D.WINDOW - 1 - 5 * D.MODEL_RATE)


def test_calibration_maps_each_column_with_its_own_polynomial() -> None:
    raw = np.array([[3.0, 3.0, 3.0], [1.0, 4.0, 2.0]])
    out = D.calibrate(raw)
    # Hand-evaluated from the published coefficients (a*x^2 + b*x + c).
    assert out[0, 0] == pytest.approx(-0.08397278 * 9 + 1.22083953 * 3 + 0.0052439)
    assert out[0, 1] == pytest.approx(-0.13166888 * 9 + 1.60915514 * 3 - 0.39604546)
    assert out[0, 2] == pytest.approx(-0.06766283 * 9 + 1.11546468 * 3 + 0.04602535)
    assert out[1, 1] == pytest.approx(-0.13166888 * 16 + 1.60915514 * 4 - 0.39604546)
    assert out.shape == raw.shape


@pytest.fixture(scope="module")
def clean() -> V.Audio:
    # Two sentences (9 s) and a pause: just over one 9.01 s window, so one model run each.
    speech = V.joined(V.espeak(V.SENTENCES[0], V.MALE), V.espeak(V.SENTENCES[1], V.MALE))
    return np.concatenate((speech, V.gap(9.5 - speech.size / V.RATE)))


def test_noise_lowers_background_and_overall_scores(clean: V.Audio) -> None:
    scores = {snr: D.dnsmos(V.white_noise_at(clean, snr), V.RATE) for snr in (40, 10, 0)}
    quiet, noisy, loud = scores[40], scores[10], scores[0]
    assert quiet is not None and noisy is not None and loud is not None
    assert quiet.windows == 1
    assert quiet.bak > 3.3
    assert noisy.bak < quiet.bak - 1.0
    assert loud.bak < noisy.bak
    assert quiet.ovrl > noisy.ovrl + 0.4 > loud.ovrl + 0.4
    for s in (quiet, noisy, loud):
        assert 1.0 <= s.ovrl <= 5.0 and 1.0 <= s.sig <= 5.0


def test_real_speech_scores_above_noise_alone() -> None:
    speech = D.dnsmos(V.alsa("Front_Center"), V.RATE)
    assert speech is not None and speech.windows == 2  # 1.4 s repeated to 11.4 s
    assert speech.ovrl > 2.6 and speech.bak > 3.5
    pink = D.dnsmos(V.to_16k(*_read(V.ALSA_DIR / "Noise.wav")), V.RATE)
    assert pink is not None and pink.ovrl < 1.5 and pink.bak < 1.5


def test_any_input_rate_is_resampled_to_16k(clean: V.Audio) -> None:
    import soxr

    at_48k = soxr.resample(clean, V.RATE, 48000).astype(np.float32)
    direct, resampled = D.dnsmos(clean, V.RATE), D.dnsmos(at_48k, 48000)
    assert direct is not None and resampled is not None
    assert resampled.ovrl == pytest.approx(direct.ovrl, abs=0.1)
    assert resampled.bak == pytest.approx(direct.bak, abs=0.1)


def test_empty_clip_has_no_score() -> None:
    assert D.dnsmos(np.zeros(0, np.float32), 48000) is None


def _read(path: object) -> tuple[np.ndarray, int]:
    import soundfile as sf

    if not V.ALSA_DIR.is_dir():
        pytest.skip("alsa-utils sounds are not installed")
    data, rate = sf.read(str(path), dtype="float32")
    return data, int(rate)
