"""Execute the committed notebook top to bottom on a run folder, a scan folder and a corpus
with nothing flagged, and check it shows the run's own clips (not the bundled sample's)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
import wavs
from nbclient import NotebookClient

from remediate import pipeline
from remediate.config import Config

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPLORE = ROOT / "notebooks" / "explore_report.ipynb"


def _corpus(root: Path, flawed: bool) -> Path:
    """Three clean pairs; with ``flawed``, pair 1 is clipped and pair 2 is stereo."""
    root.mkdir(parents=True)
    for i in range(3):
        clip = wavs.clean_clip(6.0, seed=10 + i)
        if flawed and i == 1:
            clip = (clip.astype(np.int32) * 8).clip(-32768, 32767).astype(np.int16)
        if flawed and i == 2:
            clip = np.stack([clip, clip // 2], axis=1)
        wavs.write(root / f"audio_{i}.wav", clip)
        (root / f"text_{i}.txt").write_text(f"Test sentence number {i}.\n", encoding="utf-8")
    return root


def _audit(path: Path) -> Path:
    doc = {
        "system_audit_result": {
            "audit_time": 1764050400,
            "errors": [
                {
                    "audio_name": "audio_0.wav",
                    "text_name": "text_0.txt",
                    "error_code": "MSS.20020027",
                    "error_message": "Speech does not match text.",
                }
            ],
        }
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _execute(run_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setenv("REMEDIATE_RUN_DIR", str(run_dir))
    nb = nbformat.read(EXPLORE, as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    return outputs


def _text(outputs: list[dict[str, Any]]) -> str:
    parts = [o.get("text", "") for o in outputs]
    for o in outputs:
        parts += [str(v) for k, v in o.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(parts)


def _players(outputs: list[dict[str, Any]]) -> int:
    return sum("<audio" in o.get("data", {}).get("text/html", "") for o in outputs)


def _images(outputs: list[dict[str, Any]], kind: str) -> int:
    return sum(kind in o.get("data", {}) for o in outputs)


@pytest.mark.notebook
def test_notebook_on_a_run_folder_shows_the_runs_own_clips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "my corpus", flawed=True)
    out = tmp_path / "run"
    pipeline.run(
        Config(corpus=corpus, out=out, audit_file=_audit(tmp_path / "a.json"), cache_dir=None)
    )
    outputs = _execute(out, monkeypatch)
    text = _text(outputs)
    assert f"corpus     {corpus.resolve()}" in text
    # every pair needs attention: 0 flagged by the audit, 1 clipped, 2 stereo
    for i in range(3):
        assert str(corpus.resolve() / f"audio_{i}.wav") in text
    assert "sample_dataset" not in text
    assert _players(outputs) == 3
    assert _images(outputs, "image/jpeg") == 3  # one picture per pair
    assert _images(outputs, "image/png") == 1  # the stacked histograms
    assert "MSS.20020027" in text


@pytest.mark.notebook
def test_notebook_on_a_scan_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "corpus", flawed=True)
    out = tmp_path / "scan"
    pipeline.scan(Config(corpus=corpus, out=out, cache_dir=None))
    assert not (out / "audit_errors.parquet").exists()
    outputs = _execute(out, monkeypatch)
    text = _text(outputs)
    assert "there is no audit result" in text
    assert str(corpus.resolve() / "audio_1.wav") in text
    assert str(corpus.resolve() / "audio_2.wav") in text
    assert str(corpus.resolve() / "audio_0.wav") not in text  # clean, not flagged: no player
    assert _players(outputs) == 2


@pytest.mark.notebook
def test_notebook_on_a_corpus_with_nothing_flagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "corpus", flawed=False)
    out = tmp_path / "clean"
    pipeline.scan(Config(corpus=corpus, out=out, cache_dir=None))
    outputs = _execute(out, monkeypatch)
    text = _text(outputs)
    assert "Nothing needs attention" in text
    assert _players(outputs) == 0
    assert _images(outputs, "image/png") == 1


def test_notebooks_committed_without_outputs() -> None:
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


def test_notebook_is_what_the_generator_writes(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_notebook", ROOT / "scripts/make_notebook.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = nbformat.read(EXPLORE, as_version=4)
    assert [c.source for c in committed.cells] == [c.source for c in module.CELLS]
