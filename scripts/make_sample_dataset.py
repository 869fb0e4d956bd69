"""Regenerate the bundled ``sample_dataset/`` used by ``remediate``'s tests and docs.

The sample dataset is a miniature Huawei Cloud MetaStudio voice-training corpus for a Chinese
(CN) job: 29 numbered pairs ``audio_N.wav`` / ``text_N.txt`` (N = 0..28, like the API example
``audio_0.wav`` / ``text_0.txt``), a ``audit-result.json`` (a ShowJobAuditResult response whose
per-file codes are the documented ones) and a ``README.md`` describing every pair. The pairs,
their defects and their labelled verdicts live in ``sample_pairs.py``: clean clips are one
natural sentence of 5-12 s (the edition rules); the others each carry one real defect (stereo,
wrong sample rate, clipping, long silent padding, noise, low level, too short, too long, empty /
GBK / BOM text, a missing partner file, PCM_24, Ogg content under a ``.wav`` name, speech that
does not match its text, English in a Chinese job, a paragraph transcribing one sentence).

Speech is synthesised with espeak-ng (Mandarin with ``-v cmn-latn-pinyin`` from pinyin with
tone digits, while the text file holds the Chinese characters; English with ``-v en``),
trimmed, resampled from 22050 Hz with soxr (VHQ), peak-normalised to -3 dBFS and padded at both
ends with seeded very-low-level noise (about -70 dBFS). Every random choice uses a fixed
per-pair seed, and the Ogg stream serial number (random in libsndfile) is pinned, so two runs
produce byte-identical files given the same espeak-ng / libsndfile / soxr versions.

Usage::

    python scripts/make_sample_dataset.py [--out sample_dataset]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr
from sample_pairs import PAIRS, Pair

ESPEAK_RATE = 22050
TARGET_RATE = 48000
BASE_SEED = 20251125
PEAK_DBFS = -3.0
NOISE_DBFS = -70.0
PAD_RANGE_S = (0.15, 0.3)
MAX_PAD_S = 0.4
CLEAN_DURATION_S = (5.0, 12.0)  # one natural sentence (edition rules: 5-15 s)
NOISY_SNR_DB = 5.0
QUIET_PEAK_DBFS = -35.0
OGG_SERIAL = 0x4D535331  # "MSS1": fixed Ogg stream serial so the Ogg file is reproducible

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "sample_dataset"
OWNED_FILE = re.compile(r"^(audio_\d+\.wav|text_\d+\.txt|audit-result\.json|README\.md)$")


# --------------------------------------------------------------------------- signal helpers


def db_to_amp(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def rng_for(pair: Pair) -> np.random.Generator:
    """A generator seeded only by the pair index, so output does not depend on build order."""
    return np.random.default_rng([BASE_SEED, pair.index])


def synthesize(sentence: str, lang: str, workdir: Path) -> np.ndarray:
    """Speak one sentence with espeak-ng and return mono float64 samples at 22050 Hz."""
    voice = "en" if lang == "en" else "cmn-latn-pinyin"  # Mandarin is spoken from pinyin
    wav = workdir / "espeak.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(wav), sentence], check=True)
    data, rate = sf.read(wav, dtype="float64", always_2d=False)
    if rate != ESPEAK_RATE or data.ndim != 1:
        raise RuntimeError(f"unexpected espeak-ng output: {rate} Hz, shape {data.shape}")
    return trim_silence(data, rate)


def trim_silence(x: np.ndarray, rate: int, threshold_db: float = -40.0) -> np.ndarray:
    """Cut espeak-ng's own leading/trailing silence (keeping 20 ms) and fade the new edges."""
    level = db_to_amp(threshold_db) * np.max(np.abs(x))
    loud = np.flatnonzero(np.abs(x) > level)
    margin = int(0.02 * rate)
    start = max(int(loud[0]) - margin, 0)
    stop = min(int(loud[-1]) + margin + 1, len(x))
    y = x[start:stop].copy()
    fade = int(0.005 * rate)
    ramp = np.linspace(0.0, 1.0, fade)
    y[:fade] *= ramp
    y[-fade:] *= ramp[::-1]
    return y


def resample(x: np.ndarray, rate: int) -> np.ndarray:
    y: np.ndarray = soxr.resample(x, ESPEAK_RATE, rate, quality="VHQ")
    return y


def normalise_peak(x: np.ndarray, peak_db: float = PEAK_DBFS) -> np.ndarray:
    gain = db_to_amp(peak_db) / float(np.max(np.abs(x)))
    return np.asarray(x * gain, dtype=np.float64)


def noise(rng: np.random.Generator, n: int, level_db: float = NOISE_DBFS) -> np.ndarray:
    """Gaussian noise with an RMS of ``level_db`` dBFS (a stand-in for a quiet room)."""
    return rng.normal(0.0, db_to_amp(level_db), n)


def pad(
    x: np.ndarray,
    rate: int,
    rng: np.random.Generator,
    lead_s: float | None = None,
    trail_s: float | None = None,
) -> np.ndarray:
    """Room tone: low-level noise before and after ``x`` (random 0.15-0.3 s unless given) and
    under it, as in any real recording (espeak-ng's 22.05 kHz speech alone stops at 11 kHz)."""
    lead = rng.uniform(*PAD_RANGE_S) if lead_s is None else lead_s
    trail = rng.uniform(*PAD_RANGE_S) if trail_s is None else trail_s
    n_lead, n_trail = round(lead * rate), round(trail * rate)
    return np.concatenate([noise(rng, n_lead), x + noise(rng, len(x)), noise(rng, n_trail)])


def spoken(pair: Pair) -> str:
    """What espeak-ng is given: the pinyin for Mandarin (it may differ from the text: pair 2)."""
    return pair.pinyin if pair.lang == "zh" else pair.text


def speech(pair: Pair, workdir: Path, rate: int = TARGET_RATE) -> np.ndarray:
    """The pair's (first) sentence, synthesised, resampled to ``rate`` and peak-normalised."""
    return normalise_peak(resample(synthesize(spoken(pair), pair.lang, workdir), rate))


def clean_clip(
    pair: Pair, workdir: Path, rate: int = TARGET_RATE, check: bool = True
) -> np.ndarray:
    """A clean take: one sentence with 0.15-0.3 s of -70 dBFS noise at each end (5-12 s)."""
    y = pad(speech(pair, workdir, rate), rate, rng_for(pair))
    if check:
        check_clean(pair, y, rate)
    return y


def check_clean(pair: Pair, x: np.ndarray, rate: int) -> None:
    duration = len(x) / rate
    lo, hi = CLEAN_DURATION_S
    if not lo <= duration <= hi:
        raise RuntimeError(f"pair {pair.index}: clean clip is {duration:.2f} s")


def to_int16(x: np.ndarray) -> np.ndarray:
    """Quantise float audio to int16 ourselves, so clipping behaviour is explicit."""
    return np.clip(np.round(x * 32768.0), -32768, 32767).astype(np.int16)


def write_pcm16(path: Path, x: np.ndarray, rate: int) -> None:
    sf.write(path, to_int16(x), rate, format="WAV", subtype="PCM_16")


# --------------------------------------------------------------------------- text writers


def write_text_utf8(path: Path, text: str) -> None:
    path.write_bytes((text + "\n").encode("utf-8"))


def write_text_gbk(path: Path, text: str) -> None:
    data = (text + "\n").encode("gbk")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        path.write_bytes(data)
        return
    raise RuntimeError(f"{path.name}: GBK bytes happen to be valid UTF-8; pick another sentence")


def write_text_bom_trailing_space(path: Path, text: str) -> None:
    path.write_bytes(b"\xef\xbb\xbf" + (text + " \n").encode("utf-8"))


def write_text_trailing_space(path: Path, text: str) -> None:
    path.write_bytes((text + " \n").encode("utf-8"))


def write_text_empty(path: Path, text: str) -> None:
    path.write_bytes(b"")


# --------------------------------------------------------------------------- audio defects


def make_clean(pair: Pair, out: Path, workdir: Path) -> None:
    write_pcm16(out / pair.audio_name, clean_clip(pair, workdir), TARGET_RATE)


def make_stereo(pair: Pair, out: Path, workdir: Path) -> None:
    """Same speech in both channels, the right one 0.8x as loud."""
    x = clean_clip(pair, workdir)
    write_pcm16(out / pair.audio_name, np.column_stack([x, 0.8 * x]), TARGET_RATE)


def make_rate(rate: int) -> Callable[[Pair, Path, Path], None]:
    """A clean clip resampled straight from 22050 Hz to ``rate`` instead of 48 kHz."""

    def build(pair: Pair, out: Path, workdir: Path) -> None:
        write_pcm16(out / pair.audio_name, clean_clip(pair, workdir, rate), rate)

    return build


def make_clipped(pair: Pair, out: Path, workdir: Path) -> None:
    """+20 dB of gain on -3 dBFS speech, hard-clipped at the int16 limits."""
    rng = rng_for(pair)
    x = to_int16(pad(speech(pair, workdir) * db_to_amp(20.0), TARGET_RATE, rng))
    clipped = np.mean((x == 32767) | (x == -32768))
    if clipped < 0.05:
        raise RuntimeError(f"pair {pair.index}: only {clipped:.1%} of samples clipped")
    sf.write(out / pair.audio_name, x, TARGET_RATE, format="WAV", subtype="PCM_16")


def make_short(pair: Pair, out: Path, workdir: Path) -> None:
    """One word: the clip is about 1 s long."""
    x = clean_clip(pair, workdir, check=False)
    if not 0.5 < len(x) / TARGET_RATE < 1.5:
        raise RuntimeError(f"pair {pair.index}: {len(x) / TARGET_RATE:.2f} s, want about 1 s")
    write_pcm16(out / pair.audio_name, x, TARGET_RATE)


def make_noisy(pair: Pair, out: Path, workdir: Path) -> None:
    """Steady low-passed noise (a fan, traffic) NOISY_SNR_DB below the speech, pauses too."""
    rng = rng_for(pair)
    x = speech(pair, workdir)
    speech_rms = float(np.sqrt(np.mean(x[np.abs(x) > db_to_amp(-40.0)] ** 2)))
    lead, trail = round(0.3 * TARGET_RATE), round(0.3 * TARGET_RATE)
    x = np.concatenate([np.zeros(lead), x, np.zeros(trail)])
    white = rng.normal(0.0, 1.0, len(x))
    hum = np.empty_like(white)  # one-pole low-pass: most energy under ~1 kHz, like room noise
    acc, alpha = 0.0, 0.12
    for i, w in enumerate(white):
        acc += alpha * (w - acc)
        hum[i] = acc
    hum *= speech_rms * db_to_amp(-NOISY_SNR_DB) / float(np.sqrt(np.mean(hum**2)))
    write_pcm16(out / pair.audio_name, normalise_peak(x + hum), TARGET_RATE)


def make_quiet(pair: Pair, out: Path, workdir: Path) -> None:
    """Speech peaking at QUIET_PEAK_DBFS over the usual -70 dBFS room noise."""
    rng = rng_for(pair)
    x = pad(normalise_peak(speech(pair, workdir), QUIET_PEAK_DBFS), TARGET_RATE, rng)
    check_clean(pair, x, TARGET_RATE)
    write_pcm16(out / pair.audio_name, x, TARGET_RATE)


def make_long_silence(pair: Pair, out: Path, workdir: Path) -> None:
    """3.0 s of -70 dBFS noise before and after the speech (still under 15 s)."""
    rng = rng_for(pair)
    x = pad(speech(pair, workdir), TARGET_RATE, rng, 3.0, 3.0)
    if len(x) / TARGET_RATE >= 15.0:
        raise RuntimeError(f"pair {pair.index}: {len(x) / TARGET_RATE:.2f} s, want < 15 s")
    write_pcm16(out / pair.audio_name, x, TARGET_RATE)


def make_pcm24(pair: Pair, out: Path, workdir: Path) -> None:
    x = clean_clip(pair, workdir)
    sf.write(out / pair.audio_name, x, TARGET_RATE, format="WAV", subtype="PCM_24")


def make_too_long(pair: Pair, out: Path, workdir: Path) -> None:
    """All sentences of the pair joined by 0.6 s noise gaps: comfortably over 15 s."""
    rng = rng_for(pair)
    parts: list[np.ndarray] = []
    for sentence in (spoken(pair), *(pinyin for _, pinyin in pair.extra)):
        if parts:
            parts.append(noise(rng, round(0.6 * TARGET_RATE)))
        parts.append(resample(synthesize(sentence, pair.lang, workdir), TARGET_RATE))
    x = pad(normalise_peak(np.concatenate(parts)), TARGET_RATE, rng)
    if not 15.0 < len(x) / TARGET_RATE < 25.0:
        raise RuntimeError(f"pair {pair.index}: {len(x) / TARGET_RATE:.2f} s, want 15-25 s")
    write_pcm16(out / pair.audio_name, x, TARGET_RATE)


def make_ogg(pair: Pair, out: Path, workdir: Path) -> None:
    """Ogg Vorbis bytes saved as ``audio_N.wav``, with a fixed stream serial number."""
    ogg = workdir / "clip.ogg"
    sf.write(ogg, clean_clip(pair, workdir), TARGET_RATE, format="OGG", subtype="VORBIS")
    (out / pair.audio_name).write_bytes(pin_ogg_serial(ogg.read_bytes(), OGG_SERIAL))


def make_no_audio(pair: Pair, out: Path, workdir: Path) -> None:
    """Pair 19: the recording is missing."""


# --------------------------------------------------------------------------- Ogg helpers


def _ogg_crc_table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        table.append(r & 0xFFFFFFFF)
    return table


OGG_CRC_TABLE = _ogg_crc_table()


def ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ OGG_CRC_TABLE[((crc >> 24) & 0xFF) ^ byte]
    return crc


def pin_ogg_serial(data: bytes, serial: int) -> bytes:
    """Rewrite every Ogg page's stream serial number (libsndfile picks it from the clock)."""
    buf = bytearray(data)
    pos = 0
    while pos < len(buf):
        if buf[pos : pos + 4] != b"OggS":
            raise ValueError(f"not an Ogg page at byte {pos}")
        n_segments = buf[pos + 26]
        body = sum(buf[pos + 27 : pos + 27 + n_segments])
        end = pos + 27 + n_segments + body
        buf[pos + 14 : pos + 18] = serial.to_bytes(4, "little")
        buf[pos + 22 : pos + 26] = bytes(4)
        buf[pos + 22 : pos + 26] = ogg_crc(bytes(buf[pos:end])).to_bytes(4, "little")
        pos = end
    return bytes(buf)


# --------------------------------------------------------------------------- layout

AudioMaker = Callable[[Pair, Path, Path], None]
TextMaker = Callable[[Path, str], None] | None

AUDIO_MAKERS: dict[int, AudioMaker] = {
    3: make_stereo,
    5: make_rate(96000),
    7: make_rate(16000),
    9: make_clipped,
    11: make_long_silence,
    19: make_no_audio,
    20: make_pcm24,
    21: make_too_long,
    22: make_ogg,
    24: make_short,
    25: make_noisy,
    26: make_quiet,
}
TEXT_MAKERS: dict[int, TextMaker] = {
    2: write_text_trailing_space,
    13: write_text_empty,
    15: write_text_gbk,
    17: None,  # audio only
    23: write_text_bom_trailing_space,
}


def full_text(pair: Pair) -> str:
    sep = " " if pair.lang == "en" else ""
    return sep.join((pair.text, *(text for text, _ in pair.extra)))


LANGUAGE_MESSAGE = (
    "检测到您上传的文本和所选语言不一致，请确认文本和语音是否一致。"
    " (The text does not match the selected language.)"
)
ADMIN_MESSAGE = (
    "第9句有爆音，第25句背景噪声明显，第26句音量过小，请重新录制后再提交。"
    " (Sentence 9 is clipped, 25 has background noise, 26 is too quiet: re-record them.)"
)


def audit_result() -> dict[str, object]:
    """A ShowJobAuditResult response for this corpus, with the documented codes.

    MSS.20020011 (wrong audio format), MSS.20020016 (wrong wav/txt count) and MSS.20020018
    (not parseable as WAV) are documented; MSS.20020015 carries the documented "text does not
    match the selected language" message, its number inferred from the page's order. No
    documented code means "speech does not match text": that entry's code is invented and its
    message says so. Noise, clipping and level come as the reviewer's free text, as the
    reference expects for quality rejections.
    """

    def error(audio: str, text: str, code: str, message: str) -> dict[str, str]:
        return {
            "audio_name": audio,
            "text_name": text,
            "error_code": code,
            "error_message": message,
        }

    return {
        "system_audit_result": {
            "audit_time": 1764050400,
            "errors": [
                error(
                    "audio_3.wav",
                    "text_3.txt",
                    "MSS.20020011",
                    "音频格式错误 (wrong audio format).",
                ),
                error(
                    "audio_22.wav",
                    "text_22.txt",
                    "MSS.20020018",
                    "音频无法解析为WAV (the audio cannot be parsed as WAV).",
                ),
                error(
                    "AUDIO_2.WAV",
                    "TEXT_2.TXT",
                    "MSS.20020027",
                    "语音与文本不一致 (speech does not match text). [sample data: invented "
                    "pairing, no documented code carries this message]",
                ),
                error(
                    "corpus\\audio_15.wav", "corpus\\text_15.txt", "MSS.20020015", LANGUAGE_MESSAGE
                ),
                error("audio_27.wav", "text_27.txt", "MSS.20020015", LANGUAGE_MESSAGE),
                error(
                    "",
                    "",
                    "MSS.20020016",
                    "压缩包中wav和txt文件数量不正确 (wrong number of wav/txt files in the zip).",
                ),
                error(
                    "audio_40.wav",
                    "text_40.txt",
                    "MSS.20020011",
                    "音频格式错误 (wrong audio format).",
                ),
                error(
                    "../../etc/audio_1.wav",
                    "../../etc/text_1.txt",
                    "MSS.20020011",
                    "音频格式错误 (wrong audio format).",
                ),
            ],
        },
        "admin_audit_result": {
            "message": ADMIN_MESSAGE,
            "attachment_name": "review-notes.pdf",
            "attachment_url": "https://obs.cn-north-4.myhuaweicloud.com/metastudio-review/"
            "review-notes.pdf?AccessKeyId=EXAMPLE&Expires=1764140400"
            "&Signature=EXAMPLE",
            "audit_time": 1764054000,
        },
    }


# --------------------------------------------------------------------------- README


def espeak_version() -> str:
    result = subprocess.run(["espeak-ng", "--version"], check=True, capture_output=True, text=True)
    match = re.search(r"eSpeak NG text-to-speech: (\S+)", result.stdout)
    return match.group(1) if match else result.stdout.strip()


def describe_audio(path: Path) -> str:
    """One-line format summary of an audio file, as read back by soundfile."""
    if not path.exists():
        return "(missing)"
    info = sf.info(path)
    if info.format == "OGG":
        return f"Ogg Vorbis, {info.samplerate} Hz, {info.channels} ch, {info.duration:.2f} s"
    return f"{info.samplerate} Hz, {info.channels} ch, {info.subtype}, {info.duration:.2f} s"


def readme(out: Path) -> str:
    """The dataset README: provenance plus one table row per pair, read back from ``out``."""
    rows = []
    for pair in PAIRS:
        lang = "English" if pair.lang == "en" else "Mandarin"
        audit = pair.audit.replace("|", "\\|")
        audio = describe_audio(out / pair.audio_name)
        review = " (needs review)" if pair.needs_review else ""
        rows.append(
            f"| {pair.index} | {lang} | {pair.defect} | {audio} | {audit}"
            f" | **{pair.verdict}**{review} | {pair.reason} |"
        )
    table = "\n".join(rows)
    counts = {v: sum(p.verdict == v for p in PAIRS) for v in ("keep", "fix", "drop")}
    size_mb = sum(f.stat().st_size for f in out.iterdir() if f.is_file()) / 1e6
    traversal = "path traversal: never followed, never resolved to pair 1"
    return f"""# remediate sample dataset

A miniature Huawei Cloud MetaStudio voice-training corpus for a Chinese (CN) BASIC job, with
known defects, used by the `remediate` tests and docs. Every file here is generated; do not
edit by hand. {len(PAIRS)} pairs: {counts["keep"]} keep, {counts["fix"]} fix, {counts["drop"]} drop
(so {counts["keep"] + counts["fix"]} resubmittable, short of the 20 a BASIC job needs); about
{size_mb:.0f} MB.

## How it was made

`scripts/make_sample_dataset.py` reads the pairs and their labels from
`scripts/sample_pairs.py` and synthesises every sentence with espeak-ng {espeak_version()}
(`espeak-ng -v cmn-latn-pinyin` from pinyin with tone digits for Mandarin, while the text file
holds the Chinese characters; `espeak-ng -v en` for the one English pair), trims espeak-ng's
own silence, resamples 22050 Hz -> 48000 Hz with soxr (`quality="VHQ"`), normalises the peak
to -3 dBFS, adds seeded -70 dBFS gaussian room tone under the speech and as 0.15-0.3 s of padding at each
end, and writes 16-bit PCM WAV with soundfile. Clean clips are one natural sentence each, 48 kHz, mono, PCM_16,
5-12 s (the edition rules ask for 5-15 s per sentence), with no sample at full scale; text
files are UTF-8 without BOM, the exact sentence spoken plus a single trailing newline. All
randomness is seeded per pair and the Ogg serial number of pair 22 is pinned, so regeneration
is byte-identical for the same espeak-ng, libsndfile and soxr versions. Regenerate with:

```
python scripts/make_sample_dataset.py --out sample_dataset
```

`audit-result.json` is a MetaStudio `ShowJobAuditResult` response for this corpus that uses
the documented codes only: MSS.20020011 (wrong audio format), MSS.20020016 (wrong wav/txt
count, no file name: a job-level entry), MSS.20020018 (cannot be parsed as WAV) and the
"text does not match the selected language" code, whose number MSS.20020015 is inferred from
the order of the error-code page. No documented code says "speech does not match text", so
pair 2's entry uses MSS.20020027 (a number that exists, meaning undocumented) and its message
says the pairing is invented. Quality problems (clipping, noise, level) have no documented
code: they come in the reviewer's message, as the reference expects.

## Pairs

Files are `audio_N.wav` / `text_N.txt`. "Verdict" is what a careful engineer decides from the
audit result plus local inspection; "needs review" marks a verdict that rests on an inference.

| # | Language | Defect | Audio as written | Audit says | Verdict | Reason |
|---|---|---|---|---|---|---|
{table}

## Audit entries that match no local pair

| Audit entry | Code | Verdict | Reason |
|---|---|---|---|
| (no file name) | MSS.20020016 | **unmatched** | package-level: the pair count, a job-level row |
| `audio_40.wav` / `text_40.txt` | MSS.20020011 | **unmatched** | no pair 40 in the corpus |
| `../../etc/audio_1.wav` / `../../etc/text_1.txt` | MSS.20020011 | **unmatched** | {traversal} |

The entries `AUDIO_2.WAV` (upper case) and `corpus\\audio_15.wav` (Windows separator under a
plain sub-folder) are deliberate: they should match pairs 2 (case-insensitively) and 15, whereas
the `../../etc/` entry must never be followed nor matched to pair 1.

The `admin_audit_result` message ("第9句有爆音，第25句背景噪声明显，第26句音量过小 ...",
attachment `review-notes.pdf`) names sentences, not files: it is a job-level entry, shown
verbatim.

## Notes

- Pair 2 is the case of issue 10: the audit says the speech does not match the text (it does
  not: three words differ), and the text also ends with a space, which the fix would clean.
  The space does not explain a content mismatch, so the pair stays **drop**.
- Pair 15 is a **fix** although the audit flags its language: locally the text is not UTF-8 but
  decodes cleanly as GBK, so it can be re-encoded as UTF-8. That the platform read the GBK
  bytes as another language is an inference, so the verdict needs review.
- Pair 25's noise runs through the pauses too, as real room noise does: a floor measured in
  the pauses sits only about 5 dB under the speech.
- Pair 22: libsndfile seeds the Ogg stream serial number from the clock, so the script rewrites
  it to a fixed value (recomputing each page CRC) to keep the file reproducible.
- The voice is robotic formant synthesis: fine for checking formats, levels, durations and
  text, useless for judging naturalness or pronunciation.
"""


# --------------------------------------------------------------------------- main


def clear_owned_files(out: Path) -> None:
    """Delete the files this script generates (and nothing else) so stale ones disappear."""
    for path in out.iterdir():
        if path.is_file() and OWNED_FILE.match(path.name):
            path.unlink()


def build(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    clear_owned_files(out)
    with tempfile.TemporaryDirectory(prefix="sample_dataset_") as tmp:
        workdir = Path(tmp)
        for pair in PAIRS:
            AUDIO_MAKERS.get(pair.index, make_clean)(pair, out, workdir)
            text_maker = TEXT_MAKERS.get(pair.index, write_text_utf8)
            if text_maker is not None:
                text_maker(out / pair.text_name, full_text(pair))
    (out / "audit-result.json").write_text(
        json.dumps(audit_result(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "README.md").write_text(readme(out), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output folder (default: sample_dataset/ at the repo root)",
    )
    args = parser.parse_args(argv)
    build(args.out)
    print(f"wrote {len(list(args.out.iterdir()))} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
