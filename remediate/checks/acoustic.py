"""Acoustic checks: the room and the recording chain, from the probe's voice measures.

* ``audio-reverb`` grades the blind RT60 (:func:`remediate.audio.voice.rt60`): a room that
  rings on after each word is what the platform's "no echo or reverb" rejects;
* ``audio-clicks`` grades the loudest impulsive click (:func:`remediate.audio.clicks.clicks`):
  a pop from a cable, a mouth noise or an edit, below full scale (clipping is its own check).

Bands and where they come from: the ``reverb`` and ``clicks`` sections of the profiles and
docs/thresholds.md.
"""

from __future__ import annotations

from remediate import columns as C
from remediate.checks.registry import ERROR, QUALITY, WARNING, Band, Check, Hit, Row, check, num
from remediate.checks.signal import audible, graded
from remediate.profiles import Profile


@check(
    "audio-reverb",
    category=QUALITY,
    severity=WARNING,
    fixable=False,
    description="the room rings on after the speech (blind RT60 estimate): echo or reverb the audit hears",
    bands=(
        Band(ERROR, ">", "reverb.error_max_rt60_s"),
        Band(WARNING, ">", "reverb.max_rt60_s"),
    ),
)
def audio_reverb(c: Check, r: Row, p: Profile) -> Hit | None:
    return graded(c, r, p, C.RT60_S, "reverberation time about {value:.2f} s (RT60)")


@check(
    "audio-clicks",
    category=QUALITY,
    severity=WARNING,
    fixable=False,
    description="impulsive clicks or pops below full scale (loudest click's level)",
    bands=(
        Band(ERROR, ">", "clicks.error_max_dbfs"),
        Band(WARNING, ">", "clicks.max_dbfs"),
    ),
)
def audio_clicks(c: Check, r: Row, p: Profile) -> Hit | None:
    level, count = num(r[C.CLICK_WORST_DBFS]), num(r[C.CLICKS])
    band = c.grade(level, p) if level is not None and audible(r, p) else None
    if level is None or band is None:
        return None
    n = int(count or 0)
    return Hit(
        f"{n} click{'s' if n != 1 else ''}, the loudest at {level:.1f} dBFS",
        value=level,
        band=band,
    )
