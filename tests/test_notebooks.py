"""Execute every committed notebook so none can rot."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path: Path, tmp_path: Path) -> None:
    # Work in a scratch tree (sample corpus linked in, outputs produced fresh) so the test
    # neither depends on nor writes to the developer's out/demo.
    work = tmp_path / "repo"
    (work / "notebooks").mkdir(parents=True)
    shutil.copytree(ROOT / "sample_dataset", work / "sample_dataset")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(work / "notebooks")}},
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert (work / "out" / "demo" / "report.parquet").exists()
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2  # the duration histogram and the waveform grid
    summary = json.loads((work / "out" / "demo" / "summary.json").read_text())
    assert summary["audit_entries"] == summary["audit_entries_accounted"]


def test_notebooks_committed_without_outputs() -> None:
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name
