"""Small generated corpora and audit results for the batch tests (real WAV files)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from wavs import clean_clip, write

TEXT = "今天天气很好，我们一起去公园散步吧。"


def make_corpus(
    root: Path, n: int, *, clipped: tuple[int, ...] = (), stereo: tuple[int, ...] = ()
) -> Path:
    """``audio_i.wav``/``text_i.txt`` pairs of clean 5.2 s clips; some clipped (drop) or stereo (fix)."""
    for i in range(n):
        clip = clean_clip(5.2, seed=i)
        if i in clipped:
            clip = clip.copy()
            clip[48000:49000] = 32767  # a 1000-sample flat top: unfixable clipping
        data = np.stack([clip, clip], axis=1) if i in stereo else clip
        write(root / f"audio_{i}.wav", data)
        (root / f"text_{i}.txt").write_text(TEXT, encoding="utf-8")
    return root


def audit(*flagged: int, code: str = "MSS.20020011", message: str | None = None) -> bytes:
    """An audit result flagging ``audio_i.wav`` for each i (plus an admin message if given)."""
    doc: dict[str, object] = {
        "system_audit_result": {
            "audit_time": 1764050400,
            "errors": [
                {
                    "audio_name": f"audio_{i}.wav",
                    "text_name": f"text_{i}.txt",
                    "error_code": code,
                    "error_message": "wrong audio format",
                }
                for i in flagged
            ],
        }
    }
    if message is not None:
        doc["admin_audit_result"] = {"message": message, "audit_time": 1764050500}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def project_file(path: Path, body: str, *, out: str = "out", cache: str = "cache") -> Path:
    """A project file with the given [[jobs]] entries and pairs_required small enough for tests."""
    path.write_text(
        f'[defaults]\nout = "{out}"\ncache_dir = "{cache}"\nset = ["pairs_required=4"]\n\n{body}',
        encoding="utf-8",
    )
    return path
