"""The probe's measurements of the sample clips against a stored reference (issue 14).

Speed work on the measures must not move their values: the reference was written by the
probe before that work, and every measurement of every sample clip must match it, exactly
for counts and text, within float rounding (the stored values are rounded to 2-6 decimals,
so one step of the last digit) for the rest. Rewrite it only for an intended change of a
measure, and say so in the commit:

    python tests/test_probe_reference.py --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from remediate.audio.probe import probe
from remediate.audio.stream import ProbeSettings

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).resolve().parent / "data" / "probe_reference.json"
#: Relative and absolute slack for floats: the values are rounded when measured, so a
#: difference in the 15th digit can move one of them by a step of its last kept digit.
REL, ABS = 1e-6, 0.011


def measure_samples() -> dict[str, dict[str, Any]]:
    clips = sorted((ROOT / "sample_dataset").glob("*.wav"))
    return {p.name: probe(p, ProbeSettings()).as_dict() for p in clips}


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, int | float):
        return actual == pytest.approx(expected, rel=REL, abs=ABS)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(_same, expected, actual))
    return bool(expected == actual)


def test_sample_measurements_match_the_reference() -> None:
    reference = json.loads(REFERENCE.read_text("utf-8"))
    measured = json.loads(json.dumps(measure_samples()))  # the same types as the stored ones
    assert sorted(measured) == sorted(reference)
    moved = [
        (clip, column, value, measured[clip].get(column))
        for clip, values in reference.items()
        for column, value in values.items()
        if not _same(value, measured[clip].get(column))
    ]
    assert not moved, moved


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    REFERENCE.write_text(json.dumps(measure_samples(), indent=1, sort_keys=True) + "\n", "utf-8")
