"""Summarise a `make mutate` run: mutants killed, survived, timed out, per file and in total.

Reads mutmut's per-file records (``mutants/**/*.py.meta``, JSON with ``exit_code_by_key``)
and prints one line per mutated file and the score = killed / (killed + survived), the
share of the mutants that ran which some test noticed. Timeouts count as killed, as mutmut
does; mutants no test reaches are listed apart.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

# mutmut 3's exit codes (mutmut/stats.py): 1 and 3 kill, 0 survives, 5/33 no tests, ...
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
TIMEOUTS = {36, 24, -24, 152, 255}


def status(code: int | None) -> str:
    if code is None:
        return "not checked"
    if code in TIMEOUTS:
        return "timeout"
    return STATUS.get(code, "suspicious")


def main(root: Path) -> int:
    metas = sorted(root.glob("**/*.py.meta"))
    if not metas:
        print(f"no mutmut results under {root}/ (run `make mutate` first)", file=sys.stderr)
        return 1
    total: Counter[str] = Counter()
    print(
        f"{'file':45} {'mutants':>7} {'killed':>6} {'survived':>8} {'timeout':>7} {'no tests':>8}"
    )
    for meta in metas:
        codes = json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {})
        counts = Counter(status(c) for c in codes.values())
        total.update(counts)
        name = str(meta.relative_to(root))[: -len(".meta")]
        print(
            f"{name:45} {len(codes):7} {counts['killed']:6} {counts['survived']:8} "
            f"{counts['timeout']:7} {counts['no tests']:8}"
        )
    ran = total["killed"] + total["timeout"] + total["survived"]
    score = (total["killed"] + total["timeout"]) / ran if ran else 0.0
    print(
        f"\nscore {score:.1%}: {total['killed'] + total['timeout']} of {ran} mutants killed "
        f"({total['timeout']} by timeout), {total['survived']} survived, "
        f"{total['no tests']} reached by no test, {total['not checked']} not checked"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("mutants")))
