"""The voice signature: pitch track, cepstra, change within a clip, on labelled speech."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf
import voices as V
from sample_labels import CLEAN

from remediate.audio import speaker as S

#: The bands the profiles use (docs/thresholds.md): a change at or above WARN is reported.
WARN, ERROR = 1.2, 1.5


def harmonic(f0: float, seconds: float = 1.0, rate: int = S.PITCH_RATE) -> V.Audio:
    t = np.arange(round(seconds * rate)) / rate
    x = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 6))
    return (0.2 * x).astype(np.float32)


@pytest.mark.parametrize("f0", [80.0, 120.0, 210.0, 330.0])
def test_yin_finds_the_fundamental_of_a_harmonic_tone(f0: float) -> None:
    track = S.yin(harmonic(f0))
    assert np.isfinite(track).mean() > 0.95
    assert float(np.nanmedian(track)) == pytest.approx(f0, rel=0.01)


def test_yin_calls_white_noise_unvoiced() -> None:
    noise = np.random.default_rng(1).standard_normal(S.PITCH_RATE).astype(np.float32)
    assert np.isfinite(S.yin(noise)).mean() < 0.1


def test_pitch_summary_tells_male_from_female_voices() -> None:
    male = S.frame_features(V.espeak(V.SENTENCES[0], V.MALE))
    female = S.frame_features(V.espeak(V.SENTENCES[0], V.FEMALE))
    (m_hz, m_range), (f_hz, f_range) = S.pitch_summary(male), S.pitch_summary(female)
    assert m_hz is not None and f_hz is not None and m_range is not None and f_range is not None
    assert 80 < m_hz < 130 < 160 < f_hz < 250
    assert 1.0 < m_range < 12.0 and 1.0 < f_range < 12.0  # intonation, not octave errors


def test_mfcc_shape_and_frame_grid() -> None:
    ceps, power = S.mfcc(np.zeros(S.RATE, np.float32) + 0.1)
    assert ceps.shape == (1 + (S.RATE - S.FRAME) // S.HOP, S.N_CEPS)
    assert power == pytest.approx(np.full(len(power), 0.01))


def test_speech_spans_cut_the_active_frames_in_half() -> None:
    active = np.zeros(100, dtype=bool)
    active[10:20] = active[60:70] = True
    spans = S.speech_spans(active)
    assert spans == ((10 * S.HOP, 70 * S.HOP), (10 * S.HOP, 60 * S.HOP), (60 * S.HOP, 70 * S.HOP))
    assert S.speech_spans(np.zeros(5, dtype=bool)) is None


def test_too_little_speech_gives_no_signature() -> None:
    facts = S.analyse(np.zeros(S.RATE, np.float32))
    assert facts == S.VoiceFacts()


def _change(audio: V.Audio) -> float:
    value = S.analyse(audio).voice_change
    assert value is not None
    return value


def test_one_voice_reading_two_sentences_is_steady() -> None:
    for voice in (V.MALE, V.FEMALE):
        clip = V.joined(V.espeak(V.SENTENCES[0], voice), V.espeak(V.SENTENCES[1], voice))
        assert _change(clip) < WARN


def test_a_second_speaker_spliced_in_is_a_change() -> None:
    clip = V.joined(V.espeak(V.SENTENCES[0], V.MALE), V.espeak(V.SENTENCES[1], V.FEMALE))
    assert _change(clip) >= ERROR


def test_real_speech_from_one_person_is_steady() -> None:
    words = [V.alsa(w) for w in V.ALSA_WORDS]
    for i in range(0, len(words), 4):
        assert _change(V.joined(*words[i : i + 4])) < WARN


def test_labelled_accuracy() -> None:
    """Hits and false alarms on the labelled set (the numbers docs/thresholds.md quotes):
    every cross-gender splice is caught, at the midpoint or a quarter in from either end;
    no single-speaker clip is flagged; a splice of two voices of one gender is not caught
    (the known limit: when it is, update the docs and the bench's same-gender target)."""
    people = (V.MALE, V.MALE_2, V.FEMALE, V.FEMALE_2)
    same = [
        _change(V.joined(V.espeak(V.SENTENCES[i], p), V.espeak(V.SENTENCES[i + 1], p)))
        for p in people
        for i in (0, 2)
    ]
    spliced = {
        (a, b, lead): _change(V.spliced(a, b, lead))
        for a, b in itertools.permutations(people, 2)
        for lead in (1, 2, 3)
    }
    assert max(same) < WARN
    male = (V.MALE, V.MALE_2)
    cross = [v for (a, b, _), v in spliced.items() if (a in male) != (b in male)]
    alike = [v for (a, b, _), v in spliced.items() if (a in male) == (b in male)]
    assert len(cross) == 24 and min(cross) >= ERROR
    assert len(alike) == 12 and max(alike) < WARN


def test_the_change_search_finds_a_splice_a_quarter_in() -> None:
    """A voice reading the first of four sentences, another the rest: fixed halves compared
    mostly one voice with a mix (0.41 for this clip); the search cuts where the voice
    changes."""
    lead = V.espeak(V.SENTENCES[1], V.MALE)
    clip = V.spliced(V.MALE, V.FEMALE, 1)
    found = S.change_point(S.frame_features(clip))
    assert found is not None
    value, cut = found
    assert value >= ERROR and _change(clip) == pytest.approx(value, abs=1e-3)
    splice = (lead.size + V.gap().size // 2) // S.HOP
    assert abs(cut - splice) * S.HOP / S.RATE < 1.0  # within a second of the splice


def test_the_change_search_needs_speech_on_both_sides() -> None:
    clip = V.espeak(V.SENTENCES[0], V.MALE)
    feats = S.frame_features(clip)
    assert (
        S.change_point(S.FrameFeatures(feats.f0, feats.ceps, np.zeros_like(feats.active))) is None
    )
    short = S.frame_features(clip[: S.RATE // 2])  # under MIN_VOICED_S on each side
    assert S.change_point(short) is None


def test_the_sample_corpus_mandarin_reads_one_speaker(sample_dataset: Path) -> None:
    """The clean Mandarin clips of sample_dataset/ (one espeak-ng voice, tones and all) stay
    under the warning band with the change search."""
    values = []
    for pid in CLEAN:
        data, rate = sf.read(str(sample_dataset / f"audio_{pid}.wav"), dtype="float32")
        values.append(_change(V.to_16k(data, int(rate))))
    assert len(values) >= 8 and max(values) < WARN


class PitchOnly:
    """A stand-in for a model embedding: proves analyse works through the Signature seam."""

    name = "pitch-only"

    def embed(self, audio: V.Audio, spans: list[S.Span]) -> list[npt.NDArray[np.float64] | None]:
        out: list[npt.NDArray[np.float64] | None] = []
        for start, end in spans:
            track = S.yin(audio[start:end][::2])  # crude 8 kHz: enough for a stand-in
            voiced = track[np.isfinite(track)]
            out.append(np.array([12 * np.log2(np.median(voiced) / 100)]) if voiced.size else None)
        return out

    def distance(self, a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
        return float(abs(a[0] - b[0]))


def test_another_signature_plugs_into_analyse() -> None:
    clip = V.joined(V.espeak(V.SENTENCES[0], V.MALE), V.espeak(V.SENTENCES[1], V.FEMALE))
    facts = S.analyse(clip, PitchOnly())
    assert facts.voice_change is not None and facts.voice_change > 6  # semitones apart
    assert facts.voice_signature is not None and len(facts.voice_signature) == 1
