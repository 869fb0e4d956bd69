"""The repair registry: one class per action, applied in the order they declare.

An action names the checks it answers (``answers``), plans its parameters for one pair
from that pair's fixable findings and measurements (``plan``), applies itself to the
samples or the text (``apply``), and carries a few input/output ``cases`` that
``tests/test_fix_actions.py`` runs. The planner (:mod:`remediate.fix.plan`), the
pipeline below (``process_audio``, ``process_text``) and ``remediate checks`` (which
check a fix answers) all read this registry; nothing else names an action.

Adding a repair is one class in :mod:`remediate.fix.audio_actions` or
:mod:`remediate.fix.text_actions`, decorated with :func:`register`: pick its ``order``
among the others, list the fixable checks it ``answers``, write ``plan`` and ``apply``,
give it a case or two. The README's "Adding a check or a repair" shows one.

Audio state: ``AudioState.channels`` is the (frames, channels) float signal until the
downmix step (which always runs), ``AudioState.mono`` the mono signal after it; the
requantise step writes ``AudioState.samples`` (int16). Every applied step appends a
record with the values it measured before and after.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final, Literal, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from remediate import columns as C
from remediate.audio.probe import ProbeSettings
from remediate.fix.repair import json_text
from remediate.profiles import Profile

#: Planner rows that are not repairs: copy a file as it is, or leave the pair out.
COPY_AUDIO: Final = "copy-audio"
COPY_TEXT: Final = "copy-text"
DROP: Final = "drop"

Samples = npt.NDArray[np.float64]


def as_number(value: Any) -> float | None:
    """A measurement as a float; None for missing, NA, NaN or non-numbers."""
    if value is None or value is pd.NA:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def as_text(value: Any) -> str | None:
    """A measurement as text; None for anything that is not a string."""
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class PlanContext:
    """What an action's ``plan`` may look at for one pair.

    checks: the pair's fixable error/warning checks this action answers, in finding order.
    facts: the pair's measurements row.
    planned: the audio actions already planned for the pair (registry order).
    normalize_loudness: ``fix --normalize-loudness`` was given.
    """

    checks: tuple[str, ...]
    facts: Mapping[str, Any]
    profile: Profile
    planned: tuple[str, ...] = ()
    normalize_loudness: bool = False


@dataclass(frozen=True)
class Case:
    """One worked example an action carries and a test runs.

    given: text bytes, or a function returning (float samples, rate).
    params: the planned parameters the action gets.
    before/after/recorded: expected values (a subset; numbers within ``tol``) in the
    action's record (value_before, value_after, parameters); output: the exact text bytes written; raises: the exception expected instead.
    """

    name: str
    given: bytes | Callable[[], tuple[Samples, int]]
    params: Mapping[str, Any] = field(default_factory=dict)
    before: Mapping[str, Any] = field(default_factory=dict)
    after: Mapping[str, Any] = field(default_factory=dict)
    recorded: Mapping[str, Any] = field(default_factory=dict)
    output: bytes | None = None
    raises: type[Exception] | None = None
    tol: float = 1e-6


#: The rate of the generated case inputs.
CASE_RATE: Final = 16000


def tone(
    seconds: float = 1.0,
    *,
    rate: int = CASE_RATE,
    level: float = 0.3,
    hz: float = 200.0,
    offset: float = 0.0,
    pad_s: float = 0.0,
) -> tuple[Samples, int]:
    """A sine (200 Hz: whole cycles in every 20 ms frame) with ``pad_s`` of silence on both
    sides and a constant ``offset``: the input of the cases below."""
    t = np.arange(round(seconds * rate)) / rate
    pad = np.zeros(round(pad_s * rate))
    x = np.concatenate((pad, level * np.sin(2 * np.pi * hz * t), pad)) + offset
    return x, rate


class _State:
    """What the steps of one pair append their records to."""

    def __init__(self, checks: Mapping[str, str]) -> None:
        self.checks = dict(checks)
        self.records: list[dict[str, Any]] = []

    def record(self, action: str, params: Any, before: Any, after: Any) -> None:
        """Log one applied step: the finding(s) it answers and its measured before/after."""
        self.records.append(
            {
                C.ACTION: action,
                C.CHECK: self.checks.get(action, ""),
                C.PARAMETERS: json_text(params),
                C.VALUE_BEFORE: json_text(before),
                C.VALUE_AFTER: json_text(after),
            }
        )


class AudioState(_State):
    """One clip on its way through the audio steps (see the module docstring)."""

    def __init__(
        self,
        x: Samples,
        rate: int,
        profile: Profile,
        settings: ProbeSettings,
        seed: int,
        checks: Mapping[str, str],
    ) -> None:
        super().__init__(checks)
        self.channels = x[:, None] if x.ndim == 1 else x
        self.mono: Samples | None = None
        self.rate = rate
        self.profile = profile
        self.settings = settings
        self.rng = np.random.default_rng(seed)
        self.samples: npt.NDArray[np.int16] | None = None

    def need_mono(self) -> Samples:
        """The mono signal; only steps ordered after the downmix may ask for it."""
        if self.mono is None:
            raise RuntimeError("a mono step is ordered before the downmix")
        return self.mono


class TextState(_State):
    """One transcript's bytes on their way through the text steps."""

    def __init__(self, data: bytes, checks: Mapping[str, str]) -> None:
        super().__init__(checks)
        self.data = data


class Action:
    """A repair. Subclass AudioAction or TextAction, not this."""

    name: ClassVar[str]
    kind: ClassVar[Literal["audio", "text"]]
    #: Position in the pipeline (audio and text each run in ascending order).
    order: ClassVar[int]
    #: The fixable check codes this action repairs.
    answers: ClassVar[tuple[str, ...]] = ()
    #: Runs for every written clip even when not planned (it decides itself what to do).
    always: ClassVar[bool] = False
    cases: ClassVar[tuple[Case, ...]] = ()
    #: Optional modules the action imports when it runs (its cases are skipped without them).
    needs: ClassVar[tuple[str, ...]] = ()

    def plan(self, ctx: PlanContext) -> dict[str, Any] | None:
        """The parameters to plan for a pair, or None to leave the action out. By default
        planned, without parameters, when one of the checks it answers fired."""
        return {} if ctx.checks else None


class AudioAction(Action):
    """A step on the samples (see :class:`AudioState`)."""

    kind: ClassVar[Literal["audio", "text"]] = "audio"

    def apply(self, state: AudioState, params: Mapping[str, Any] | None) -> None:
        """Change ``state`` and record what was done; ``params`` is None when not planned
        (only for ``always`` steps). Raise ValueError when the step cannot be done."""
        raise NotImplementedError


class TextAction(Action):
    """A step on the transcript's bytes."""

    kind: ClassVar[Literal["audio", "text"]] = "text"

    def apply(self, state: TextState, params: Mapping[str, Any]) -> None:
        """Rewrite ``state.data`` and record it; raise ValueError, UnicodeDecodeError or
        LookupError when the text cannot be repaired."""
        raise NotImplementedError


_REGISTRY: dict[str, Action] = {}
A = TypeVar("A", bound=type[Action])


def register(cls: A) -> A:
    """Class decorator: add one instance of ``cls`` to the registry (unique name and order)."""
    action = cls()
    if action.name in _REGISTRY or action.name in (COPY_AUDIO, COPY_TEXT, DROP):
        raise ValueError(f"repair action {action.name!r} is registered twice")
    same = [a.name for a in _REGISTRY.values() if a.kind == action.kind and a.order == cls.order]
    if same:
        raise ValueError(f"repair action {action.name!r} has the order of {same[0]!r}")
    _REGISTRY[action.name] = action
    return cls


def unregister(name: str) -> None:
    """Remove an action (for tests that register a toy one)."""
    _REGISTRY.pop(name, None)


def _load() -> None:
    from remediate.fix import audio_actions, text_actions  # noqa: F401  (they register)


def actions(kind: str | None = None) -> Iterator[Action]:
    """Registered actions of ``kind`` ("audio", "text", or both), in pipeline order."""
    _load()
    chosen = [a for a in _REGISTRY.values() if kind is None or a.kind == kind]
    yield from sorted(chosen, key=lambda a: (a.kind, a.order))


def action(name: str) -> Action:
    """The registered action called ``name`` (KeyError when none is)."""
    _load()
    return _REGISTRY[name]


def check_actions() -> dict[str, str]:
    """Which action answers each fixable check: check code → action name."""
    return {check: a.name for a in actions() for check in a.answers}


def audio_action_names() -> tuple[str, ...]:
    """The names of the audio steps, in pipeline order."""
    return tuple(a.name for a in actions("audio"))


def text_action_names() -> tuple[str, ...]:
    """The names of the text steps, in pipeline order."""
    return tuple(a.name for a in actions("text"))


# --- planning one pair ---------------------------------------------------------------------


def plan_pair(
    wanted: list[str], facts: Mapping[str, Any], profile: Profile, normalize_loudness: bool
) -> list[tuple[str, str, dict[str, Any]]]:
    """(action, checks, parameters) for a pair whose fixable checks are ``wanted`` (each
    answered by a registered action): its audio steps (or ``copy-audio``), then its text
    steps (or ``copy-text``). ``checks`` joins the answered codes with commas."""
    routes = check_actions()
    out: list[tuple[str, str, dict[str, Any]]] = []
    for kind, fallback in (("audio", COPY_AUDIO), ("text", COPY_TEXT)):
        planned: list[tuple[str, str, dict[str, Any]]] = []
        for a in actions(kind):
            mine = tuple(c for c in wanted if routes.get(c) == a.name)
            names = tuple(p[0] for p in planned)
            ctx = PlanContext(mine, facts, profile, names, normalize_loudness)
            params = a.plan(ctx)
            if params is not None:
                planned.append((a.name, ",".join(mine), params))
        out.extend(planned or [(fallback, "", {})])
    return out


# --- applying ----------------------------------------------------------------------------


def process_audio(
    x: Samples,
    rate: int,
    steps: list[tuple[str, str, dict[str, Any]]],
    profile: Profile,
    settings: ProbeSettings,
    seed: int,
) -> AudioState:
    """Apply planned audio steps ``(action, check, parameters)`` to (frames[, channels])
    float samples in registry order, plus the ``always`` steps; always ends as int16 in
    ``samples``. Raises ValueError when a step cannot be done (e.g. no speech to trim)."""
    planned = {name: params for name, _, params in steps}
    state = AudioState(x, rate, profile, settings, seed, {n: c for n, c, _ in steps})
    for a in actions("audio"):
        if a.name in planned or a.always:
            assert isinstance(a, AudioAction)
            a.apply(state, planned.get(a.name))
    if state.samples is None:
        raise RuntimeError("the audio steps ended without int16 samples")
    return state


def process_text(data: bytes, steps: list[tuple[str, str, dict[str, Any]]]) -> TextState:
    """Apply planned text steps ``(action, check, parameters)`` to transcript bytes."""
    planned = {name: params for name, _, params in steps}
    state = TextState(data, {n: c for n, c, _ in steps})
    for a in actions("text"):
        if a.name in planned or a.always:
            assert isinstance(a, TextAction)
            a.apply(state, planned.get(a.name, {}))
    return state
