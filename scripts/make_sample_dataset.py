"""Regenerate the bundled ``sample_dataset/`` used by ``remediate``'s tests and docs.

The sample dataset is a miniature Huawei Cloud MetaStudio voice-training corpus: 24 numbered
pairs ``audio_N.wav`` / ``text_N.txt`` (N = 0..23, like the API example ``audio_0.wav`` /
``text_0.txt``), plus a plausible ``audit-result.json`` (a ShowJobAuditResult response) and a
``README.md`` describing every pair. Most pairs are clean; the others each carry exactly one
deliberate defect (stereo, wrong sample rate, clipping, long silent padding, empty or GBK or
BOM text, missing partner file, PCM_24, too long, Ogg content under a ``.wav`` name) so that the
package's tests can assert a known keep / fix / drop / unmatched verdict for each of them.

Speech is synthesised with espeak-ng (English with ``-v en``; Mandarin with
``-v cmn-latn-pinyin`` from pinyin with tone digits, while the text file holds the Chinese
characters), trimmed, resampled from 22050 Hz with soxr (VHQ), peak-normalised to -3 dBFS and
padded at both ends with seeded very-low-level noise (about -70 dBFS). Every random choice uses a
fixed per-pair seed, and the Ogg stream serial number (random in libsndfile) is pinned, so two
runs produce byte-identical files given the same espeak-ng / libsndfile / soxr versions.

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

ESPEAK_RATE = 22050
TARGET_RATE = 48000
BASE_SEED = 20251125
PEAK_DBFS = -3.0
NOISE_DBFS = -70.0
PAD_RANGE_S = (0.15, 0.3)
MAX_PAD_S = 0.4
CLEAN_DURATION_S = (3.0, 10.0)
OGG_SERIAL = 0x4D535331  # "MSS1": fixed Ogg stream serial so the Ogg file is reproducible

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "sample_dataset"
OWNED_FILE = re.compile(r"^(audio_\d+\.wav|text_\d+\.txt|audit-result\.json|README\.md)$")


NOT_FLAGGED = "not flagged"
CLEAN_KEEP = "clean, not flagged by the audit"


@dataclass(frozen=True)
class Pair:
    """One corpus pair: what is said, how it is spoken, what is wrong with it, and the verdict."""

    index: int
    lang: str  # "en" or "zh"
    text: str  # exact sentence written to text_N.txt (Chinese characters for Mandarin)
    pinyin: str = ""  # synthesis input for Mandarin pairs (citation tones, 5 = neutral)
    extra: tuple[str, ...] = ()  # further sentences, spoken and written after `text` (pair 21)
    defect: str = "clean"  # the single deliberate defect, if any
    audit: str = NOT_FLAGGED  # what audit-result.json says about this pair
    verdict: str = "keep"  # keep / fix / drop
    reason: str = CLEAN_KEEP

    @property
    def audio_name(self) -> str:
        return f"audio_{self.index}.wav"

    @property
    def text_name(self) -> str:
        return f"text_{self.index}.txt"


PAIRS: list[Pair] = [
    Pair(0, "en", "The morning train was delayed by twenty minutes because of heavy fog."),
    Pair(
        1,
        "en",
        "She packed a small bag with water, a map, and a warm jacket.",
        reason=CLEAN_KEEP + " (the `../../etc/audio_1.wav` audit entry is not this pair)",
    ),
    Pair(
        2,
        "en",
        "Please remember to switch off the lights before you leave the office.",
        audit="MSS.20020027 speech does not match text (as `AUDIO_2.WAV`)",
        verdict="drop",
        reason="flagged, nothing local explains it, and a speech/text mismatch is not "
        "machine-fixable",
    ),
    Pair(
        3,
        "en",
        "My grandfather grew tomatoes and beans in the garden behind his house.",
        defect="stereo (2 channels, right channel x0.8)",
        audit="MSS.20020011 audio must be mono WAV",
        verdict="fix",
        reason="stereo explains the flag; downmix to mono",
    ),
    Pair(4, "en", "The library will be closed on Monday for the public holiday."),
    Pair(
        5,
        "en",
        "We watched the sun go down over the quiet lake last summer.",
        defect="sample rate 96000 Hz",
        verdict="fix",
        reason="resample 96 kHz down to 48 kHz",
    ),
    Pair(6, "en", "Could you tell me where the nearest pharmacy is, please?"),
    Pair(
        7,
        "en",
        "The children laughed as the puppy chased its own tail around the yard.",
        defect="sample rate 16000 Hz",
        verdict="drop",
        reason="below 44.1 kHz; upsampling cannot restore the missing bandwidth, re-record",
    ),
    Pair(8, "en", "Fresh bread from the bakery on the corner always smells wonderful."),
    Pair(
        9,
        "en",
        "He turned up the radio when his favourite song came on.",
        defect="heavily clipped (+20 dB gain, well over 1% of samples at full scale)",
        audit="MSS.20020019 clipping detected",
        verdict="drop",
        reason="clipping destroys the waveform; re-record",
    ),
    Pair(
        10,
        "zh",
        "今天天气很好，我们去公园散步吧。",
        pinyin="jin1 tian1 tian1 qi4 hen3 hao3, wo3 men5 qu4 gong1 yuan2 san4 bu4 ba5.",
    ),
    Pair(
        11,
        "en",
        "The museum has a new exhibition about ancient maps and sailing ships.",
        defect="3.0 s of near-silence (-70 dBFS noise) before and after the speech",
        verdict="fix",
        reason="trim the leading and trailing silence",
    ),
    Pair(
        12,
        "zh",
        "我每天早上七点起床，然后喝一杯咖啡。",
        pinyin="wo3 mei3 tian1 zao3 shang5 qi1 dian3 qi3 chuang2, ran2 hou4 he1 yi1 bei1 ka1 fei1.",
    ),
    Pair(
        13,
        "en",
        "I usually drink a cup of green tea before I start working.",
        defect="text file is empty (0 bytes); audio clean",
        verdict="drop",
        reason="no transcript to train on",
    ),
    Pair(
        14,
        "zh",
        "这家饭店的菜很好吃，价格也不贵。",
        pinyin="zhe4 jia1 fan4 dian4 de5 cai4 hen3 hao3 chi1, jia4 ge2 ye3 bu4 gui4.",
    ),
    Pair(
        15,
        "zh",
        "明天下午三点我们在图书馆门口见面。",
        pinyin="ming2 tian1 xia4 wu3 san1 dian3 wo3 men5 zai4 tu2 shu1 guan3 "
        "men2 kou3 jian4 mian4.",
        defect="text encoded in GBK (bytes are not valid UTF-8); audio clean",
        audit="MSS.20020013 text language does not match (as `corpus\\audio_15.wav`)",
        verdict="fix",
        reason="GBK text is decodable; re-encode as UTF-8 (the language flag is plausibly "
        "the mis-decoded text)",
    ),
    Pair(
        16,
        "zh",
        "请问去火车站应该坐几路公交车？",
        pinyin="qing3 wen4 qu4 huo3 che1 zhan4 ying1 gai1 zuo4 ji3 lu4 gong1 jiao1 che1?",
    ),
    Pair(
        17,
        "en",
        "They decided to paint the kitchen a soft shade of yellow.",
        defect="audio only: no text_17.txt",
        verdict="drop",
        reason="no transcript to train on",
    ),
    Pair(
        18,
        "zh",
        "周末我喜欢在家看书和听音乐。",
        pinyin="zhou1 mo4 wo3 xi3 huan5 zai4 jia1 kan4 shu1 he2 ting1 yin1 yue4.",
    ),
    Pair(
        19,
        "en",
        "The bus to the airport leaves every half hour from the main square.",
        defect="text only: no audio_19.wav",
        verdict="drop",
        reason="no recording",
    ),
    Pair(
        20,
        "zh",
        "他的妹妹在一家医院当护士。",
        pinyin="ta1 de5 mei4 mei5 zai4 yi1 jia1 yi1 yuan4 dang1 hu4 shi5.",
        defect="PCM_24 instead of PCM_16 (48 kHz mono)",
        verdict="fix",
        reason="convert to 16-bit PCM",
    ),
    Pair(
        21,
        "en",
        "Our team spent the whole afternoon testing the new software on a pile of old laptops.",
        extra=(
            "Most of the problems were small and easy to fix, but one strange bug made the "
            "screen go completely dark.",
            "We wrote everything down in a shared document and promised to fix it before "
            "the next release.",
        ),
        defect="too long (over 15 s: three sentences with short pauses)",
        verdict="drop",
        reason="over the 15 s limit; splitting needs sentence-level alignment, re-record",
    ),
    Pair(
        22,
        "en",
        "A gentle breeze moved the curtains while she read her book by the window.",
        defect="not a WAV: Ogg Vorbis content under the name audio_22.wav",
        audit="MSS.20020018 cannot be parsed as WAV",
        verdict="drop",
        reason="lossy Ogg Vorbis source; transcoding cannot recover studio quality, re-record",
    ),
    Pair(
        23,
        "zh",
        "这个周末天气不错，我们一起去爬山吧。",
        pinyin="zhe4 ge5 zhou1 mo4 tian1 qi4 bu4 cuo4, wo3 men5 yi1 qi3 qu4 pa2 shan1 ba5.",
        defect="text starts with a UTF-8 BOM and has a trailing space; audio clean",
        verdict="fix",
        reason="strip the BOM and the trailing whitespace",
    ),
]


# --------------------------------------------------------------------------- signal helpers


def db_to_amp(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def rng_for(pair: Pair) -> np.random.Generator:
    """A generator seeded only by the pair index, so output does not depend on build order."""
    return np.random.default_rng([BASE_SEED, pair.index])


def synthesize(sentence: str, lang: str, workdir: Path) -> np.ndarray:
    """Speak one sentence with espeak-ng and return mono float64 samples at 22050 Hz."""
    voice = "en" if lang == "en" else "cmn-latn-pinyin"
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
    """Add low-level noise before and after ``x``; random 0.15-0.3 s unless given."""
    lead = rng.uniform(*PAD_RANGE_S) if lead_s is None else lead_s
    trail = rng.uniform(*PAD_RANGE_S) if trail_s is None else trail_s
    n_lead, n_trail = round(lead * rate), round(trail * rate)
    return np.concatenate([noise(rng, n_lead), x, noise(rng, n_trail)])


def speech(pair: Pair, workdir: Path, rate: int = TARGET_RATE) -> np.ndarray:
    """The pair's (first) sentence, synthesised, resampled to ``rate`` and peak-normalised."""
    source = pair.pinyin if pair.lang == "zh" else pair.text
    return normalise_peak(resample(synthesize(source, pair.lang, workdir), rate))


def clean_clip(pair: Pair, workdir: Path, rate: int = TARGET_RATE) -> np.ndarray:
    """A clean take: speech with 0.15-0.3 s of noise at each end, stretched to at least 3 s."""
    rng = rng_for(pair)
    x = speech(pair, workdir, rate)
    lead = rng.uniform(*PAD_RANGE_S)
    trail = rng.uniform(*PAD_RANGE_S)
    short = CLEAN_DURATION_S[0] + 0.05 - (len(x) / rate + lead + trail)
    if short > 0:
        trail += short
    if max(lead, trail) > MAX_PAD_S:
        raise RuntimeError(f"pair {pair.index}: sentence too short for a clean 3 s clip")
    y = pad(x, rate, rng, lead, trail)
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


def make_long_silence(pair: Pair, out: Path, workdir: Path) -> None:
    """3.0 s of -70 dBFS noise before and after the speech."""
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
    for sentence in (pair.text, *pair.extra):
        if parts:
            parts.append(noise(rng, round(0.6 * TARGET_RATE)))
        parts.append(resample(synthesize(sentence, pair.lang, workdir), TARGET_RATE))
    x = pad(normalise_peak(np.concatenate(parts)), TARGET_RATE, rng)
    if not 15.0 < len(x) / TARGET_RATE < 18.0:
        raise RuntimeError(f"pair {pair.index}: {len(x) / TARGET_RATE:.2f} s, want 15-18 s")
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
}
TEXT_MAKERS: dict[int, TextMaker] = {
    13: write_text_empty,
    15: write_text_gbk,
    17: None,  # audio only
    23: write_text_bom_trailing_space,
}


def full_text(pair: Pair) -> str:
    return " ".join((pair.text, *pair.extra))


def audit_result() -> dict[str, object]:
    """A plausible ShowJobAuditResult response for this corpus."""

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
                    "Audio format error: audio must be mono WAV.",
                ),
                error(
                    "audio_9.wav",
                    "text_9.txt",
                    "MSS.20020019",
                    "Audio volume too high, clipping detected.",
                ),
                error(
                    "audio_22.wav",
                    "text_22.txt",
                    "MSS.20020018",
                    "Audio file cannot be parsed as WAV.",
                ),
                error("AUDIO_2.WAV", "TEXT_2.TXT", "MSS.20020027", "Speech does not match text."),
                error(
                    "corpus\\audio_15.wav",
                    "corpus\\text_15.txt",
                    "MSS.20020013",
                    "Text language does not match the selected language.",
                ),
                error(
                    "audio_40.wav",
                    "text_40.txt",
                    "MSS.20020016",
                    "Number of audio and text files in package is incorrect.",
                ),
                error(
                    "../../etc/audio_1.wav",
                    "../../etc/text_1.txt",
                    "MSS.20020011",
                    "Audio format error.",
                ),
            ],
        },
        "admin_audit_result": {
            "message": "Background noise and clipping heard in several recordings; please "
            "re-record the flagged sentences. See attachment for details.",
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
        rows.append(
            f"| {pair.index} | {lang} | {pair.defect} | {audio} | {audit}"
            f" | **{pair.verdict}** | {pair.reason} |"
        )
    table = "\n".join(rows)
    traversal = "path traversal: never followed, never resolved to pair 1"
    return f"""# remediate sample dataset

A miniature Huawei Cloud MetaStudio voice-training corpus with known defects, used by the
`remediate` tests and docs. Every file here is generated; do not edit by hand.

## How it was made

`scripts/make_sample_dataset.py` synthesises every sentence with espeak-ng {espeak_version()}
(`espeak-ng -v en` for English; `espeak-ng -v cmn-latn-pinyin` from pinyin with tone digits for
Mandarin, while the text file holds the Chinese characters), trims espeak-ng's own silence,
resamples 22050 Hz -> 48000 Hz with soxr (`quality="VHQ"`), normalises the peak to -3 dBFS,
pads each end with 0.15-0.3 s of seeded -70 dBFS gaussian noise and writes 16-bit PCM WAV with
soundfile. Clean clips are 48 kHz, mono, PCM_16, 3-10 s, with no sample at full scale; text
files are UTF-8 without BOM, the exact sentence spoken plus a single trailing newline. All
randomness is seeded per pair and the Ogg serial number of pair 22 is pinned, so regeneration
is byte-identical for the same espeak-ng, libsndfile and soxr versions. Regenerate with:

```
python scripts/make_sample_dataset.py --out sample_dataset
```

`audit-result.json` is a plausible MetaStudio `ShowJobAuditResult` response for this corpus.

## Pairs

Files are `audio_N.wav` / `text_N.txt`. "Verdict" is what a careful engineer would decide from
the audit result plus local inspection.

| # | Language | Defect | Audio as written | Audit says | Verdict | Reason |
|---|---|---|---|---|---|---|
{table}

## Audit entries that match no local pair

| Audit entry | Code | Verdict | Reason |
|---|---|---|---|
| `audio_40.wav` / `text_40.txt` | MSS.20020016 | **unmatched** | no pair 40 in the corpus |
| `../../etc/audio_1.wav` / `../../etc/text_1.txt` | MSS.20020011 | **unmatched** | {traversal} |

The entries `AUDIO_2.WAV` (upper case) and `corpus\\audio_15.wav` (Windows separator under a
plain sub-folder) are deliberate: they should match pairs 2 (case-insensitively) and 15, whereas
the `../../etc/` entry must never be followed nor matched to pair 1.

The `admin_audit_result` message ("Background noise and clipping heard in several recordings
...", attachment `review-notes.pdf`) names no file: it is a job-level entry, not a per-pair one.

## Notes

- Mandarin speech is synthesised from the pinyin stored next to each sentence in the script
  (citation tones, `5` = neutral tone); espeak-ng applies third-tone sandhi by itself.
- Pair 15 is a **fix** although the audit flags its language: locally the text is not UTF-8, but
  it decodes cleanly as GBK, so it can be re-encoded as UTF-8. The audit's "text language does
  not match" is plausibly the platform reading the GBK bytes as mis-decoded garbage.
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
