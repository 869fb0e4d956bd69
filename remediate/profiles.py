"""Edition profiles: every threshold the checks use, loaded from data files.

The profiles live in ``remediate/profiles/<name>.toml`` (basic, middle, advance,
flexus); each value is commented with where it comes from. A run picks one
(``--edition``) and may override any value with ``--set section.key=value``.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from remediate.errors import ConfigError

EDITIONS = ("basic", "middle", "advance", "flexus")
DEFAULT_EDITION = "basic"
#: Job languages (``text.language``; MetaStudio's ``language`` field).
LANGUAGES = ("CN", "EN")

#: MetaStudio ``job_type`` → profile name (THIRD_PARTY* record one long WAV like ADVANCE).
JOB_TYPE_TO_EDITION = {
    "BASIC": "basic",
    "MIDDLE": "middle",
    "ADVANCE": "advance",
    "FLEXUS": "flexus",
    "THIRD_PARTY": "advance",
    "THIRD_PARTY_LJZN": "advance",
}


@dataclass(frozen=True)
class FormatRules:
    subtype: str
    channels: int
    samplerate: int
    samplerate_min: int


@dataclass(frozen=True)
class DurationRules:
    min_s: float
    error_min_s: float
    max_s: float
    total_min_s: float  # the whole corpus (0 = no bound)
    total_max_s: float


@dataclass(frozen=True)
class LevelRules:
    silent_peak_dbfs: float
    quiet_rms_dbfs: float
    error_quiet_rms_dbfs: float
    clip_level: int
    clip_warn_samples: int
    clip_error_fraction: float
    clip_error_run: int
    dc_offset_max: float
    peak_target_dbfs: float


@dataclass(frozen=True)
class SilenceRules:
    frame_s: float
    relative_db: float
    absolute_dbfs: float
    max_edge_s: float
    error_max_edge_s: float
    keep_padding_s: float
    min_speech_ratio: float
    error_min_speech_ratio: float


@dataclass(frozen=True)
class NoiseRules:
    max_noise_floor_dbfs: float
    error_max_noise_floor_dbfs: float
    min_snr_db: float
    error_min_snr_db: float
    min_bandwidth_ratio: float
    fake_rate_bandwidth_hz: float


@dataclass(frozen=True)
class LoudnessRules:
    measure: bool
    target_lufs: float
    peak_ceiling_dbfs: float


@dataclass(frozen=True)
class DnsmosRules:
    measure: bool
    ovrl_warning_min: float
    ovrl_error_min: float
    bak_warning_min: float
    bak_error_min: float


@dataclass(frozen=True)
class SpeakerRules:
    change_warning: float
    change_error: float
    outlier_warning: float
    outlier_error: float
    outlier_ratio: float
    min_pairs: int


@dataclass(frozen=True)
class ReverbRules:
    max_rt60_s: float
    error_max_rt60_s: float


@dataclass(frozen=True)
class ClickRules:
    max_dbfs: float
    error_max_dbfs: float


@dataclass(frozen=True)
class RateRules:
    ratio_max: float
    error_ratio_max: float
    ratio_min: float
    error_ratio_min: float
    min_pairs: int


@dataclass(frozen=True)
class CpsRules:
    latin_min: float
    latin_max: float
    han_min: float
    han_max: float
    error_latin_min: float
    error_latin_max: float
    error_han_min: float
    error_han_max: float


@dataclass(frozen=True)
class TextRules:
    max_chars: int
    cps_iqr_k: float
    cps_min_pairs: int
    language: str
    cps: CpsRules


@dataclass(frozen=True)
class Profile:
    """All thresholds of one edition; immutable, hashable into the scan cache key."""

    name: str
    job_type: str
    description: str
    pairs_required: int
    per_sentence: bool
    format: FormatRules
    duration: DurationRules
    level: LevelRules
    silence: SilenceRules
    noise: NoiseRules
    loudness: LoudnessRules
    text: TextRules
    dnsmos: DnsmosRules
    speaker: SpeakerRules
    reverb: ReverbRules
    clicks: ClickRules
    rate: RateRules
    overrides: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """The profile as plain data (for JSON summaries and cache keys)."""
        return dataclasses.asdict(self)


def _build(cls: type[Any], data: dict[str, Any], where: str) -> Any:
    """Build a (nested) frozen dataclass from TOML data, rejecting unknown or missing keys."""
    kwargs: dict[str, Any] = {}
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "overrides"}
    unknown = set(data) - set(fields)
    if unknown:
        raise ConfigError(f"unknown profile key(s) {', '.join(sorted(unknown))} in {where}")
    for name, f in fields.items():
        if name not in data:
            raise ConfigError(f"profile {where} lacks '{name}'")
        value = data[name]
        ftype = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        sub = _NESTED.get(ftype)
        if sub is not None:
            if not isinstance(value, dict):
                raise ConfigError(f"profile {where}.{name} must be a table")
            kwargs[name] = _build(sub, value, f"{where}.{name}")
        else:
            kwargs[name] = _coerce(value, ftype, f"{where}.{name}")
    return cls(**kwargs)


def _coerce(value: Any, ftype: str, where: str) -> Any:
    if ftype == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false", "1", "0", "yes", "no"}:
            return value.lower() in {"true", "1", "yes"}
    elif ftype == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
    elif ftype == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
    elif ftype == "str":
        return str(value)
    raise ConfigError(f"{where} = {value!r} is not a valid {ftype}")


_NESTED: dict[str, type[Any]] = {
    "FormatRules": FormatRules,
    "DurationRules": DurationRules,
    "LevelRules": LevelRules,
    "SilenceRules": SilenceRules,
    "NoiseRules": NoiseRules,
    "LoudnessRules": LoudnessRules,
    "TextRules": TextRules,
    "CpsRules": CpsRules,
    "DnsmosRules": DnsmosRules,
    "SpeakerRules": SpeakerRules,
    "ReverbRules": ReverbRules,
    "ClickRules": ClickRules,
    "RateRules": RateRules,
}


def profile_text(name: str) -> str:
    """The TOML source of a bundled profile (comments say where each value comes from)."""
    if name not in EDITIONS:
        raise ConfigError(f"unknown edition '{name}'", hint=f"choose one of {', '.join(EDITIONS)}")
    return (resources.files("remediate") / "profiles" / f"{name}.toml").read_text("utf-8")


def load_profile(name: str, overrides: tuple[str, ...] | list[str] = ()) -> Profile:
    """Load a bundled edition profile and apply ``section.key=value`` overrides.

    Raises ConfigError for an unknown edition, an unknown key, a value of the wrong type, or
    one outside what the key allows (:mod:`remediate.profile_rules`).
    """
    data = tomllib.loads(profile_text(name))
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"override '{item}' is not of the form section.key=value")
        parts = key.strip().split(".")
        node: dict[str, Any] = data
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                raise ConfigError(f"override '{item}': no section '{part}' in the profile")
            node = child
        leaf = parts[-1]
        if leaf not in node or isinstance(node[leaf], dict):
            raise ConfigError(f"override '{item}': no setting '{key.strip()}' in the profile")
        node[leaf] = raw.strip()
    profile: Profile = _build(Profile, data, name)
    from remediate.profile_rules import validate

    validate(profile)
    return dataclasses.replace(profile, overrides=tuple(overrides))
