"""Regenerate notebooks/explore_report.ipynb (committed without outputs).

Run: .venv/bin/python scripts/make_notebook.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# Explore a remediate run\n\n"
        "Loads the output folder of `remediate run` or `remediate scan` and shows what the audit\n"
        "said, what the local checks found, and the verdict per pair; then, for every pair that\n"
        "needs attention, its picture and a player. Point it at any folder with the environment\n"
        "variable `REMEDIATE_RUN_DIR` (`make notebooks RUN=out/job-123`) or by editing `OUT`\n"
        "below. Without one it uses `out/demo`, made from the bundled `sample_dataset/` when\n"
        "absent. The audio comes from the corpus **the run was made from** (its root is in the\n"
        "run's metadata), not from the sample."
    ),
    new_code_cell(
        "import html\n"
        "import os\n"
        "from pathlib import Path\n\n"
        "import matplotlib.pyplot as plt\n"
        "import pandas as pd\n"
        "from IPython.display import Audio, Image, Markdown, display\n\n"
        "import remediate\n"
        "from remediate.audio.probe import read_samples\n"
        "from remediate.html.media import picture\n"
        "from remediate.report import read_metadata\n\n"
        "ROOT = Path.cwd() if (Path.cwd() / 'sample_dataset').exists() else Path.cwd().parent\n"
        "OUT = Path(os.environ.get('REMEDIATE_RUN_DIR') or ROOT / 'out' / 'demo')\n"
        "if not (OUT / 'summary.json').exists() and not os.environ.get('REMEDIATE_RUN_DIR'):\n"
        "    sample = ROOT / 'sample_dataset'\n"
        "    remediate.run(remediate.Config(corpus=sample, out=OUT,\n"
        "                                   audit_file=sample / 'audit-result.json'))\n"
        "meta = read_metadata(OUT / 'report.parquet')\n"
        "CORPUS = Path(meta['corpus_root'])\n"
        "report = pd.read_parquet(OUT / 'report.parquet')\n"
        "findings = pd.read_parquet(OUT / 'findings.parquet')\n"
        "measurements = pd.read_parquet(OUT / 'measurements.parquet')\n"
        "audit_path = OUT / 'audit_errors.parquet'\n"
        "audit = pd.read_parquet(audit_path) if audit_path.exists() else None\n"
        "print(f'run folder {OUT}')\n"
        "print(f'corpus     {CORPUS}')\n"
        "print(f'{len(report)} report rows; ' + ('audit: ' + str(meta[\"audit_source\"]) if audit is not None\n"
        "      else 'a scan: no audit result'))"
    ),
    new_markdown_cell(
        "## Verdicts\n\nEvery pair gets keep / fix / drop; audit entries that match no pair are `unmatched`."
    ),
    new_code_cell(
        "report['verdict'].value_counts().reindex(['keep', 'fix', 'drop', 'unmatched'], fill_value=0)"
    ),
    new_markdown_cell(
        "## What the audit said\n\nOne row per system error, plus the administrator's message."
    ),
    new_code_cell(
        "if audit is None:\n"
        "    display(Markdown('This folder was written by `remediate scan`: there is no audit result.'))\n"
        "else:\n"
        "    display(audit[['entry_id', 'source', 'audio_name', 'error_code', 'error_message']])\n"
        "    display(audit['error_code'].value_counts(dropna=False))"
    ),
    new_markdown_cell("## Local findings by check and severity"),
    new_code_cell(
        "if len(findings):\n"
        "    display(findings.pivot_table(index='check', columns='severity', values='message',\n"
        "                                 aggfunc='count', fill_value=0))\n"
        "else:\n"
        "    display(Markdown('No findings: every check passed on every pair.'))"
    ),
    new_markdown_cell(
        "## Measures by verdict\n\n"
        "Stacked histograms: how duration, peak level and signal-to-noise ratio spread over the\n"
        "pairs of each verdict. MetaStudio wants 5–15 s per sentence (dashed lines)."
    ),
    new_code_cell(
        "pairs = report[report['pair_id'].notna()].merge(\n"
        "    measurements[['pair_id', 'peak_dbfs', 'snr_db']], on='pair_id', how='left')\n"
        "verdicts = [v for v in ('keep', 'fix', 'drop') if (pairs['verdict'] == v).any()]\n"
        "colours = {'keep': '#1e7b34', 'fix': '#d39a1b', 'drop': '#b3261e'}\n"
        "fig, axes = plt.subplots(1, 3, figsize=(13, 3.2))\n"
        "for ax, (column, label) in zip(axes, [('duration_s', 'duration (s)'),\n"
        "                                      ('peak_dbfs', 'peak (dBFS)'), ('snr_db', 'SNR (dB)')]):\n"
        "    groups = [pairs.loc[pairs['verdict'] == v, column].dropna() for v in verdicts]\n"
        "    if sum(len(g) for g in groups):\n"
        "        ax.hist(groups, bins=20, stacked=True, label=verdicts,\n"
        "                color=[colours[v] for v in verdicts])\n"
        "    ax.set_xlabel(label)\n"
        "    ax.set_ylabel('pairs')\n"
        "for limit in (5, 15):\n"
        "    axes[0].axvline(limit, color='k', linestyle='--', linewidth=1)\n"
        "axes[0].legend()\n"
        "fig.tight_layout()\n"
        "plt.show()"
    ),
    new_markdown_cell(
        "## Pairs that need attention\n\n"
        "Every pair flagged by the audit or not kept by the local checks: its verdict and\n"
        "reasons, a picture (waveform on top, spectrogram below) and a player, all read from\n"
        "the run's own corpus. At most `LIMIT` pairs are shown."
    ),
    new_code_cell(
        "LIMIT = 40\n"
        "flagged = report['audit_error_codes'].map(len).gt(0) | report['verdict'].isin(['fix', 'drop'])\n"
        "attention = report[flagged & report['pair_id'].notna()]\n"
        "if attention.empty:\n"
        "    display(Markdown('Nothing needs attention: every pair is kept and none is flagged.'))\n"
        "for row in attention.head(LIMIT).itertuples():\n"
        "    name = row.audio_name if isinstance(row.audio_name, str) else row.text_name\n"
        "    # names and reasons come from the corpus and the audit: escaped, never markup\n"
        "    reasons = ''.join(f'\\n- {html.escape(r)}' for r in row.reasons)\n"
        "    display(Markdown(f'### {html.escape(name)}: {row.verdict}{reasons}'))\n"
        "    if not isinstance(row.audio_name, str):\n"
        "        display(Markdown('*no audio file*'))\n"
        "        continue\n"
        "    path = CORPUS / row.audio_name\n"
        "    print(path)\n"
        "    try:\n"
        "        samples, rate = read_samples(path)\n"
        "    except (OSError, ValueError) as exc:\n"
        "        print(f'cannot decode: {exc}')\n"
        "        continue\n"
        "    display(Image(data=picture(samples, rate), format='jpeg'))\n"
        "    display(Audio(data=samples.T.clip(-1, 1), rate=rate, normalize=False))\n"
        "if len(attention) > LIMIT:\n"
        "    display(Markdown(f'... and {len(attention) - LIMIT} more: raise `LIMIT`.'))"
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
