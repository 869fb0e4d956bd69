"""The audio repairs, one class each, in the order they run (``order``).

Remove DC (a high-pass, before any gain), downmix, resample (soxr VHQ), trim edge
silence (the probe's own silence rule, keeping the profile padding), optional loudness
normalisation under a peak ceiling, a peak guard, then PCM_16 with TPDF dither (none
when the samples are already exact 16-bit integers, e.g. a PCM_16 file only trimmed).
The signal processing itself is in :mod:`remediate.fix.repair`; the registry and the
pipeline in :mod:`remediate.fix.actions`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import soxr

from remediate import columns as C
from remediate.audio.probe import speech_span
from remediate.audio.stream import FULL_SCALE
from remediate.fix.actions import (
    CASE_RATE,
    AudioAction,
    AudioState,
    Case,
    PlanContext,
    Samples,
    as_number,
    as_text,
    register,
    tone,
)
from remediate.fix.repair import (
    DEAD_CHANNEL_DB,
    HIGHPASS_HZ,
    LOUDNESS_MIN_S,
    channel_power_db,
    choose_downmix,
    dbfs,
    dc_offset,
    highpass,
    to_pcm16,
)


def _stereo(right_gain: float) -> tuple[Samples, int]:
    left, rate = tone(1.0)
    return np.stack([left, right_gain * left], axis=1), rate


@register
class RemoveDC(AudioAction):
    """Zero-phase 20 Hz high-pass per channel: removes an offset where it is, without
    spreading a plosive's low-frequency bump over the pauses as subtracting the mean would."""

    name = "remove-dc"
    order = 10
    answers = ("audio-dc-offset",)
    cases = (
        Case(
            "a 5 % offset goes",
            lambda: tone(2.0, offset=0.05),
            before={"dc_offset": [0.05]},
            after={"dc_offset": [0.0]},
            tol=0.002,
        ),
    )

    def plan(self, ctx: PlanContext) -> dict[str, Any] | None:
        return {"dc_offset": as_number(ctx.facts.get(C.DC_OFFSET))} if ctx.checks else None

    def apply(self, state: AudioState, params: Mapping[str, Any] | None) -> None:
        x, rate = state.channels, state.rate
        before = [dc_offset(x[:, i], rate) for i in range(x.shape[1])]
        x = np.stack([highpass(x[:, i], rate, HIGHPASS_HZ) for i in range(x.shape[1])], axis=1)
        after = [dc_offset(x[:, i], rate) for i in range(x.shape[1])]
        done = {"method": "zero-phase high-pass per channel", "cutoff_hz": HIGHPASS_HZ}
        state.record(self.name, done, {"dc_offset": before}, {"dc_offset": after})
        state.channels = x


@register
class Downmix(AudioAction):
    """Make the clip mono: keep the live channel when the other is dead, keep the strongest
    when averaging would cancel, else average. Always runs: every later step is mono (an
    unplanned multichannel clip, which no plan produces, is averaged without a record)."""

    name = "downmix"
    order = 20
    answers = ("audio-channels",)
    always = True
    cases = (
        Case(
            "a dead channel is left out",
            lambda: _stereo(0.0),
            before={"channels": 2},
            after={"channels": 1},
            recorded={"method": "keep-live", "channels_used": [0]},
        ),
        Case(
            "anti-phase channels keep the strongest",
            lambda: _stereo(-0.9),
            recorded={"method": "keep-strongest", "channels_used": [0]},
        ),
        Case(
            "correlated channels are averaged",
            lambda: _stereo(0.8),
            recorded={"method": "average", "channels_used": [0, 1]},
        ),
    )

    def plan(self, ctx: PlanContext) -> dict[str, Any] | None:
        if not ctx.checks:
            return None
        balance = as_number(ctx.facts.get(C.CHANNEL_BALANCE_DB))
        return {
            "channels": as_number(ctx.facts.get(C.CHANNELS)),
            "balance_db": balance,
            "dead_channel_db": DEAD_CHANNEL_DB,
            "method": "keep-live"
            if balance is not None and balance >= DEAD_CHANNEL_DB
            else "average",
        }

    def apply(self, state: AudioState, params: Mapping[str, Any] | None) -> None:
        x = state.channels
        if params is not None and x.shape[1] > 1:
            method, keep = choose_downmix(x)
            power = channel_power_db(x)
            mono = x[:, keep].mean(axis=1) if len(keep) > 1 else x[:, keep[0]]
            state.record(
                self.name,
                {"method": method, "channels_used": keep, "dead_channel_db": DEAD_CHANNEL_DB},
                {"channels": x.shape[1], "channel_power_db": power},
                {"channels": 1},
            )
            x = mono[:, None]
        elif x.shape[1] > 1:
            x = x.mean(axis=1)[:, None]
        state.mono = np.ascontiguousarray(x[:, 0])


@register
class Resample(AudioAction):
    """Resample down to the edition's rate with soxr's very-high-quality filter."""

    name = "resample"
    order = 30
    answers = ("audio-samplerate-high",)
    cases = (
        Case(
            "96 kHz to 48 kHz",
            lambda: tone(1.0, rate=96000),
            params={"to_hz": 48000},
            before={"samplerate": 96000, "frames": 96000},
            after={"samplerate": 48000, "frames": 48000},
        ),
    )

    def plan(self, ctx: PlanContext) -> dict[str, Any] | None:
        if not ctx.checks:
            return None
        return {
            "from_hz": as_number(ctx.facts.get(C.SAMPLERATE)),
            "to_hz": ctx.profile.format.samplerate,
            "quality": "VHQ",
        }

    def apply(self, state: AudioState, params: Mapping[str, Any] | None) -> None:
        target = int((params or {})["to_hz"])
        mono = state.need_mono()
        if state.rate <= target:
            return
        out = np.asarray(soxr.resample(mono, state.rate, target, quality="VHQ"), dtype=np.float64)
        state.record(
            self.name,
            {"to_hz": target, "quality": "VHQ"},
            {"samplerate": state.rate, "frames": mono.size},
            {"samplerate": target, "frames": int(out.size)},
        )
        state.mono, state.rate = out, target


@register
class TrimSilence(AudioAction):
    """Cut leading/trailing silence down to the profile's padding, by the probe's own
    silence rule; a clip too long is cut at both ends. ValueError when no speech is found."""

    name = "trim-silence"
    order = 40
    answers = ("audio-silence-lead", "audio-silence-trail", "audio-too-long")
    cases = (
        Case(
            "one second each side down to 0.15 s",
            lambda: tone(2.0, pad_s=1.0),
            params={"lead": True, "trail": True, "keep_padding_s": 0.15},
            before={"lead_s": 1.0, "trail_s": 1.0, "duration_s": 4.0},
            after={"lead_s": 0.15, "trail_s": 0.15, "duration_s": 2.3},
            tol=0.025,
        ),
        Case(
            "only the lead when only the lead was flagged",
            lambda: tone(2.0, pad_s=1.0),
            params={"lead": True, "trail": False, "keep_padding_s": 0.15},
            after={"trail_s": 1.0, "duration_s": 3.15},
            tol=0.025,
        ),
        Case("silence has nothing to trim around", lambda: tone(1.0, level=0.0), raises=ValueError),
    )

    def plan(self, ctx: PlanContext) -> dict[str, Any] | None:
        if not ctx.checks:
            return None
        both = "audio-too-long" in ctx.checks
        return {
            "lead": both or "audio-silence-lead" in ctx.checks,
            "trail": both or "audio-silence-trail" in ctx.checks,
            "keep_padding_s": ctx.profile.silence.keep_padding_s,
            "lead_silence_s": as_number(ctx.facts.get(C.LEAD_SILENCE_S)),
            "trail_silence_s": as_number(ctx.facts.get(C.TRAIL_SILENCE_S)),
        }

    def apply(self, state: AudioState, params: Mapping[str, Any] | None) -> None:
        params = params or {}
        mono, rate = state.need_mono(), state.rate
        span = speech_span(mono, rate, state.settings)
        if span is None:
            raise ValueError("no speech found to trim around")
        first, end = span
        pad = round(float(params.get("keep_padding_s", 0.0)) * rate)
        start = max(0, first - pad) if params.get("lead") else 0
        stop = min(mono.size, end + pad) if params.get("trail") else mono.size
        out = mono[start:stop]
        after = speech_span(out, rate, state.settings)
        state.record(
            self.name,
            {
                "lead": bool(params.get("lead")),
                "trail": bool(params.get("trail")),
                "keep_padding_s": params.get("keep_padding_s"),
            },
            {
                "lead_s": round(first / rate, 4),
                "trail_s": round((mono.size - end) / rate, 4),
                "duration_s": round(mono.size / rate, 4),
            },
            {
                "lead_s": round(after[0] / rate, 4) if after else None,
                "trail_s": round((out.size - after[1]) / rate, 4) if after else None,
                "duration_s": round(out.size / rate, 4),
            },
        )
        state.mono = out


@register
class NormalizeLoudness(AudioAction):
    """EBU R128 integrated loudness to the profile's target, never past its peak ceiling
    (``fix --normalize-loudness``; needs pyloudnorm)."""

    name = "normalize-loudness"
    order = 50
    needs = ("pyloudnorm",)
    cases = (
        Case(
            "a quiet clip is brought to -23 LUFS",
            lambda: tone(3.0, rate=48000, level=0.05, hz=1000.0),
            params={"target_lufs": -23.0, "peak_ceiling_dbfs": -1.0},
            after={"lufs": -23.0, "limited_by_ceiling": False},
            tol=0.05,
        ),
        Case(
            "the peak ceiling limits the gain",
            lambda: tone(3.0, rate=48000, level=0.5, hz=1000.0),
            params={"target_lufs": -3.0, "peak_ceiling_dbfs": -1.0},
            after={"peak_dbfs": -1.0, "limited_by_ceiling": True},
            tol=0.01,
        ),
        Case(
            "shorter than one gating block is left alone",
            lambda: tone(0.2, rate=48000),
            params={"target_lufs": -23.0, "peak_ceiling_dbfs": -1.0},
            after={"skipped": "shorter than one 400 ms block"},
        ),
    )

    def plan(self, ctx: PlanContext) -> dict[str, Any] | None:
        if not ctx.normalize_loudness:
            return None
        return {
            "target_lufs": ctx.profile.loudness.target_lufs,
            "peak_ceiling_dbfs": ctx.profile.loudness.peak_ceiling_dbfs,
        }

    def apply(self, state: AudioState, params: Mapping[str, Any] | None) -> None:
        import pyloudnorm

        params = dict(params or {})
        mono, rate = state.need_mono(), state.rate
        if mono.size < LOUDNESS_MIN_S * rate:
            skipped = {"skipped": "shorter than one 400 ms block"}
            state.record(self.name, params, {"lufs": None}, skipped)
            return
        meter = pyloudnorm.Meter(rate)
        lufs = float(meter.integrated_loudness(mono))
        if not math.isfinite(lufs):
            skipped = {"skipped": "no measurable loudness"}
            state.record(self.name, params, {"lufs": None}, skipped)
            return
        peak = dbfs(mono)
        wanted = float(params["target_lufs"]) - lufs
        gain = min(wanted, float(params["peak_ceiling_dbfs"]) - peak)
        out = mono * 10 ** (gain / 20)
        state.record(
            self.name,
            params,
            {"lufs": round(lufs, 3), "peak_dbfs": peak},
            {
                "lufs": round(float(meter.integrated_loudness(out)), 3),
                "peak_dbfs": dbfs(out),
                "gain_db": round(gain, 3),
                "wanted_gain_db": round(wanted, 3),
                "limited_by_ceiling": gain < wanted,
            },
        )
        state.mono = out


@register
class PeakGuard(AudioAction):
    """Never planned, always run: when resampling overshoot or gain would clip at write,
    bring the peak to the profile's ceiling (recorded only when it acts)."""

    name = "peak-guard"
    order = 60
    always = True
    cases = (
        Case(
            "a float clip over full scale comes down to the ceiling",
            lambda: tone(1.0, level=1.5),
            before={"peak_dbfs": 3.52},
            after={"peak_dbfs": -1.0},
            tol=0.01,
        ),
    )

    def plan(self, ctx: PlanContext) -> dict[str, Any] | None:
        return None

    def apply(self, state: AudioState, params: Mapping[str, Any] | None) -> None:
        mono = state.need_mono()
        if float(np.max(np.abs(mono), initial=0.0)) * FULL_SCALE <= 32767:
            return
        ceiling = state.profile.loudness.peak_ceiling_dbfs
        before = dbfs(mono)
        out = mono * 10 ** ((ceiling - before) / 20)
        state.record(
            self.name,
            {"peak_ceiling_dbfs": ceiling},
            {"peak_dbfs": before},
            {"peak_dbfs": dbfs(out)},
        )
        state.mono = out


@register
class RewriteRiff(AudioAction):
    """An RF64/odd container is written again as a plain RIFF WAVE (the requantise step
    writes it; this records why)."""

    name = "rewrite-riff"
    order = 70
    answers = ("audio-container",)
    cases = (
        Case(
            "recorded as rf64 to wav",
            lambda: tone(0.5),
            before={"container": "rf64"},
            after={"container": "wav"},
        ),
    )

    def plan(self, ctx: PlanContext) -> dict[str, Any] | None:
        return {"container": "wav"} if ctx.checks else None

    def apply(self, state: AudioState, params: Mapping[str, Any] | None) -> None:
        state.record(self.name, {"container": "wav"}, {"container": "rf64"}, {"container": "wav"})


@register
class Requantise(AudioAction):
    """The last step of every rewritten clip: PCM_16 with TPDF dither, no dither when the
    samples already are exact 16-bit values. Planned (and shown in the plan) whenever any
    audio step is, or when the subtype itself was flagged."""

    name = "requantise"
    order = 80
    answers = ("audio-subtype",)
    always = True
    cases = (
        Case(
            "float to PCM_16 with dither",
            lambda: tone(0.5),
            params={"from": "FLOAT"},
            before={"subtype": "FLOAT"},
            after={"subtype": "PCM_16"},
            recorded={"dither": "tpdf"},
        ),
        Case(
            "exact 16-bit values are not dithered",
            lambda: (np.round(tone(0.5)[0] * FULL_SCALE) / FULL_SCALE, CASE_RATE),
            params={"from": "PCM_16"},
            recorded={"dither": "none"},
        ),
    )

    def plan(self, ctx: PlanContext) -> dict[str, Any] | None:
        if not (ctx.planned or ctx.checks):
            return None
        return {
            "subtype": "PCM_16",
            "dither": "tpdf unless exact",
            "from": as_text(ctx.facts.get(C.SUBTYPE)),
        }

    def apply(self, state: AudioState, params: Mapping[str, Any] | None) -> None:
        state.samples, dithered = to_pcm16(state.need_mono(), state.rng)
        state.record(
            self.name,
            {"subtype": "PCM_16", "dither": "tpdf" if dithered else "none"},
            {"subtype": (params or {}).get("from")},
            {"subtype": "PCM_16"},
        )
