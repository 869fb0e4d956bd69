"""Regenerate notebooks/explore_report.ipynb (committed without outputs).

Run: .venv/bin/python scripts/make_notebook.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# Explore a remediate report\n\n"
        "Loads the outputs of `remediate run` (by default `out/demo`, produced from the bundled\n"
        "`sample_dataset/` through the library when absent) and shows what the audit said, what\n"
        "the local checks found, and the verdict per pair. Set `OUT` to any run directory."
    ),
    new_code_cell(
        "from pathlib import Path\n\n"
        "import matplotlib.pyplot as plt\n"
        "import pandas as pd\n\n"
        "import remediate\n"
        "from remediate.audio.probe import envelope\n\n"
        "ROOT = Path.cwd() if (Path.cwd() / 'sample_dataset').exists() else Path.cwd().parent\n"
        "OUT = ROOT / 'out' / 'demo'\n"
        "CORPUS = ROOT / 'sample_dataset'\n"
        "if not (OUT / 'summary.json').exists():\n"
        "    remediate.run(remediate.Config(corpus=CORPUS, out=OUT,\n"
        "                                   audit_file=CORPUS / 'audit-result.json'))\n"
        "report = pd.read_parquet(OUT / 'report.parquet')\n"
        "findings = pd.read_parquet(OUT / 'findings.parquet')\n"
        "audit = pd.read_parquet(OUT / 'audit_errors.parquet')\n"
        "print(remediate.__version__, len(report), 'report rows')"
    ),
    new_markdown_cell(
        "## Verdicts\n\nEvery pair gets keep / fix / drop; audit entries that match no pair are `unmatched`."
    ),
    new_code_cell(
        "verdicts = report['verdict'].value_counts().reindex(['keep', 'fix', 'drop', 'unmatched'], fill_value=0)\n"
        "verdicts"
    ),
    new_markdown_cell(
        "## What the audit said\n\nOne row per system error, plus the administrator's message."
    ),
    new_code_cell("audit[['entry_id', 'source', 'audio_name', 'error_code', 'error_message']]"),
    new_code_cell("audit['error_code'].value_counts(dropna=False)"),
    new_markdown_cell("## Local findings by check and severity"),
    new_code_cell(
        "findings.pivot_table(index='check', columns='severity', values='message',\n"
        "                     aggfunc='count', fill_value=0)"
    ),
    new_markdown_cell(
        "## Clip durations by verdict\n\nMetaStudio wants 5–15 s per sentence (dashed lines)."
    ),
    new_code_cell(
        "pairs = report[report['pair_id'].notna() & report['duration_s'].notna()]\n"
        "fig, ax = plt.subplots(figsize=(8, 3))\n"
        "for verdict, group in pairs.groupby('verdict'):\n"
        "    ax.hist(group['duration_s'], bins=range(0, 20), alpha=0.6, label=verdict)\n"
        "for limit in (5, 15):\n"
        "    ax.axvline(limit, color='k', linestyle='--', linewidth=1)\n"
        "ax.set_xlabel('duration (s)')\n"
        "ax.set_ylabel('pairs')\n"
        "ax.legend()\n"
        "plt.show()"
    ),
    new_markdown_cell("## Waveforms of the clips the audit flagged"),
    new_code_cell(
        "flagged = report[report['audit_error_codes'].map(len).gt(0) & report['pair_id'].notna()\n"
        "                 & report['audio_name'].notna()]\n"
        "fig, axes = plt.subplots(len(flagged), 1, figsize=(9, 1.6 * len(flagged)), squeeze=False)\n"
        "for ax, row in zip(axes[:, 0], flagged.itertuples()):\n"
        "    t, low, high = envelope(CORPUS / row.audio_name)\n"
        "    ax.fill_between(t, low, high, linewidth=0)\n"
        "    ax.set_ylim(-1.05, 1.05)\n"
        "    ax.set_title(f'{row.audio_name}: {row.verdict} ({\", \".join(row.audit_error_codes)})', fontsize=9)\n"
        "fig.tight_layout()\n"
        "plt.show()"
    ),
    new_markdown_cell("## Reasons, pair by pair"),
    new_code_cell(
        "pd.set_option('display.max_colwidth', 200)\n"
        "report.loc[report['verdict'] != 'keep', ['pair_id', 'audio_name', 'verdict', 'reasons']]"
    ),
]


def main() -> None:
    nb = new_notebook(cells=CELLS)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = Path(__file__).resolve().parent.parent / "notebooks" / "explore_report.ipynb"
    nbformat.write(nb, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
