"""Edition naming and the resubmission zip for the fix stage.

``rename_for_edition`` gives the kept pairs the names BASIC/MIDDLE expect (``0.wav`` /
``0.txt`` ... in natural order of the original pair ids). ``build_zip`` writes the flat
zip the edition takes (only the pairs, at the root: docs/metastudio-api.md §11) byte for byte
reproducibly (fixed member order and timestamps), and ``package_checks`` compares it
with what docs/metastudio-api.md §11 documents: exact pair count, only ``.wav``/``.txt``,
clip and total durations (the profile's, or the tenant's when fetched). The zip size limit
is undocumented (MSS.20020023/024 exist): it is reported, not judged.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Final

import pandas as pd

from remediate import columns as C
from remediate.errors import FixError
from remediate.metastudio.models import TenantDurationCfg
from remediate.names import natural_key
from remediate.profiles import Profile
from remediate.progress import ProgressCallback
from remediate.report import atomic_path

#: Every member gets this timestamp so the same pairs always give the same zip bytes.
ZIP_DATE: Final = (1980, 1, 1, 0, 0, 0)


def total_bounds(
    profile: Profile, tenant: TenantDurationCfg | None = None
) -> tuple[float, float | None, str] | None:
    """(least, most or None, who says so): the seconds of audio the package should hold.

    The tenant's configured ``{edition}_min``/``_max`` when the run fetched them: the API
    page does not say whether they bound a clip or the total (docs/metastudio-api.md §12),
    but they come with an ``_advice_value`` as the guide's totals do ("3–10 min, 5
    advised"), so they are read as totals, unless the maximum is no longer than one clip
    may be, which would make them per-clip bounds. Else the profile's
    ``duration.total_min_s``/``total_max_s`` (the guide's totals, overridable with
    ``--set``; 0 = no bound, the corpus check ``corpus-total-duration`` reads the same);
    None when neither bounds anything."""
    found = tenant.bounds(profile.name) if tenant is not None else None
    if found is not None and found.min_s is not None and found.max_s is not None:
        if 0 <= found.min_s < found.max_s and found.max_s > profile.duration.max_s:
            return float(found.min_s), float(found.max_s), "the tenant's duration config"
    low, high = profile.duration.total_min_s, profile.duration.total_max_s
    if not low and not high:
        return None
    return float(low), float(high) if high else None, f"the {profile.name} profile"


def rename_for_edition(corpus: Path, manifest: pd.DataFrame) -> pd.DataFrame:
    """Rename the pairs in ``corpus`` to ``N.wav``/``N.txt`` (N from 0, natural order of
    ``pair_id``) at its root; returns the manifest with the new names (the original names
    stay in ``original_*``). Files move through a staging folder, so ``3.wav`` becoming
    ``2.wav`` while ``2.wav`` becomes ``1.wav`` cannot collide."""
    ids = [str(pid) for pid in manifest[C.PAIR_ID]]
    order = sorted(range(len(ids)), key=lambda i: natural_key(ids[i]))
    out = manifest.iloc[order].reset_index(drop=True).copy()
    staging = corpus.parent / f".{corpus.name}.renaming"
    staging.mkdir()
    audio_new, text_new = [], []
    for i, row in enumerate(C.records(out)):
        audio, text = f"{i}.wav", f"{i}.txt"
        (corpus / row[C.AUDIO_NAME]).rename(staging / audio)
        (corpus / row[C.TEXT_NAME]).rename(staging / text)
        audio_new.append(audio)
        text_new.append(text)
    shutil.rmtree(corpus)  # only empty sub-folders are left
    staging.rename(corpus)
    out[C.AUDIO_NAME] = audio_new
    out[C.TEXT_NAME] = text_new
    return out


def zip_members(manifest: pd.DataFrame) -> list[tuple[str, str]]:
    """(path in the corpus, name at the zip root) for every file, pair by pair."""
    members: list[tuple[str, str]] = []
    for row in C.records(manifest):
        for col in (C.AUDIO_NAME, C.TEXT_NAME):
            members.append((row[col], PurePosixPath(row[col]).name))
    seen: dict[str, str] = {}
    for rel, name in members:
        if name.casefold() in seen:
            raise FixError(
                f"two files would share the zip root name {name}: {seen[name.casefold()]} and {rel}",
                hint="use --rename-for-edition to name the pairs 0.wav/0.txt...",
            )
        seen[name.casefold()] = rel
    return members


def build_zip(
    corpus: Path,
    manifest: pd.DataFrame,
    path: Path,
    profile: Profile,
    progress: ProgressCallback | None = None,
    tenant: TenantDurationCfg | None = None,
) -> dict[str, Any]:
    """Write the flat zip of the manifest's pairs; returns its path, size, sha256, member
    count and the package checks. ``progress`` gets (members written, members)."""
    members = zip_members(manifest)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        for n, (rel, name) in enumerate(members, start=1):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, (corpus / rel).read_bytes())
            if progress:
                progress(n, len(members))
    data = path.read_bytes()
    return {
        "path": str(path),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "members": len(members),
        "pairs": int(len(manifest)),
        "checks": package_checks(manifest, profile, len(data), tenant),
    }


def package_checks(
    manifest: pd.DataFrame,
    profile: Profile,
    zip_bytes: int | None,
    tenant: TenantDurationCfg | None = None,
) -> list[dict[str, Any]]:
    """What docs/metastudio-api.md §11 says about a package, each as {name, ok, message};
    ``ok`` is None when it gives no bound."""
    durations = pd.to_numeric(manifest[C.DURATION_S], errors="coerce")
    checks = [_pair_count(int(len(manifest)), profile), _file_types(manifest)]
    if profile.per_sentence and len(manifest):
        long = int((durations > profile.duration.max_s).sum())
        checks.append(
            _check("clip-duration", long == 0, f"{long} clips over {profile.duration.max_s:g} s")
        )
    bounds = total_bounds(profile, tenant)
    if bounds:
        lo, hi, source = bounds
        total = float(durations.sum()) if len(manifest) else 0.0
        expected = f"{lo:g}-{hi:g} s" if hi is not None else f"at least {lo:g} s"
        message = f"{total:.1f} s of audio; {source} expects {expected}"
        ok = lo <= total and (hi is None or total <= hi)
        checks.append(_check("total-duration", ok, message))
    if zip_bytes is not None:
        message = f"{zip_bytes} bytes; no size limit is documented (MSS.20020023/024)"
        checks.append(_check("zip-size", None, message))
    return checks


def _check(name: str, ok: bool | None, message: str) -> dict[str, Any]:
    return {"name": name, "ok": ok, "message": message}


def _pair_count(pairs: int, profile: Profile) -> dict[str, Any]:
    required = profile.pairs_required
    if not required:
        return _check("pair-count", None, f"{pairs} pairs; no count documented")
    message = f"{pairs} pairs; the {profile.name} edition needs exactly {required}"
    if pairs != required:
        off = "missing" if pairs < required else "too many"
        message += f" ({abs(required - pairs)} {off}; MSS.20020016)"
    return _check("pair-count", pairs == required, message)


def _file_types(manifest: pd.DataFrame) -> dict[str, Any]:
    names = [str(n) for col in (C.AUDIO_NAME, C.TEXT_NAME) for n in manifest[col]]
    foreign = [n for n in names if PurePosixPath(n).suffix.lower() not in (".wav", ".txt")]
    message = "only .wav and .txt" if not foreign else f"other files: {foreign[:5]}"
    return _check("file-types", not foreign, message)
