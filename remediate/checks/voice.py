"""Voice checks: how the speech sounds (DNSMOS) and who speaks (the voice signature).

* ``audio-dnsmos`` grades DNSMOS P.835 OVRL and BAK (measured with ``--dnsmos``);
* ``voice-speaker-change`` grades the largest signature distance between the speech before
  and after a cut (cuts at 20–80 % of it): a second speaker spliced in moves it far above one
  speaker's own variation, wherever the splice sits;
* ``voice-speaker-outlier`` compares each clip's signature with the corpus's median voice
  (a clip read by another person), once the corpus has enough clips to have a voice.

Bands and where they come from: the ``dnsmos`` and ``speaker`` sections of the profiles and
docs/thresholds.md.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from typing import Any

from remediate import columns as C
from remediate.checks.registry import (
    CORPUS,
    ERROR,
    QUALITY,
    VOICE_ANALYSIS,
    WARNING,
    Band,
    Check,
    CorpusFacts,
    Hit,
    Row,
    check,
    corpus_check,
    num,
)
from remediate.checks.signal import audible, graded
from remediate.profiles import Profile

Found = Iterator[tuple[str | None, Hit]]


@check(
    "audio-dnsmos",
    category=QUALITY,
    severity=WARNING,
    fixable=False,
    description="DNSMOS P.835 overall (OVRL) or background (BAK) score low: noise or distortion a listener hears (with --dnsmos)",
    bands=(
        Band(ERROR, "<", "dnsmos.ovrl_error_min", "ovrl"),
        Band(WARNING, "<", "dnsmos.ovrl_warning_min", "ovrl"),
        Band(ERROR, "<", "dnsmos.bak_error_min", "bak"),
        Band(WARNING, "<", "dnsmos.bak_warning_min", "bak"),
    ),
)
def audio_dnsmos(c: Check, r: Row, p: Profile) -> Hit | None:
    if not audible(r, p):
        return None
    ovrl, bak = num(r.get(C.DNSMOS_OVRL)), num(r.get(C.DNSMOS_BAK))
    graded = [(c.grade(ovrl, p, "ovrl"), ovrl), (c.grade(bak, p, "bak"), bak)]
    fired = [(band, value) for band, value in graded if band is not None and value is not None]
    if not fired:
        return None
    band, value = min(fired, key=lambda bv: (bv[0].severity != ERROR, bv[0].on != "ovrl"))
    return Hit(f"DNSMOS OVRL {ovrl:.2f}, BAK {bak:.2f} (1–5)", value=value, band=band)


@check(
    "voice-speaker-change",
    category=QUALITY,
    severity=WARNING,
    fixable=False,
    description="the voice changes within the speech (before and after the cut where it changes most): a second speaker spliced in",
    needs=(VOICE_ANALYSIS,),
    bands=(
        Band(ERROR, ">=", "speaker.change_error"),
        Band(WARNING, ">=", "speaker.change_warning"),
    ),
)
def voice_speaker_change(c: Check, r: Row, p: Profile) -> Hit | None:
    message = "voice signature moves by {value:.2f} across the speech (before and after its likeliest cut)"
    return graded(c, r, p, C.VOICE_CHANGE, message)


@corpus_check(
    "voice-speaker-outlier",
    category=CORPUS,
    severity=WARNING,
    fixable=False,
    description="the voice differs from the rest of the corpus: read by another person",
    needs=(VOICE_ANALYSIS,),
    reads=(
        "speaker.outlier_ratio",
        "speaker.min_pairs",
        "noise.min_snr_db",
        "level.clip_error_fraction",
    ),
    bands=(
        Band(ERROR, ">=", "speaker.outlier_error"),
        Band(WARNING, ">=", "speaker.outlier_warning"),
    ),
)
def voice_speaker_outlier(c: Check, facts: CorpusFacts, p: Profile) -> Found:
    signed = [(r, s) for r in facts.rows if (s := _signature(r)) is not None and _clean(r, p)]
    if len(signed) < p.speaker.min_pairs:
        return
    # numpy only here: `remediate checks` imports this module and must start fast
    from remediate.audio.speaker import corpus_distances

    rows = [r for r, _ in signed]
    distances, typical = corpus_distances([s for _, s in signed])
    pitches = [f for r in rows if (f := num(r.get(C.VOICE_F0_MEDIAN_HZ))) is not None]
    pitch = float(statistics.median(pitches)) if pitches else None
    for r, distance in zip(rows, distances, strict=True):
        band = c.grade(distance, p)
        if band is None or distance < p.speaker.outlier_ratio * typical:
            continue
        f0 = num(r.get(C.VOICE_F0_MEDIAN_HZ))
        heard = f"; F0 {f0:.0f} Hz, corpus {pitch:.0f} Hz" if f0 and pitch else ""
        message = f"voice {distance:.2f} from the corpus voice (typical {typical:.2f}{heard})"
        yield r[C.PAIR_ID], Hit(message, round(distance, 3), band=band)


def _clean(r: Row, p: Profile) -> bool:
    """Audible and not degraded: heavy noise or clipping moves a clip's signature away from
    its speaker's, and those clips have their own findings, so they are neither judged nor
    part of the corpus voice."""
    snr, clipped = num(r.get(C.SNR_DB)), num(r.get(C.CLIP_FRACTION))
    if snr is not None and snr < p.noise.min_snr_db:
        return False
    if clipped is not None and clipped >= p.level.clip_error_fraction:
        return False
    return audible(r, p)


def _signature(r: Row) -> list[float] | None:
    value: Any = r.get(C.VOICE_SIGNATURE)
    if value is None or isinstance(value, float | str):
        return None
    values = [float(v) for v in value]
    return values if values and all(math.isfinite(v) for v in values) else None
