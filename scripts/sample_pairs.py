"""The labelled pairs of ``sample_dataset/``: what is said, what is wrong, what the verdict is.

Data only (no audio libraries), so the tests can read the labels without the generator's
dependencies: ``tests/sample_labels.py`` loads this file. ``make_sample_dataset.py`` builds
the corpus from it.

The corpus is a Mandarin (CN) job, as MetaStudio trains Chinese only for now: every clean
clip is one natural sentence of 5-12 s. Mandarin speech is synthesised from the pinyin
(citation tones, ``5`` = neutral tone) while the text file holds the Chinese characters.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_FLAGGED = "not flagged"
CLEAN_KEEP = "clean, not flagged by the audit"

KEEP, FIX, DROP = "keep", "fix", "drop"


@dataclass(frozen=True)
class Pair:
    """One corpus pair: what is said, how it is spoken, what is wrong with it, and the verdict.

    ``verdict`` is what a careful engineer decides from the audit plus local inspection;
    ``needs_review`` is true when that verdict rests on an assumption (an inferred audit
    code, a warning no fix resolves).
    """

    index: int
    lang: str  # "zh" or "en"
    text: str  # exact sentence written to text_N.txt
    pinyin: str = ""  # synthesis input for Mandarin (what is actually spoken)
    extra: tuple[tuple[str, str], ...] = ()  # further (text, pinyin) sentences (pair 21)
    defect: str = "clean"
    audit: str = NOT_FLAGGED  # what audit-result.json says about this pair
    verdict: str = KEEP
    reason: str = CLEAN_KEEP
    needs_review: bool = False

    @property
    def audio_name(self) -> str:
        return f"audio_{self.index}.wav"

    @property
    def text_name(self) -> str:
        return f"text_{self.index}.txt"


_MEETING = "我们下周三上午十点在三楼的会议室开会，请大家准时参加。"
_MEETING_PINYIN = (
    "wo3 men5 xia4 zhou1 san1 shang4 wu3 shi2 dian3 zai4 san1 lou2 de5 hui4 yi4 shi4 "
    "kai1 hui4, qing3 da4 jia1 zhun3 shi2 can1 jia1."
)
_NOTICE = (
    "会议主要讨论明年的预算安排和新项目的人员分工，每个部门需要提前准备一份简短的工作总结，"
    "内容包括今年完成的主要任务、遇到的困难以及下一步的计划。如果有特殊情况不能参加，"
    "请提前向部门负责人说明，并安排其他同事代为出席。"
)

PAIRS: list[Pair] = [
    Pair(
        0,
        "zh",
        "早上的火车因为大雾晚点了二十分钟，我们只好在站台上等着。",
        "zao3 shang5 de5 huo3 che1 yin1 wei4 da4 wu4 wan3 dian3 le5 er4 shi2 fen1 zhong1, "
        "wo3 men5 zhi3 hao3 zai4 zhan4 tai2 shang5 deng3 zhe5.",
    ),
    Pair(
        1,
        "zh",
        "她在小包里装了一瓶水、一张地图和一件暖和的外套。",
        "ta1 zai4 xiao3 bao1 li3 zhuang1 le5 yi4 ping2 shui3, yi4 zhang1 di4 tu2 he2 yi2 "
        "jian4 nuan3 huo5 de5 wai4 tao4.",
        reason=CLEAN_KEEP + " (the `../../etc/audio_1.wav` audit entry is not this pair)",
    ),
    Pair(
        2,
        "zh",
        "请记得在离开办公室之前把所有的灯都关掉。",
        # What is spoken differs: 教室 for 办公室, 窗户 for 灯, 关上 for 关掉.
        "qing3 ji4 de5 zai4 li2 kai1 jiao4 shi4 zhi1 qian2 ba3 suo3 you3 de5 chuang1 hu5 "
        "dou1 guan1 shang4.",
        defect="speech does not match the text (three words differ); the text also ends "
        "with a space",
        audit="speech does not match text (code not documented, as `AUDIO_2.WAV`)",
        verdict=DROP,
        reason="the mismatch is content: re-record or correct the transcript by hand; the "
        "fixable trailing space does not explain it",
    ),
    Pair(
        3,
        "zh",
        "我爷爷在房子后面的菜园里种了西红柿和豆角。",
        "wo3 ye2 ye5 zai4 fang2 zi5 hou4 mian4 de5 cai4 yuan2 li3 zhong4 le5 xi1 hong2 "
        "shi4 he2 dou4 jiao3.",
        defect="stereo (2 channels, right channel x0.8)",
        audit="MSS.20020011 wrong audio format",
        verdict=FIX,
        reason="stereo explains the flag; downmix to mono",
    ),
    Pair(
        4,
        "zh",
        "图书馆星期一因为公共假日闭馆，星期二早上照常开放。",
        "tu2 shu1 guan3 xing1 qi1 yi1 yin1 wei4 gong1 gong4 jia4 ri4 bi4 guan3, xing1 qi1 "
        "er4 zao3 shang5 zhao4 chang2 kai1 fang4.",
    ),
    Pair(
        5,
        "zh",
        "去年夏天我们坐在安静的湖边，看着太阳慢慢落下去。",
        "qu4 nian2 xia4 tian1 wo3 men5 zuo4 zai4 an1 jing4 de5 hu2 bian1, kan4 zhe5 tai4 "
        "yang2 man4 man4 luo4 xia4 qu5.",
        defect="sample rate 96000 Hz",
        verdict=FIX,
        reason="resample 96 kHz down to 48 kHz",
    ),
    Pair(
        6,
        "zh",
        "请问附近有没有药店，我想买一点感冒药和创可贴。",
        "qing3 wen4 fu4 jin4 you3 mei2 you3 yao4 dian4, wo3 xiang3 mai3 yi4 dian3 gan3 "
        "mao4 yao4 he2 chuang1 ke3 tie1.",
    ),
    Pair(
        7,
        "zh",
        "孩子们笑着看小狗在院子里追着自己的尾巴转圈。",
        "hai2 zi5 men5 xiao4 zhe5 kan4 xiao3 gou3 zai4 yuan4 zi5 li3 zhui1 zhe5 zi4 ji3 "
        "de5 wei3 ba5 zhuan4 quan1.",
        defect="sample rate 16000 Hz",
        verdict=DROP,
        reason="below 44.1 kHz; upsampling cannot restore the missing bandwidth, re-record",
    ),
    Pair(
        8,
        "zh",
        "街角那家面包店每天早上都飘出新鲜面包的香味。",
        "jie1 jiao3 na4 jia1 mian4 bao1 dian4 mei3 tian1 zao3 shang5 dou1 piao1 chu1 xin1 "
        "xian1 mian4 bao1 de5 xiang1 wei4.",
    ),
    Pair(
        9,
        "zh",
        "他最喜欢的歌一响起来，他就把收音机的声音开大了。",
        "ta1 zui4 xi3 huan5 de5 ge1 yi4 xiang3 qi3 lai5, ta1 jiu4 ba3 shou1 yin1 ji1 de5 "
        "sheng1 yin1 kai1 da4 le5.",
        defect="heavily clipped (+20 dB gain, well over 1% of samples at full scale)",
        audit="named in the reviewer's message (爆音, clipping); no per-file code",
        verdict=DROP,
        reason="clipping destroys the waveform; re-record",
    ),
    Pair(
        10,
        "zh",
        "今天天气很好，阳光也不太晒，我们下午一起去公园散步吧。",
        "jin1 tian1 tian1 qi4 hen3 hao3, yang2 guang1 ye3 bu2 tai4 shai4, wo3 men5 xia4 "
        "wu3 yi4 qi3 qu4 gong1 yuan2 san4 bu4 ba5.",
    ),
    Pair(
        11,
        "zh",
        "博物馆新开了一个展览，介绍古代的地图和航海用的船。",
        "bo2 wu4 guan3 xin1 kai1 le5 yi2 ge4 zhan3 lan3, jie4 shao4 gu3 dai4 de5 di4 tu2 "
        "he2 hang2 hai3 yong4 de5 chuan2.",
        defect="3.0 s of near-silence (-70 dBFS noise) before and after the speech",
        verdict=FIX,
        reason="trim the leading and trailing silence",
    ),
    Pair(
        12,
        "zh",
        "我每天早上七点起床，先喝一杯咖啡，然后坐地铁去上班。",
        "wo3 mei3 tian1 zao3 shang5 qi1 dian3 qi3 chuang2, xian1 he1 yi4 bei1 ka1 fei1, "
        "ran2 hou4 zuo4 di4 tie3 qu4 shang4 ban1.",
    ),
    Pair(
        13,
        "zh",
        "开始工作之前，我通常会先泡一杯红茶放在桌上。",
        "kai1 shi3 gong1 zuo4 zhi1 qian2, wo3 tong1 chang2 hui4 xian1 pao4 yi4 bei1 hong2 "
        "cha2 fang4 zai4 zhuo1 shang4.",
        defect="text file is empty (0 bytes); audio clean",
        verdict=DROP,
        reason="no transcript to train on",
    ),
    Pair(
        14,
        "zh",
        "这家饭店的菜很好吃，价格也不贵，周末总是坐满了客人。",
        "zhe4 jia1 fan4 dian4 de5 cai4 hen3 hao3 chi1, jia4 ge2 ye3 bu2 gui4, zhou1 mo4 "
        "zong3 shi4 zuo4 man3 le5 ke4 ren2.",
    ),
    Pair(
        15,
        "zh",
        "明天下午三点，我们在图书馆门口见面，然后一起去吃饭。",
        "ming2 tian1 xia4 wu3 san1 dian3, wo3 men5 zai4 tu2 shu1 guan3 men2 kou3 jian4 "
        "mian4, ran2 hou4 yi4 qi3 qu4 chi1 fan4.",
        defect="text encoded in GBK (bytes are not valid UTF-8); audio clean",
        audit="MSS.20020015 text does not match the selected language (number inferred, "
        "as `corpus\\audio_15.wav`)",
        verdict=FIX,
        reason="GBK text is decodable; re-encode as UTF-8 (a GBK file read as UTF-8 is "
        "garbage, which plausibly reads as another language: an inference, so review)",
        needs_review=True,
    ),
    Pair(
        16,
        "zh",
        "请问去火车站应该坐几路公交车，大概需要多长时间？",
        "qing3 wen4 qu4 huo3 che1 zhan4 ying1 gai1 zuo4 ji3 lu4 gong1 jiao1 che1, da4 gai4 "
        "xu1 yao4 duo1 chang2 shi2 jian1?",
    ),
    Pair(
        17,
        "zh",
        "他们决定把厨房的墙刷成一种柔和的浅黄色。",
        "ta1 men5 jue2 ding4 ba3 chu2 fang2 de5 qiang2 shua1 cheng2 yi4 zhong3 rou2 he2 "
        "de5 qian3 huang2 se4.",
        defect="audio only: no text_17.txt",
        verdict=DROP,
        reason="no transcript to train on",
    ),
    Pair(
        18,
        "zh",
        "周末我喜欢待在家里看书、听音乐，有时候也会做点心。",
        "zhou1 mo4 wo3 xi3 huan5 dai1 zai4 jia1 li3 kan4 shu1, ting1 yin1 yue4, you3 shi2 "
        "hou5 ye3 hui4 zuo4 dian3 xin1.",
    ),
    Pair(
        19,
        "zh",
        "去机场的大巴每半个小时从中心广场发一班车。",
        "qu4 ji1 chang3 de5 da4 ba1 mei3 ban4 ge4 xiao3 shi2 cong2 zhong1 xin1 guang3 "
        "chang3 fa1 yi4 ban1 che1.",
        defect="text only: no audio_19.wav",
        verdict=DROP,
        reason="no recording",
    ),
    Pair(
        20,
        "zh",
        "他的妹妹在市中心的一家医院当护士，已经工作五年了。",
        "ta1 de5 mei4 mei5 zai4 shi4 zhong1 xin1 de5 yi4 jia1 yi1 yuan4 dang1 hu4 shi5, "
        "yi3 jing1 gong1 zuo4 wu3 nian2 le5.",
        defect="PCM_24 instead of PCM_16 (48 kHz mono)",
        verdict=FIX,
        reason="convert to 16-bit PCM",
    ),
    Pair(
        21,
        "zh",
        "我们团队整个下午都在一堆旧笔记本电脑上测试新软件。",
        "wo3 men5 tuan2 dui4 zheng3 ge4 xia4 wu3 dou1 zai4 yi4 dui1 jiu4 bi3 ji4 ben3 "
        "dian4 nao3 shang4 ce4 shi4 xin1 ruan3 jian4.",
        extra=(
            (
                "大部分问题都很小，也容易修复，但有一个奇怪的错误让屏幕完全黑了。",
                "da4 bu4 fen5 wen4 ti2 dou1 hen3 xiao3, ye3 rong2 yi4 xiu1 fu4, dan4 you3 yi2 "
                "ge4 qi2 guai4 de5 cuo4 wu4 rang4 ping2 mu4 wan2 quan2 hei1 le5.",
            ),
            (
                "我们把所有情况都写进了共享文档，并答应在下个版本之前修好。",
                "wo3 men5 ba3 suo3 you3 qing2 kuang4 dou1 xie3 jin4 le5 gong4 xiang3 wen2 "
                "dang4, bing4 da1 ying5 zai4 xia4 ge4 ban3 ben3 zhi1 qian2 xiu1 hao3.",
            ),
        ),
        defect="too long (over 15 s: three sentences with short pauses)",
        verdict=DROP,
        reason="over the 15 s limit; splitting needs sentence-level alignment, re-record",
    ),
    Pair(
        22,
        "zh",
        "微风轻轻吹动窗帘，她坐在窗边安静地读着一本书。",
        "wei1 feng1 qing1 qing1 chui1 dong4 chuang1 lian2, ta1 zuo4 zai4 chuang1 bian1 an1 "
        "jing4 de5 du2 zhe5 yi4 ben3 shu1.",
        defect="not a WAV: Ogg Vorbis content under the name audio_22.wav",
        audit="MSS.20020018 audio cannot be parsed as WAV",
        verdict=DROP,
        reason="lossy Ogg Vorbis source; transcoding cannot recover studio quality, re-record",
    ),
    Pair(
        23,
        "zh",
        "这个周末天气不错，我们约几个朋友一起去爬山吧。",
        "zhe4 ge4 zhou1 mo4 tian1 qi4 bu2 cuo4, wo3 men5 yue1 ji3 ge4 peng2 you5 yi4 qi3 "
        "qu4 pa2 shan1 ba5.",
        defect="text starts with a UTF-8 BOM and has a trailing space; audio clean",
        verdict=FIX,
        reason="strip the BOM and the trailing whitespace",
    ),
    Pair(
        24,
        "zh",
        "谢谢。",
        "xie4 xie5.",
        defect="too short: one word, about 1 s in all",
        verdict=DROP,
        reason="far under the 5 s minimum: not a sentence to train on, re-record",
    ),
    Pair(
        25,
        "zh",
        "超市今天所有的水果都打八折，我们下班以后去买一点吧。",
        "chao1 shi4 jin1 tian1 suo3 you3 de5 shui3 guo3 dou1 da3 ba1 zhe2, wo3 men5 xia4 "
        "ban1 yi3 hou4 qu4 mai3 yi4 dian3 ba5.",
        defect="noisy: steady background noise about 5 dB below the speech, pauses included",
        audit="named in the reviewer's message (背景噪声, background noise); no per-file code",
        verdict=DROP,
        reason="noise under the speech cannot be removed cleanly; re-record in a quiet room",
    ),
    Pair(
        26,
        "zh",
        "这条河的两边种满了柳树，春天的时候特别漂亮。",
        "zhe4 tiao2 he2 de5 liang3 bian1 zhong4 man3 le5 liu3 shu4, chun1 tian1 de5 shi2 "
        "hou5 te4 bie2 piao4 liang5.",
        defect="quiet: peak -35 dBFS over a -70 dBFS room",
        audit="named in the reviewer's message (音量过小, too quiet); no per-file code",
        verdict=DROP,
        reason="raising the level 30 dB raises the room noise with it; re-record closer to "
        "the microphone",
    ),
    Pair(
        27,
        "en",
        "The weather was so pleasant on Sunday afternoon that we decided to walk all the way "
        "home along the river instead of taking the bus.",
        defect="English text and speech in a Chinese (CN) job",
        audit="MSS.20020015 text does not match the selected language (number inferred)",
        verdict=DROP,
        reason="the language is the content: re-record in Chinese",
    ),
    Pair(
        28,
        "zh",
        _MEETING + _NOTICE,
        _MEETING_PINYIN,
        defect="transcript is a whole paragraph (over 100 characters) for one spoken sentence",
        verdict=DROP,
        reason="the text does not belong to the audio (far too many characters per second); "
        "correct the transcript by hand",
    ),
]
