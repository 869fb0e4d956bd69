"""The repair registry: every action's own cases, the registry's invariants, and a toy
action registered the way the README shows, seen by the planner and the pipeline."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest

from remediate import columns as C
from remediate.audio.probe import ProbeSettings
from remediate.checks import CHECKS
from remediate.fix import actions as A
from remediate.fix.plan import plan_fixes
from remediate.profiles import load_profile

PROFILE = load_profile("basic")
CASES = [
    pytest.param(action, case, id=f"{action.name}: {case.name}")
    for action in A.actions()
    for case in action.cases
]


def matches(expected: Any, actual: Any, tol: float) -> bool:
    """``expected`` is a subset of ``actual``; numbers equal within ``tol``."""
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            k in actual and matches(v, actual[k], tol) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(matches(e, a, tol) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, float) and isinstance(actual, int | float):
        return not isinstance(actual, bool) and abs(actual - expected) <= tol
    return bool(expected == actual and type(expected) is type(actual))


def run_case(action: A.Action, case: A.Case) -> list[dict[str, Any]]:
    step = [(action.name, "case", dict(case.params))]
    if action.kind == "text":
        assert isinstance(case.given, bytes)
        text = A.process_text(case.given, step)
        if case.output is not None:
            assert text.data == case.output
        return text.records
    assert callable(case.given)
    x, rate = case.given()
    audio = A.process_audio(x, rate, step, PROFILE, ProbeSettings(), seed=0)
    assert audio.samples is not None and audio.samples.dtype == np.int16
    return audio.records


@pytest.mark.parametrize(("action", "case"), CASES)
def test_action_case(action: A.Action, case: A.Case) -> None:
    for module in action.needs:
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{action.name} needs {module}")
    if case.raises is not None:
        with pytest.raises(case.raises):
            run_case(action, case)
        return
    records = [r for r in run_case(action, case) if r[C.ACTION] == action.name]
    assert len(records) == 1, f"{action.name} recorded {len(records)} times"
    record = records[0]
    if action.name != "peak-guard":
        assert record[C.CHECK] == "case"  # the planned check is carried to the log
    for key, expected in (
        (C.VALUE_BEFORE, case.before),
        (C.VALUE_AFTER, case.after),
        (C.PARAMETERS, case.recorded),
    ):
        actual = json.loads(record[key])
        assert matches(dict(expected), actual, case.tol), (key, expected, actual)


def test_the_matcher_can_fail() -> None:
    assert matches({"a": 1.0, "b": [1, 2]}, {"a": 1.0000001, "b": [1, 2], "c": 3}, 1e-6)
    assert not matches({"a": 1.0}, {"a": 1.1}, 0.01)
    assert not matches({"a": [1]}, {"a": [1, 2]}, 0.0)
    assert not matches({"a": True}, {"a": 1}, 0.0)
    assert not matches({"missing": 1}, {}, 0.0)


def test_every_action_carries_a_case_and_a_docstring() -> None:
    for action in A.actions():
        assert action.cases, f"{action.name} has no case"
        assert (type(action).__doc__ or "").strip(), f"{action.name} has no docstring"


def test_every_fixable_check_is_answered_by_exactly_one_action() -> None:
    fixable = {c.code for c in CHECKS.values() if c.fixable}
    answered = [check for a in A.actions() for check in a.answers]
    assert len(answered) == len(set(answered)), "a check is answered by two actions"
    assert fixable <= set(answered), fixable - set(answered)
    assert set(answered) <= set(CHECKS), set(answered) - set(CHECKS)


def test_pipeline_order_is_the_declared_one() -> None:
    assert A.audio_action_names() == (
        "remove-dc",
        "downmix",
        "resample",
        "trim-silence",
        "normalize-loudness",
        "peak-guard",
        "rewrite-riff",
        "requantise",
    )
    assert [a.name for a in A.actions("text")] == ["clean-text"]


def test_registering_twice_or_on_a_taken_order_is_refused() -> None:
    class Again(A.AudioAction):
        name = "remove-dc"
        order = 999

    class SameOrder(A.AudioAction):
        name = "something-new"
        order = 10

    with pytest.raises(ValueError, match="registered twice"):
        A.register(Again)
    with pytest.raises(ValueError, match="has the order of 'remove-dc'"):
        A.register(SameOrder)
    assert "something-new" not in A.audio_action_names()


def test_a_mono_step_before_the_downmix_is_a_programming_error() -> None:
    state = A.AudioState(np.zeros(10), 16000, PROFILE, ProbeSettings(), 0, {})
    with pytest.raises(RuntimeError, match="before the downmix"):
        state.need_mono()


# --- a toy repair, registered the way the README's "Adding a repair" shows ------------------


@pytest.fixture
def invert_polarity() -> Iterator[type[A.AudioAction]]:
    @A.register
    class InvertPolarity(A.AudioAction):
        """Flip the sign of every sample."""

        name = "invert-polarity"
        order = 45  # after the trim, before loudness
        answers = ("audio-dc-offset",)  # borrowed for the test: no check of its own
        cases = (A.Case("flips", lambda: (np.full(100, 0.25), 16000)),)

        def apply(self, state: A.AudioState, params: Mapping[str, Any] | None) -> None:
            before = float(state.need_mono()[0])
            state.mono = -state.need_mono()
            state.record(self.name, {}, {"first": before}, {"first": float(state.mono[0])})

    dc = A.action("remove-dc")
    answers = type(dc).answers
    type(dc).answers = ()  # one action per check: the toy takes it over for the test
    try:
        yield InvertPolarity
    finally:
        type(dc).answers = answers
        A.unregister("invert-polarity")


def test_a_toy_action_is_planned_and_applied(invert_polarity: type[A.AudioAction]) -> None:
    assert "invert-polarity" in A.audio_action_names()
    assert A.check_actions()["audio-dc-offset"] == "invert-polarity"
    steps = A.plan_pair(["audio-dc-offset"], {}, PROFILE, normalize_loudness=False)
    assert [(a, c) for a, c, _ in steps] == [
        ("invert-polarity", "audio-dc-offset"),
        ("requantise", ""),
        ("copy-text", ""),
    ]
    out = A.process_audio(np.full(100, 0.25), 16000, steps, PROFILE, ProbeSettings(), seed=0)
    assert out.samples is not None and int(out.samples[0]) == -8192
    assert [r[C.ACTION] for r in out.records] == ["invert-polarity", "requantise"]
    assert json.loads(out.records[0][C.VALUE_AFTER]) == {"first": -0.25}


def test_a_toy_action_reaches_the_plan_frame(invert_polarity: type[A.AudioAction]) -> None:
    report = pd.DataFrame({C.PAIR_ID: ["0"], C.VERDICT: [C.VERDICT_FIX], C.REASONS: [None]})
    findings = pd.DataFrame(
        {
            C.PAIR_ID: ["0"],
            C.CHECK: ["audio-dc-offset"],
            C.FIXABLE: [True],
            C.SEVERITY: [C.SEVERITY_ERROR],
        }
    )
    measurements = pd.DataFrame({C.PAIR_ID: ["0"]})
    plan = plan_fixes(report, findings, measurements, PROFILE)
    assert list(plan[C.ACTION]) == ["invert-polarity", "requantise", "copy-text"]


def test_a_check_no_action_answers_drops_the_pair() -> None:
    import pandas as pd

    report = pd.DataFrame({C.PAIR_ID: ["0"], C.VERDICT: [C.VERDICT_FIX], C.REASONS: [None]})
    findings = pd.DataFrame(
        {C.PAIR_ID: ["0"], C.CHECK: ["made-up"], C.FIXABLE: [True], C.SEVERITY: ["error"]}
    )
    plan = plan_fixes(report, findings, pd.DataFrame({C.PAIR_ID: ["0"]}), PROFILE)
    assert list(plan[C.ACTION]) == ["drop"]
    assert json.loads(plan[C.PARAMETERS][0]) == {"reasons": ["no fix implemented for made-up"]}


def test_a_planned_action_without_its_module_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from remediate.errors import FixError
    from remediate.fix import command

    plan = pd.DataFrame({C.ACTION: ["copy-audio", "normalize-loudness", "requantise"]})
    real = importlib.util.find_spec
    monkeypatch.setattr(
        command.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "pyloudnorm" else real(name, *a),
    )
    with pytest.raises(
        FixError, match=r"normalize-loudness \(--normalize-loudness\) needs pyloudnorm"
    ):
        command._require_modules(plan)
    command._require_modules(plan[plan[C.ACTION] != "normalize-loudness"])  # nothing needed
