"""The HTML report: content, escaping, the embed/link rule, scan folders, before/after, and
a real headless Chromium (marked ``browser``; skipped where /usr/bin/chromium is absent)."""

from __future__ import annotations

import html
import json
import re
import shutil
import urllib.parse
from pathlib import Path

import markupsafe
import numpy as np
import pytest
import wavs
from browser import Browser, chromium_path, fresh_profile
from click.testing import CliRunner
from sample_labels import LABELS, TEXTS, ids, review_now

from remediate import cli, pipeline
from remediate.audio.probe import read_samples
from remediate.config import Config
from remediate.fix import command as fixes
from remediate.html import REPORT_HTML, media, write_report

#: kept pairs whose verdict needs review: they get a card too
REVIEWED_KEEPS = sorted(review_now() & set(ids("keep")), key=int)

HOSTILE_TEXT = '<script>alert("corpus")</script><img src=x onerror="console.error(\'xss\')">'
HOSTILE_AUDIT = "<script>console.error('audit')</script> & <b>bold</b>"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, sample_dataset: Path) -> Path:
    """The demo: run on the sample dataset, fix into ``<run>-fixed``, then the report."""
    base = tmp_path_factory.mktemp("html")
    out = base / "run"
    pipeline.run(
        Config(
            corpus=sample_dataset,
            out=out,
            audit_file=sample_dataset / "audit-result.json",
            cache_dir=None,
        )
    )
    fixes.fix(fixes.FixOptions(run_dir=out, dest=base / "run-fixed", rename_for_edition=True))
    write_report(out)
    return out


def _summary(run_dir: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads((run_dir / "summary.json").read_text())
    return doc


def _articles(text: str) -> dict[str, str]:
    """The attention cards: pair id → the card's HTML."""
    found = re.findall(r'<article class="pair" id="pair-([^"]+)">(.*?)</article>', text, re.S)
    return dict(found)


def test_demo_report_has_counts_cards_players_and_pictures(demo: Path) -> None:
    text = (demo / REPORT_HTML).read_text(encoding="utf-8")
    verdicts = _summary(demo)["verdicts"]
    assert isinstance(verdicts, dict)
    for verdict, count in verdicts.items():
        assert f'<div class="n">{count}</div><div class="v">{verdict}</div>' in text
    report = __import__("pandas").read_parquet(demo / "report.parquet")
    not_kept = report[report.verdict.isin(["fix", "drop"]) | report.needs_review]
    cards = _articles(text)
    assert set(cards) == set(not_kept.pair_id)
    with_audio = not_kept[not_kept.audio_name.notna()]
    for pid in with_audio.pair_id:
        assert 'src="data:audio/wav;base64,' in cards[pid], pid
        assert 'src="data:image/jpeg;base64,' in cards[pid], pid
    assert "No player: no audio file" in cards["19"]  # text only
    # kept pairs are in the table, but get no player
    assert text.count("<audio") == len(with_audio) + 2 * 6  # + before/after of 6 fixed pairs
    assert 'data-verdict="keep"' in text
    # offline: nothing is fetched from a network
    assert not re.search(r'(src|href)="(https?:)?//', text)


def test_embedded_audio_is_the_file_or_decodes_to_the_same_samples(
    demo: Path, sample_dataset: Path
) -> None:
    cards = _articles((demo / REPORT_HTML).read_text(encoding="utf-8"))
    uri = re.search(r'<audio[^>]* src="data:audio/wav;base64,([^"]+)"', cards["2"])
    assert uri is not None
    import base64

    assert base64.b64decode(uri.group(1)) == (sample_dataset / "audio_2.wav").read_bytes()
    # PCM_24 is decoded to 16-bit PCM for the browser: same signal within one 16-bit step
    uri24 = re.search(r'<audio[^>]* src="data:audio/wav;base64,([^"]+)"', cards["20"])
    assert uri24 is not None and "decoded to 16-bit PCM" in cards["20"]
    played = demo.parent / "played.wav"
    played.write_bytes(base64.b64decode(uri24.group(1)))
    got, rate = read_samples(played)
    want, want_rate = read_samples(sample_dataset / "audio_20.wav")
    assert rate == want_rate and got.shape == want.shape
    assert np.abs(got - want).max() <= 1 / 32768 + 1e-12


def test_rerecord_list_and_before_after(demo: Path) -> None:
    text = (demo / REPORT_HTML).read_text(encoding="utf-8")
    section = text.split('<section id="rerecord">')[1].split("</section>")[0]
    rows = re.findall(r'<td class="mono">([^<]+)</td><td>([^<]+)</td>', section)
    assert [name for name, _ in rows] == [
        "text_19.txt" if pid == "19" else f"audio_{pid}.wav" for pid in ids("drop")
    ]
    todo = dict(rows)
    assert todo["audio_17.wav"] == "write the transcript, then record it"
    assert todo["text_19.txt"] == "record (no audio file)"
    assert todo["audio_13.wav"] == "write the transcript, then record it"  # empty text
    assert TEXTS["19"] in section
    fixed = text.split('<section id="fixed">')[1].split("</section>")[0]
    assert fixed.count('<article class="pair">') == 6
    assert "trim-silence" in fixed and "audio-silence-lead,audio-silence-trail" in fixed
    assert fixed.count('<audio controls preload="none" data-same-as="pair-') == 6  # the card's
    assert fixed.count('src="data:audio/wav;base64,') == 6  # after: the fixed file
    # pictures: the before one is the card's (copied by the page's script, not embedded
    # twice), the after one is drawn from the fixed file
    assert len(re.findall(r'<img alt="before: [^"]*" data-same-as="pair-[^"]+">', fixed)) == 6
    after = re.findall(r'<img alt="after: [^"]*" src="data:image/jpeg;base64,([^"]+)"', fixed)
    assert len(after) == 4  # the two text-only fixes (15, 23) copy the audio: no new picture
    cards = re.findall(
        r'src="data:image/jpeg;base64,([^"]+)"', text.split('<section id="fixed">')[0]
    )
    assert not set(after) & set(cards)  # the fixed audio looks different from the original


def _hostile_run(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    wavs.write(corpus / "audio_1.wav", wavs.clean_clip(6.0, seed=1))
    (corpus / "text_1.txt").write_text(HOSTILE_TEXT + "\n", encoding="utf-8")
    wavs.write(corpus / "audio_2.wav", wavs.clean_clip(6.0, seed=2))
    (corpus / "text_2.txt").write_text("A clean sentence.\n", encoding="utf-8")
    audit = {
        "system_audit_result": {
            "errors": [
                {
                    "audio_name": "audio_1.wav",
                    "text_name": "text_1.txt",
                    "error_code": "MSS.20020027",
                    "error_message": HOSTILE_AUDIT,
                },
                {
                    "audio_name": "<script>x</script>.wav",
                    "text_name": "t.txt",
                    "error_code": "MSS.20020016",
                    "error_message": HOSTILE_AUDIT,
                },
            ]
        },
        "admin_audit_result": {"message": HOSTILE_AUDIT, "attachment_name": "<i>notes</i>.pdf"},
    }
    audit_file = tmp_path / "audit.json"
    audit_file.write_text(json.dumps(audit), encoding="utf-8")
    out = tmp_path / "out"
    pipeline.run(Config(corpus=corpus, out=out, audit_file=audit_file, cache_dir=None))
    write_report(out)
    return out


def test_corpus_and_audit_text_is_escaped(tmp_path: Path) -> None:
    out = _hostile_run(tmp_path)
    text = (out / REPORT_HTML).read_text(encoding="utf-8")
    assert "<script>alert" not in text
    assert "<script>console.error" not in text
    assert "<img src=x" not in text
    assert "<b>bold</b>" not in text
    assert str(markupsafe.escape(HOSTILE_AUDIT)) in text  # shown, as text
    assert "&lt;script&gt;alert(&#34;corpus&#34;)&lt;/script&gt;" in text
    assert text.count("<script>") == 1  # the report's own script, only


def test_audio_is_linked_above_the_limit_by_relative_urls(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = tmp_path / "run dir #1"  # a space and a '#' must survive as a URL
    shutil.copytree(demo, run)
    (run / REPORT_HTML).unlink()
    monkeypatch.setattr(media, "EMBED_LIMIT_BYTES", 1000)
    write_report(run, fix_dir=demo.parent / "run-fixed")
    text = (run / REPORT_HTML).read_text(encoding="utf-8")
    assert "data:audio" not in text
    srcs = re.findall(r'<audio[^>]* src="([^"]+)"', text)
    # every fix, drop and needs-review card but 19 (no audio)
    cards = len(ids("fix")) + len(ids("drop")) + len(REVIEWED_KEEPS) - 1
    assert len(srcs) == cards + len(ids("fix"))  # + the fixed files
    for src in srcs:
        target = (run / urllib.parse.unquote(html.unescape(src))).resolve()
        assert target.is_file(), src
    assert 'preload="none"' in text and "keep this file where it is" in text
    assert "data:image/jpeg" in text  # pictures stay inside


def test_choose_embed_rule() -> None:
    limit = media.EMBED_LIMIT_BYTES
    assert media.choose_embed("auto", [limit // 2, limit // 2])
    assert not media.choose_embed("auto", [limit // 2, limit // 2 + 1])
    assert media.choose_embed("embed", [limit * 10])
    assert not media.choose_embed("link", [1])


def test_relative_url_quotes_each_segment(tmp_path: Path) -> None:
    target = tmp_path / "corpus" / "sub dir" / "录音 #1?.wav"
    report_dir = tmp_path / "out" / "run"
    assert media.relative_url(target, report_dir) == (
        "../../corpus/sub%20dir/%E5%BD%95%E9%9F%B3%20%231%3F.wav"
    )


def test_scan_folder_with_nothing_flagged(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for i in range(3):
        wavs.write(corpus / f"{i}.wav", wavs.clean_clip(6.0, seed=i))
        # about 8 letters per second of the 6 s clip: a normal speaking rate, no warning
        text = f"Sentence number {i} is a plain clean line read at an easy pace.\n"
        (corpus / f"{i}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "scan"
    result = CliRunner().invoke(
        cli.cli, ["scan", "--corpus", str(corpus), "--out", str(out), "--no-cache", "--html"]
    )
    assert result.exit_code == 0, result.output
    text = (out / REPORT_HTML).read_text(encoding="utf-8")
    assert "corpus check only (no audit result)" in text
    assert "Nothing to listen to: every pair is kept as it is." in text
    assert "Nothing to record again." in text
    assert "<audio" not in text
    assert text.count('data-verdict="keep"') == 3


def test_report_command_and_errors(demo: Path, tmp_path: Path) -> None:
    run = tmp_path / "copy"
    shutil.copytree(demo, run)
    result = CliRunner().invoke(cli.cli, ["report", "--run-dir", str(run), "--audio", "link"])
    assert result.exit_code == 0, result.output
    assert f"HTML report: {run / REPORT_HTML}" in result.stderr
    assert not list(run.glob(".report.html.tmp-*"))
    # a copied run has no "<copy>-fixed" beside it: no before/after section
    assert '<section id="fixed">' not in (run / REPORT_HTML).read_text(encoding="utf-8")
    bad = CliRunner().invoke(cli.cli, ["report", "--run-dir", str(run), "--fix-dir", str(tmp_path)])
    assert bad.exit_code == 3 and "not a folder written by `remediate fix`" in bad.stderr
    missing = CliRunner().invoke(cli.cli, ["report", "--run-dir", str(tmp_path / "nope")])
    assert missing.exit_code == 11 and str(tmp_path / "nope") in missing.stderr
    assert "pass the --out folder of a finished `remediate run`" in missing.stderr


# --- in a real browser -------------------------------------------------------------------

AUDIO_STATE = """(async () => {
  const out = [];
  for (const el of document.querySelectorAll('article.pair audio')) {
    el.preload = 'auto';
    const state = await new Promise(done => {
      if (el.readyState >= 1) { done('ok'); return; }
      el.addEventListener('loadedmetadata', () => done('ok'), {once: true});
      el.addEventListener('error', () => done('error ' + (el.error && el.error.code)), {once: true});
      setTimeout(() => done('timeout'), 60000);
      el.load();
    });
    const card = el.closest('article');
    out.push({card: card.id || 'fixed', state: state, ready: el.readyState, duration: el.duration});
  }
  return out;
})()"""

FILTER = """(() => {
  const pick = (id, value) => { const el = document.getElementById(id); el.value = value;
    el.dispatchEvent(new Event('change')); };
  pick('filter-verdict', 'drop');
  const drops = [...document.querySelectorAll('#pair-table tbody tr')].filter(r => !r.hidden).length;
  pick('filter-verdict', '');
  pick('filter-check', 'audio-subtype');
  const subtype = [...document.querySelectorAll('#pair-table tbody tr')].filter(r => !r.hidden)
    .map(r => r.cells[1].textContent);
  pick('filter-check', '');
  document.querySelectorAll('#pair-table th button')[4].click();  // sample rate, ascending
  const first = document.querySelector('#pair-table tbody tr').cells[1].textContent;
  return {drops, subtype, first, count: document.getElementById('filter-count').textContent};
})()"""


PRINTED = """[...document.querySelectorAll('main > section')]
  .filter(s => getComputedStyle(s).display !== 'none').map(s => s.id)"""


def _pixel_spread(png: Path) -> float:
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("L"), dtype=np.float64)
    return float(pixels.std())


@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None, reason="needs /usr/bin/chromium (Debian chromium)")
def test_report_in_headless_chromium(demo: Path, tmp_path: Path) -> None:
    shots = Path(__file__).resolve().parent.parent / "out" / "test-screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    browser = Browser.launch(fresh_profile(tmp_path))
    try:
        browser.open((demo / REPORT_HTML).resolve().as_uri())
        states = browser.evaluate(AUDIO_STATE, timeout=600)
        filtered = browser.evaluate(FILTER)
        before_pictures = browser.evaluate(
            "[...document.querySelectorAll('#fixed img[data-same-as]')].map(el => "
            "[el.complete && el.naturalWidth, el.src === document.querySelector("
            "'#' + el.dataset.sameAs + ' img[src]').src])"
        )
        top = browser.screenshot(shots / "report-top.png")
        browser.screenshot(shots / "report-full.png", full_page=True)
        browser.call("Emulation.setEmulatedMedia", {"media": "print"})
        printed = browser.evaluate(PRINTED)
        browser.evaluate("document.body.classList.add('print-rerecord')")
        printed_list = browser.evaluate(PRINTED)
        browser.screenshot(shots / "rerecord-print.png", full_page=True)
        errors = list(browser.errors)
    finally:
        browser.close()
    assert errors == []
    cards = [s for s in states if s["card"] != "fixed"]
    assert sorted(s["card"] for s in cards) == sorted(
        f"pair-{i}"
        for i in ids("fix") + ids("drop") + REVIEWED_KEEPS
        if i != "19"  # 19 has no audio
    )
    assert len(states) == len(cards) + 12
    for s in states:
        assert s["state"] == "ok" and s["ready"] >= 1 and s["duration"] > 0.5, s
    assert filtered["drops"] == len(ids("drop"))
    # each fixed pair's "before" picture shows its card's picture (copied by the script)
    assert len(before_pictures) == 6
    assert all(width > 0 and same for width, same in before_pictures), before_pictures
    assert filtered["subtype"] == ["audio_20.wav"]
    assert filtered["first"] == "audio_7.wav"  # the 16 kHz clip sorts first
    assert filtered["count"] == f"{len(LABELS)} of {len(LABELS)} pairs shown"
    assert _pixel_spread(top) > 20  # not a blank page
    assert "rerecord" in printed and "pairs" in printed  # the whole report prints...
    assert printed_list == ["rerecord"]  # ...and "Print this list" prints the list alone


@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None, reason="needs /usr/bin/chromium (Debian chromium)")
def test_hostile_text_runs_no_script_in_chromium(tmp_path: Path) -> None:
    out = _hostile_run(tmp_path)
    browser = Browser.launch(fresh_profile(tmp_path))
    try:
        browser.open((out / REPORT_HTML).resolve().as_uri())
        shown = browser.evaluate("document.querySelector('#pair-1 .transcript').textContent")
        errors = list(browser.errors)
    finally:
        browser.close()
    assert errors == []  # the transcript's onerror and the audit's console.error never ran
    assert shown == f"“{HOSTILE_TEXT}”"


def test_view_reads_review_flags_voice_measures_and_rerecord_list_when_present(
    demo: Path,
) -> None:
    """Columns later releases add are read when present and never required."""
    from dataclasses import replace

    from remediate.html.model import Media, build_view
    from remediate.html.render import read_run

    data, _, _ = read_run(demo)
    report = data.report.copy()
    keep = str(report.loc[report.verdict == "keep", "pair_id"].iloc[0])
    report["needs_review"] = report["pair_id"] == keep
    report["review_reasons"] = [["noise heard by ear"] if p == keep else [] for p in report.pair_id]
    measurements = data.measurements.copy()
    measurements["dnsmos_ovrl"] = 3.25
    drop = [str(p) for p in report.loc[report.verdict == "drop", "pair_id"]]
    data = replace(data, report=report, measurements=measurements, rerecord_ids=[drop[-1]])
    view = build_view(data, Media())
    card = next(p for p in view["attention"] if p["id"] == keep)
    assert card["verdict"] == "keep" and card["review"] == ["noise heard by ear"]
    assert ("dnsmos ovrl", "3.25") in card["extra_measures"]
    assert [r["id"] for r in view["rerecord"]] == [drop[-1]]
    plain = build_view(replace(data, report=data.report.drop(columns=["needs_review"])), Media())
    assert keep not in {p["id"] for p in plain["attention"]}


def test_pictures_do_not_carry_over_from_the_previous_clip() -> None:
    """The figure is reused between pictures: nothing of one clip may show in the next."""
    from PIL import Image

    loud = wavs.sine(2.0, amplitude=0.9).astype(np.float64)[:, None] / 32768
    quiet = wavs.sine(3.0, amplitude=0.01, rate=16000).astype(np.float64)[:, None] / 32768
    first = media.picture(quiet, 16000)
    media.picture(loud, 48000)
    again = media.picture(quiet, 16000)
    assert first == again
    pixels = np.asarray(Image.open(__import__("io").BytesIO(again)).convert("L"))
    assert pixels.shape == (media.PICTURE_PX[1], media.PICTURE_PX[0])


def test_run_html_keeps_stdout_one_json_document(tmp_path: Path, sample_dataset: Path) -> None:
    out = tmp_path / "run"
    args = ["run", "--audit-file", str(sample_dataset / "audit-result.json")]
    args += ["--corpus", str(sample_dataset), "--out", str(out), "--no-cache"]
    result = CliRunner().invoke(cli.cli, [*args, "--json", "--html", "--fail-on", "drop"])
    assert result.exit_code == 1  # --fail-on still decides the exit code after the report
    assert json.loads(result.stdout)["verdicts"]["drop"] > 0
    assert f"HTML report: {out / REPORT_HTML}" in result.stderr
    assert (out / REPORT_HTML).stat().st_size > 0


def test_pictures_drawn_on_the_pool_equal_one_process(demo: Path) -> None:
    from remediate.html import render as R

    data, corpus, fixed = R.read_run(demo)
    one = R.make_media(data, corpus, fixed, demo, jobs=1)
    pool = R.make_media(data, corpus, fixed, demo, jobs=2)
    assert len(one.pictures) > R.POOL_MIN_PICTURES  # the pool was used
    assert one.pictures == pool.pictures
    assert one.fixed_pictures == pool.fixed_pictures
    assert sorted(one.fixed_pictures) == sorted(
        p
        for p in ids("fix")
        if p not in ("15", "23")  # text-only fixes: no after picture
    )
