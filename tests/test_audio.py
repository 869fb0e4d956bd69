"""The one-pass probe measures what it claims (remediate.audio.probe), on crafted real files.

Every signal is built as exact int16 samples, written with soundfile and probed; the
assertions are on measured values (dB, seconds, sample counts), not only on codes.
"""

from __future__ import annotations

import hashlib
import math
import os
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr
from wavs import FS, RATE, noise, silence, sine, write

from remediate.audio import probe as audio_mod
from remediate.audio.probe import (
    BLOCK_FRAMES,
    AudioFacts,
    ProbeSettings,
    probe,
    samples_sha256,
    sniff_container,
    wav_data_sizes,
)

ROOT = Path(__file__).resolve().parent.parent

FRAME_S = ProbeSettings().frame_s


# --- level -----------------------------------------------------------------------------


def test_sine_half_scale_peak_and_rms(tmp_path: Path) -> None:
    facts = probe(write(tmp_path / "sine.wav", sine(2.0, amplitude=0.5)))

    assert facts.audio_error is None
    assert (facts.container, facts.format, facts.subtype) == ("wav", "WAV", "PCM_16")
    assert (facts.samplerate, facts.channels, facts.frames) == (RATE, 1, 2 * RATE)
    assert facts.duration_s == pytest.approx(2.0)
    assert facts.peak_dbfs == pytest.approx(20 * math.log10(0.5), abs=0.05)  # -6.02
    assert facts.rms_dbfs == pytest.approx(20 * math.log10(0.5 / math.sqrt(2)), abs=0.05)  # -9.03
    assert facts.clip_samples == 0 and facts.clip_longest_run == 0
    assert facts.dc_offset == pytest.approx(0.0, abs=1e-4)
    assert facts.lead_silence_s == 0.0 and facts.trail_silence_s == 0.0
    # A 1 kHz tone: all its energy sits in one bin (plus the Hann window's skirt).
    assert facts.bandwidth_hz is not None and 900 < facts.bandwidth_hz < 2000


@pytest.mark.parametrize("amplitude", [0.1, 0.25, 0.9])
def test_sine_levels_track_amplitude(tmp_path: Path, amplitude: float) -> None:
    facts = probe(write(tmp_path / "sine.wav", sine(1.0, amplitude=amplitude)))

    assert facts.peak_dbfs == pytest.approx(20 * math.log10(amplitude), abs=0.05)
    assert facts.rms_dbfs == pytest.approx(20 * math.log10(amplitude) - 3.0103, abs=0.05)


def test_pcm24_is_decoded_to_the_same_levels(tmp_path: Path) -> None:
    facts = probe(write(tmp_path / "s24.wav", sine(1.0), subtype="PCM_24"))

    assert facts.subtype == "PCM_24"
    assert facts.peak_dbfs == pytest.approx(-6.02, abs=0.05)
    assert facts.rms_dbfs == pytest.approx(-9.03, abs=0.05)


# --- clipping --------------------------------------------------------------------------


def test_clipping_counts_exact_samples_and_longest_run(tmp_path: Path) -> None:
    x = sine(3.0, amplitude=0.3)
    x[1000] = 32767  # an isolated peak
    x[5000:5004] = 32767  # run of 4
    x[9000:9007] = -32768  # run of 7 at negative full scale (|x| overflows int16)
    x[20000] = 32740  # >= clip level 32735 counts as clipped
    x[20002] = 32734  # just under the level: not clipped
    facts = probe(write(tmp_path / "clip.wav", x))

    assert facts.clip_samples == 1 + 4 + 7 + 1
    assert facts.clip_longest_run == 7
    assert facts.clip_fraction == pytest.approx(13 / x.size)
    assert facts.peak_dbfs == pytest.approx(0.0, abs=1e-9)  # -32768 is exactly full scale


def test_clip_run_straddling_the_block_boundary_is_one_run(tmp_path: Path) -> None:
    x = sine(3.0, amplitude=0.3)
    edge = BLOCK_FRAMES  # first frame of the second block
    x[edge - 6 : edge + 10] = 32767  # 6 samples in block 1, 10 in block 2
    x[2 * edge - 3 : 2 * edge + 2] = -32768  # 3 + 2 across the second boundary
    facts = probe(write(tmp_path / "straddle.wav", x))

    assert facts.clip_samples == 16 + 5
    assert facts.clip_longest_run == 16


def test_clip_run_spanning_a_whole_block(tmp_path: Path) -> None:
    x = sine(4.0, amplitude=0.3)
    x[BLOCK_FRAMES - 2 : 2 * BLOCK_FRAMES + 3] = 32767  # 2 + a full block + 3
    facts = probe(write(tmp_path / "long_run.wav", x))

    assert facts.clip_longest_run == BLOCK_FRAMES + 5
    assert facts.clip_samples == BLOCK_FRAMES + 5


def test_run_is_reset_by_an_unclipped_block(tmp_path: Path) -> None:
    # A run ending a block must not join a run starting two blocks later.
    x = sine(4.0, amplitude=0.3)
    x[BLOCK_FRAMES - 5 : BLOCK_FRAMES] = 32767
    x[2 * BLOCK_FRAMES : 2 * BLOCK_FRAMES + 5] = 32767
    facts = probe(write(tmp_path / "gap.wav", x))

    assert facts.clip_samples == 10
    assert facts.clip_longest_run == 5


def test_stereo_clipping_counts_frames_with_any_clipped_channel(tmp_path: Path) -> None:
    left = sine(1.0, amplitude=0.3)
    right = sine(1.0, amplitude=0.3)
    left[100:103] = 32767
    right[102:106] = -32768  # overlaps frame 102
    facts = probe(write(tmp_path / "st.wav", np.stack([left, right], axis=1)))

    assert facts.clip_samples == 6  # frames 100..105
    assert facts.clip_longest_run == 6


# --- silence, DC, channels -------------------------------------------------------------


@pytest.mark.parametrize("pad", ["digital", "noise"])
def test_lead_and_trail_silence_lengths(tmp_path: Path, pad: str) -> None:
    x = np.concatenate([silence(1.0), sine(2.0), silence(0.5)])
    if pad == "noise":  # a room: the noise runs under the tone too
        x = x + noise(3.5, -80.0, seed=1)
    facts = probe(write(tmp_path / "pad.wav", x))

    assert facts.duration_s == pytest.approx(3.5)
    assert facts.lead_silence_s == pytest.approx(1.0, abs=FRAME_S)
    assert facts.trail_silence_s == pytest.approx(0.5, abs=FRAME_S)
    assert facts.speech_ratio == pytest.approx(1.0)
    if pad == "noise":
        # The -80 dBFS noise runs under the tone too: minimum statistics find it.
        assert facts.noise_floor_dbfs == pytest.approx(-80.0, abs=1.0)
        # Tone power -9.03 dBFS over a -80 dBFS floor.
        assert facts.snr_db == pytest.approx(71.0, abs=1.0)


def test_silence_not_on_a_frame_boundary(tmp_path: Path) -> None:
    x = np.concatenate([silence(0.333), sine(1.0), silence(0.777)])
    facts = probe(write(tmp_path / "odd.wav", x))

    assert facts.lead_silence_s == pytest.approx(0.333, abs=FRAME_S)
    assert facts.trail_silence_s == pytest.approx(0.777, abs=FRAME_S)


def test_gap_in_the_middle_lowers_speech_ratio(tmp_path: Path) -> None:
    x = np.concatenate([sine(1.0), silence(2.0), sine(1.0)])
    facts = probe(write(tmp_path / "gap.wav", x))

    assert facts.lead_silence_s == 0.0 and facts.trail_silence_s == 0.0
    assert facts.speech_ratio == pytest.approx(0.5, abs=0.01)


def test_all_digital_silence(tmp_path: Path) -> None:
    facts = probe(write(tmp_path / "zero.wav", silence(2.0)))

    assert facts.audio_error is None
    assert facts.peak_dbfs == -120.0
    assert facts.rms_dbfs == -120.0
    assert facts.speech_ratio == 0.0
    assert facts.lead_silence_s == pytest.approx(2.0)
    assert facts.snr_db is None
    assert facts.bandwidth_hz is None  # no window with signal


def test_dc_offset(tmp_path: Path) -> None:
    facts = probe(write(tmp_path / "dc.wav", sine(2.0, amplitude=0.3, dc=0.05)))

    assert facts.dc_offset == pytest.approx(0.05, abs=0.001)
    # Peak is the sine crest plus the offset.
    assert facts.peak_dbfs == pytest.approx(20 * math.log10(0.35), abs=0.05)


def test_negative_dc_offset_keeps_its_sign(tmp_path: Path) -> None:
    facts = probe(write(tmp_path / "dc.wav", sine(1.0, amplitude=0.3, dc=-0.02)))

    assert facts.dc_offset == pytest.approx(-0.02, abs=0.001)


def test_stereo_with_a_dead_channel(tmp_path: Path) -> None:
    x = np.stack([sine(2.0), silence(2.0)], axis=1)
    facts = probe(write(tmp_path / "dead.wav", x))

    assert facts.channels == 2
    assert facts.channel_balance_db is not None and facts.channel_balance_db > 60
    # Mean channel power: half of the live channel's -9.03 dBFS.
    assert facts.rms_dbfs == pytest.approx(-9.03 - 3.01, abs=0.05)


def test_stereo_balanced_channels(tmp_path: Path) -> None:
    x = np.stack([sine(1.0, 0.5), sine(1.0, 0.4)], axis=1)
    facts = probe(write(tmp_path / "bal.wav", x))

    assert facts.channel_balance_db == pytest.approx(20 * math.log10(0.5 / 0.4), abs=0.05)


def test_mono_has_no_channel_balance(tmp_path: Path) -> None:
    assert probe(write(tmp_path / "m.wav", sine(1.0))).channel_balance_db is None


# --- bandwidth -------------------------------------------------------------------------


def _white(seconds: float, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(round(seconds * RATE)) * 0.1


def test_bandwidth_of_upsampled_noise_is_the_source_nyquist(tmp_path: Path) -> None:
    w = _white(3.0)
    fake = soxr.resample(soxr.resample(w, RATE, 16000), 16000, RATE)
    facts = probe(write(tmp_path / "fake.wav", np.round(fake * FS).astype(np.int16)))

    assert facts.bandwidth_hz is not None
    assert 7000 < facts.bandwidth_hz < 9000  # a 16 kHz source: content stops near 8 kHz


def test_bandwidth_of_full_band_noise(tmp_path: Path) -> None:
    facts = probe(write(tmp_path / "full.wav", np.round(_white(3.0) * FS).astype(np.int16)))

    assert facts.bandwidth_hz is not None and facts.bandwidth_hz > 20000


def test_bandwidth_of_22k_source(tmp_path: Path) -> None:
    w = _white(3.0)
    up = soxr.resample(soxr.resample(w, RATE, 22050), 22050, RATE)
    facts = probe(write(tmp_path / "22k.wav", np.round(up * FS).astype(np.int16)))

    assert facts.bandwidth_hz is not None and 10000 < facts.bandwidth_hz < 11100


# --- hashes ----------------------------------------------------------------------------


def test_samples_hash_ignores_the_container(tmp_path: Path) -> None:
    x = sine(1.0, 0.4)
    wav_path = write(tmp_path / "a.wav", x)
    wide_path = write(tmp_path / "b.wav", x, subtype="PCM_24")  # the same samples, re-encoded
    flac_path = write(tmp_path / "c.flac", x, format="FLAC").rename(tmp_path / "c.wav")
    other_path = write(tmp_path / "d.wav", sine(1.0, 0.41))
    wav, wide, other = probe(wav_path), probe(wide_path), probe(other_path)

    assert wav.audio_sha256 != wide.audio_sha256  # the bytes differ
    # The cheap fingerprint already agrees; the exact hash (computed where fingerprints
    # collide) confirms it, whatever the container.
    assert wav.samples_fingerprint == wide.samples_fingerprint
    assert other.samples_fingerprint != wav.samples_fingerprint
    assert samples_sha256(wav_path) == samples_sha256(wide_path) == samples_sha256(flac_path)
    assert samples_sha256(other_path) != samples_sha256(wav_path)
    exact = hashlib.sha256(b"48000:1:" + x.astype("<i2").tobytes()).hexdigest()
    assert samples_sha256(wav_path) == exact


def test_other_containers_are_named_not_decoded(tmp_path: Path) -> None:
    # FLAC/MP3/OGG under a .wav name are an error (audio-container) whatever they hold:
    # decoding them costs time and memory (a 6-hour FLAC) and lets libmpg123 write to stderr.
    x = sine(1.0, 0.4)
    flac = probe(write(tmp_path / "c.flac", x, format="FLAC").rename(tmp_path / "c.wav"))
    assert flac.container == "flac" and flac.audio_sha256
    assert (flac.samplerate, flac.frames, flac.samples_fingerprint, flac.audio_error) == (
        None,
        None,
        None,
        None,
    )


def test_samples_hash_includes_rate_and_channels(tmp_path: Path) -> None:
    x = sine(1.0)
    a = write(tmp_path / "a.wav", x, rate=48000)
    b = write(tmp_path / "b.wav", x, rate=44100)
    assert probe(a).samples_fingerprint != probe(b).samples_fingerprint
    assert samples_sha256(a) != samples_sha256(b)


def test_samples_hash_survives_pcm24_reencode(tmp_path: Path) -> None:
    x = sine(1.0, 0.4)
    a = write(tmp_path / "a.wav", x)
    b = write(tmp_path / "b.wav", x, subtype="PCM_24")
    assert probe(a).samples_fingerprint == probe(b).samples_fingerprint
    assert samples_sha256(a) == samples_sha256(b)


def test_samples_hash_of_an_undecodable_file_is_none(tmp_path: Path) -> None:
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunk")
    assert samples_sha256(junk) is None


@pytest.mark.parametrize("index", [0, 3, 5, 9, 11, 20, 22])
def test_in_memory_pcm16_path_equals_libsndfile(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PCM_16 WAVs are viewed in place; everything else, and files over the in-memory limit,
    # goes through libsndfile. Both must measure the same.
    path = ROOT / "sample_dataset" / f"audio_{index}.wav"
    fast = probe(path)
    monkeypatch.setattr(audio_mod, "IN_MEMORY_MAX_BYTES", 0)
    slow = probe(path)
    assert fast == slow


# --- containers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"", "empty"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"),
        (b"RF64\xff\xff\xff\xffWAVEds64", "rf64"),
        (b"BW64\xff\xff\xff\xffWAVEds64", "rf64"),
        (b"RIFX\x00\x00\x00\x24WAVEfmt ", "rifx"),
        (b"OggS\x00\x02" + bytes(20), "ogg"),
        (b"fLaC\x00\x00\x00\x22", "flac"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "mp3"),
        (bytes([0xFF, 0xFB, 0x90, 0x64]), "mp3"),  # MPEG-1 layer III frame sync
        (bytes([0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC]), "aac"),  # ADTS
        (b"ADIF" + bytes(8), "aac"),
        (b"FORM\x00\x00\x10\x00AIFFCOMM", "aiff"),
        (b"FORM\x00\x00\x10\x00AIFCFVER", "aiff"),
        (b"\x00\x00\x00\x20ftypM4A ", "mp4"),
        (b"hello world, not audio", "unknown"),
        (b"RIFF\x24\x00\x00\x00AVI LIST", "unknown"),
    ],
)
def test_sniff_container(head: bytes, expected: str) -> None:
    assert sniff_container(head) == expected


def _renamed(tmp_path: Path, fmt: str, subtype: str | None = None) -> Path:
    src = write(
        tmp_path / f"x.{fmt.lower()}",
        sine(1.0),
        format=fmt,
        **({"subtype": subtype} if subtype else {}),
    )
    return src.rename(tmp_path / f"{fmt.lower()}.wav")


@pytest.mark.parametrize(
    ("fmt", "subtype", "container"),
    [("OGG", "VORBIS", "ogg"), ("FLAC", None, "flac"), ("AIFF", None, "aiff")],
)
def test_real_foreign_files_renamed_wav(
    tmp_path: Path, fmt: str, subtype: str | None, container: str
) -> None:
    facts = probe(_renamed(tmp_path, fmt, subtype))

    assert facts.container == container
    # Named, never decoded: the container alone makes it an error (audio-container).
    assert (facts.format, facts.frames, facts.audio_error) == (None, None, None)
    assert facts.declared_data_bytes is None  # no RIFF chunk walk for foreign containers


@pytest.mark.parametrize(
    ("data", "container", "error"),
    [
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(600), "mp3", None),
        (bytes([0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC]) * 100, "aac", None),
        (bytes(range(256)) * 20, "unknown", "unknown format: not decoded"),
        (b"RIFF\x10\x00\x00\x00WAVEjunk" + bytes(range(256)) * 20, "wav", "cannot decode"),
    ],
)
def test_undecodable_foreign_bytes_give_an_error_not_an_exception(
    tmp_path: Path, data: bytes, container: str, error: str | None
) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(data)
    facts = probe(path)

    assert facts.container == container
    if error is None:  # a known foreign format: named by its container, never decoded
        assert facts.audio_error is None
    else:
        assert facts.audio_error is not None and facts.audio_error.startswith(error)
        assert str(tmp_path) not in facts.audio_error  # the reason, not the path
    assert facts.audio_sha256 is not None  # the bytes were still hashed


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    facts = probe(path)

    assert facts.container == "empty"
    assert facts.audio_error == "file is empty (0 bytes)"
    assert facts.frames is None


def test_truncated_wav(tmp_path: Path) -> None:
    full = write(tmp_path / "full.wav", sine(2.0)).read_bytes()
    header = len(full) - 2 * RATE * 2
    path = tmp_path / "cut.wav"
    path.write_bytes(full[: header + RATE * 2])  # half the data chunk
    facts = probe(path)

    assert facts.declared_data_bytes == 2 * RATE * 2
    assert facts.actual_data_bytes == RATE * 2
    assert facts.declared_data_bytes > facts.actual_data_bytes
    # What is there still decodes and is measured.
    assert facts.frames == RATE
    assert facts.peak_dbfs == pytest.approx(-6.02, abs=0.05)


def test_header_only_wav(tmp_path: Path) -> None:
    full = write(tmp_path / "full.wav", sine(1.0)).read_bytes()
    path = tmp_path / "hdr.wav"
    path.write_bytes(full[: len(full) - RATE * 2])
    facts = probe(path)

    assert facts.actual_data_bytes == 0 and facts.declared_data_bytes == RATE * 2
    assert facts.frames == 0


def test_garbage_header_sets_audio_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.wav"
    path.write_bytes(b"RIFF\xff\xff\xff\xffWAVEjunkjunkjunk" + bytes(range(256)) * 4)
    facts = probe(path)

    assert facts.container == "wav"
    assert facts.audio_error is not None and "data" in facts.audio_error
    assert facts.declared_data_bytes is None  # the chunk walk found no data chunk


def test_wav_cut_inside_the_fmt_chunk(tmp_path: Path) -> None:
    full = write(tmp_path / "full.wav", sine(1.0)).read_bytes()
    path = tmp_path / "short.wav"
    path.write_bytes(full[:20])
    facts = probe(path)

    assert facts.audio_error is not None
    assert facts.declared_data_bytes is None


def test_missing_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "dir.wav").mkdir()
    assert probe(tmp_path / "dir.wav").audio_error is not None
    assert probe(tmp_path / "nope.wav").audio_error is not None


def test_wav_data_sizes_with_odd_chunk_before_data(tmp_path: Path) -> None:
    # A LIST chunk of odd size is padded to even length: the walk must honour the pad byte.
    body = sine(0.1).tobytes()
    fmt = (
        b"fmt "
        + (16).to_bytes(4, "little")
        + bytes.fromhex("0100010080bb000000770100020010 00".replace(" ", ""))
    )
    lst = b"LIST" + (3).to_bytes(4, "little") + b"abc" + b"\x00"
    data = b"data" + len(body).to_bytes(4, "little") + body
    riff = b"WAVE" + fmt + lst + data
    path = tmp_path / "list.wav"
    path.write_bytes(b"RIFF" + len(riff).to_bytes(4, "little") + riff)

    assert wav_data_sizes(path, path.stat().st_size) == (len(body), len(body))
    facts = probe(path)
    assert facts.audio_error is None and facts.frames == len(body) // 2


def test_rf64(tmp_path: Path) -> None:
    facts = probe(write(tmp_path / "big.wav", sine(1.0), format="RF64"))

    assert facts.container == "rf64"
    assert facts.format == "RF64"
    assert facts.declared_data_bytes == RATE * 2 == facts.actual_data_bytes
    assert facts.peak_dbfs == pytest.approx(-6.02, abs=0.05)


# --- long files ------------------------------------------------------------------------


def _traced_probe(path: Path) -> tuple[AudioFacts, int]:
    tracemalloc.start()
    try:
        facts = probe(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return facts, peak


def test_long_file_is_probed_blockwise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio_mod, "IN_MEMORY_MAX_BYTES", 0)  # stream both files
    paths = {}
    for seconds in (40, 160):
        x = np.tile(sine(1.0, amplitude=0.25), seconds)
        x[-RATE:] = 0  # one second of trailing digital silence
        paths[seconds] = write(tmp_path / f"long{seconds}.wav", x)
        del x

    _, peak_short = _traced_probe(paths[40])
    facts, peak = _traced_probe(paths[160])

    assert facts.frames == 160 * RATE
    assert facts.duration_s == pytest.approx(160)
    assert facts.trail_silence_s == pytest.approx(1.0, abs=FRAME_S)
    assert facts.peak_dbfs == pytest.approx(20 * math.log10(0.25), abs=0.05)
    # Per-frame values, one block and one voice chunk are held, not the samples: four
    # times the audio costs (almost) no more memory, and less than the 15 MB decoded.
    assert peak < 1.15 * peak_short, f"peak {peak} for 160 s vs {peak_short} for 40 s"
    assert peak < 160 * RATE * 2


def test_probe_never_raises_on_unreadable_permissions(tmp_path: Path) -> None:
    path = write(tmp_path / "locked.wav", sine(0.5))
    path.chmod(0)
    try:
        facts = probe(path)
        if os.geteuid() != 0:  # root reads anything
            assert facts.audio_error is not None and facts.audio_error.startswith("cannot open")
    finally:
        path.chmod(0o644)


def test_name_that_is_not_utf8(tmp_path: Path) -> None:
    try:
        target = tmp_path / os.fsdecode(b"audio_\xe9t\xe9.wav")  # Latin-1 bytes
        write(tmp_path / "ascii.wav", sine(1.0)).rename(target)
    except (OSError, UnicodeError):
        pytest.skip("the filesystem refuses names that are not UTF-8")
    facts = probe(target)

    assert facts.audio_error is None
    assert facts.peak_dbfs == pytest.approx(-6.02, abs=0.05)


# --- float WAVs: libsndfile does not scale floats read as int16 -------------------------


@pytest.mark.parametrize("subtype", ["FLOAT", "DOUBLE"])
def test_float_wav_levels_match_pcm(tmp_path: Path, subtype: str) -> None:
    t = np.arange(48000) / 48000
    x = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    sf.write(tmp_path / "f.wav", x, 48000, subtype=subtype)
    facts = probe(tmp_path / "f.wav")
    assert facts.subtype == subtype
    assert facts.peak_dbfs == pytest.approx(-6.02, abs=0.01)
    assert facts.rms_dbfs == pytest.approx(-9.03, abs=0.01)
    assert facts.clip_samples == 0


def test_float_overs_count_as_clipping(tmp_path: Path) -> None:
    x = np.zeros(4800, dtype=np.float32)
    x[100:110] = 1.7  # ten consecutive overs above full scale
    x[2000] = -2.0
    sf.write(tmp_path / "over.wav", x, 48000, subtype="FLOAT")
    facts = probe(tmp_path / "over.wav")
    assert facts.clip_samples == 11
    assert facts.clip_longest_run == 10
    assert facts.peak_dbfs == pytest.approx(0.0, abs=0.01)
