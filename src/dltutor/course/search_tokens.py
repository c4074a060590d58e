"""Text analysis for course search: Chinese words, Chinese bigrams, English stems.

Learners type colloquially, partially and in mixed languages ("transformer里的attention到底在干嘛"),
so a piece of text is cut into two token streams that search scores separately:

- words: jieba's search-mode segmentation of Chinese runs (the course's technical terms added to
  its dictionary, so 注意力机制 or 反向传播 stay whole while their parts are also emitted) and
  lower-cased, lightly stemmed English words, minus stopwords in both languages;
- subwords: character bigrams of Chinese runs and 5-letter prefixes of long English words, so a
  partial or mis-segmented word ("学习率太大会…" cut as 学习/率/太/大会) still matches.

Loading jieba's full dictionary costs ~0.8 s, too much for a CLI call, so the full dictionary is
used only when the index is built: it discovers the corpus vocabulary, and a small dictionary of
just those words (plus the course terms) then segments both the corpus and every query. Words
outside the course vocabulary cannot match anything anyway; bigrams still cover them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import jieba

jieba.setLogLevel(60)  # jieba logs "Building prefix dict..." at INFO on stderr otherwise

# Chinese runs: CJK unified ideographs (and extension A). English: letters/digits, which may
# contain digits inside (seq2seq, l2, gpt4) but must contain a letter.
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+")
_HAS_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# LaTeX commands (\frac, \mathbf) and URLs carry no meaning for search.
_NOISE = re.compile(r"\\[a-zA-Z]+|https?://\S+")

EN_STOPWORDS = frozenset(
    """a an the and or but if then else of to in on at by for with from into onto over under
    about as is are was were be been being am do does did doing done have has had having i me my
    we our you your he she it its they them their this that these those there here what which who
    whom whose when where why how can could should would will shall may might must not no nor so
    than too very just also only own same such both each few more most other some any all again
    further once up down out off s t don doesn didn isn aren wasn weren won let lets get got gets
    really actually please explain tell know want need like mean means meaning thing things stuff
    kind sort way ok okay hi hello thanks thank anyone someone something vs via e g eg ie etc""".split()
)

ZH_STOPWORDS = frozenset(
    """的 了 是 在 和 与 及 或 吗 呢 吧 啊 呀 嘛 哦 么 着 过 地 得 之 其 而 并 且 就 都 也 还 又 把 被 让 给
    对 从 向 于 以 为 将 个 这 那 哪 些 这个 那个 这些 那些 哪些 什么 怎么 怎样 怎么样 如何 为什么 为何
    是否 是不是 有没有 一下 一个 一种 一些 请 请问 解释 说说 讲讲 讲解 详细 具体 回答 以下 问题 到底
    干嘛 干什么 我 你 他 她 它 我们 你们 他们 它们 自己 有 没有 能 能否 会 要 想 可以 应该 需要 里 中
    上 下 时 时候 吗？ 呢？ 一样 这样 那样 就是 还是 但是 所以 因为 如果 然后 或者 以及 其中 其他 等
    等等 很 更 最 非常 比较 啥 咋 呗 哈 嗯 得 多 少 不 没 别 简单 主要 有什么 有哪些 是什么""".split()
)

# Terms of the field that jieba's general dictionary may split; they are added (high frequency)
# so they stay whole. Topic titles add more (see `title_terms`). Not a synonym list: these are
# the words lessons themselves use.
COURSE_TERMS = """
注意力机制 注意力 自注意力 多头注意力 交叉注意力 缩放点积 查询 键 值 位置编码 反向传播 前向传播
梯度下降 随机梯度下降 小批量 学习率 损失函数 激活函数 交叉熵 均方误差 链式法则 偏导数 导数 梯度
梯度消失 梯度爆炸 过拟合 欠拟合 正则化 权重衰减 早停 数据增强 特征工程 迁移学习 微调 预训练
全参数微调 指令微调 参数高效微调 目标检测 卷积 卷积核 卷积神经网络 循环神经网络 池化 最大池化 平均池化
残差连接 残差 批归一化 层归一化 归一化 初始化 神经网络 神经元 感知机 多层感知机 深度学习 机器学习
人工智能 监督学习 无监督学习 强化学习 半监督学习 自监督学习 线性回归 逻辑回归 决策树 随机森林
支持向量机 核函数 向量 点积 内积 矩阵 矩阵乘法 张量 概率 条件概率 贝叶斯定理 概率分布 正态分布
熵 信息熵 相对熵 散度 词向量 词嵌入 分词 子词 编码器 解码器 序列到序列 长短期记忆 门控循环单元
大语言模型 大型语言模型 语言模型 束搜索 贪心解码 温度 提示工程 提示词 思维链 零样本 少样本 提示注入
智能体 工具调用 检索增强生成 向量数据库 嵌入 混合精度 数据并行 模型并行 分布式训练 知识蒸馏 剪枝
量化 神经架构搜索 多模态 缩放定律 掩码语言模型 自回归 下一句预测 推理 部署 模型服务 优化器 动量
评估指标 准确率 精确率 召回率 混淆矩阵 训练集 验证集 测试集 超参数 批量大小 显卡 并行计算
边缘计算 云计算 雾计算 专用计算 通用计算 计算图 自动求导 损失 权重 偏置 参数
""".split()

# Abbreviations learners type for terms lessons spell out ("cnn" for a lesson titled "The
# structure of a convolutional network"). Queries only, at a lower weight (see search.py). Not
# ai/ml/dl: they name whole areas, and expanding them drowns the rest of the question.
ABBREVIATIONS = {
    "nn": "neural network 神经网络",
    "dnn": "deep neural network 深度神经网络",
    "mlp": "multilayer perceptron 多层感知机",
    "cnn": "convolutional neural network 卷积神经网络",
    "rnn": "recurrent neural network 循环神经网络",
    "lstm": "long short-term memory 长短期记忆",
    "gru": "gated recurrent unit 门控循环单元",
    "llm": "large language model 大语言模型",
    "llms": "large language models 大语言模型",
    "nlp": "natural language processing 自然语言处理",
    "cv": "computer vision 计算机视觉",
    "rl": "reinforcement learning 强化学习",
    "lr": "learning rate 学习率",
    "sgd": "stochastic gradient descent 随机梯度下降",
    "gd": "gradient descent 梯度下降",
    "bp": "backpropagation 反向传播",
    "backprop": "backpropagation 反向传播",
    "bn": "batch normalization 批归一化",
    "ln": "layer normalization 层归一化",
    "mse": "mean squared error 均方误差",
    "svm": "support vector machine 支持向量机",
    "attn": "attention 注意力",
    "qkv": "query key value 查询 键 值",
    "mha": "multi-head attention 多头注意力",
    "bpe": "byte pair encoding 字节对编码",
    "cot": "chain of thought 思维链",
    "rag": "retrieval-augmented generation 检索增强生成",
    "peft": "parameter-efficient fine-tuning 参数高效微调",
    "rlhf": "reinforcement learning from human feedback 人类反馈强化学习",
    "nas": "neural architecture search 神经架构搜索",
}

_TITLE_SPLIT = re.compile(r"[：:、，,（）()与和及和/\s]+")


def expand_abbreviations(query: str) -> str:
    """`query` plus the spelled-out form of each abbreviation it contains."""
    found = [
        ABBREVIATIONS[w] for w in re.findall(r"[a-z]+", normalize(query)) if w in ABBREVIATIONS
    ]
    return " ".join([query, *dict.fromkeys(found)])


def normalize(text: str) -> str:
    """NFKC (full-width letters and punctuation become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def is_chinese(text: str) -> bool:
    """Any CJK character marks a query as Chinese: learners mixing in English terms still are."""
    return bool(_HAS_CJK.search(text))


# Generic words around the term in a title ("反向传播算法", "什么是注意力机制", "卷积神经网络的结构").
_TITLE_NOISE = (
    "什么是",
    "是什么",
    "的工作原理",
    "工作原理",
    "算法",
    "如何",
    "的结构",
    "的区别",
    "入门",
)


def title_terms(titles: Iterable[str]) -> list[str]:
    """Chinese terms in topic titles, for jieba's dictionary.

    "梯度下降：批量、随机与小批量" -> 梯度下降, 批量, 随机, 小批量; "反向传播算法" -> 反向传播. The generic
    part is dropped so a learner's "反向传播" or "注意力机制" is the same word as the title's.
    """
    out = []
    for title in titles:
        for piece in _TITLE_SPLIT.split(normalize(title)):
            for noise in _TITLE_NOISE:
                piece = piece.replace(noise, "")
            is_term = not any(ch in piece for ch in "的其何")  # not a phrase like 其面临的挑战
            if is_term and 2 <= len(piece) <= 8 and "".join(_HAS_CJK.findall(piece)) == piece:
                out.append(piece)
    return out


def stem(word: str) -> str:
    """A light English stemmer: plural, -ing/-ed, -ation/-ization, final e; consistent, not exact.

    networks -> network, exploding/explodes/explode -> explod, normalization/normalize -> normaliz.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (
        ("izations", "ize"),
        ("ization", "ize"),
        ("ational", "ate"),
        ("ations", "ate"),
        ("ation", "ate"),
        ("nesses", ""),
        ("ness", ""),
        ("ies", "y"),
        ("ing", ""),
        ("ed", ""),
    ):
        # -ed needs a longer stem (embed, speed and need are not past tenses)
        min_stem = 4 if suffix == "ed" else 3
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            if suffix == "ed" and word.endswith("eed"):
                break
            word = word[: -len(suffix)] + repl
            # running -> run, embedded -> embed (a doubled final consonant after -ing/-ed)
            if suffix in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2]:
                if word[-1] not in "lsz":
                    word = word[:-1]
            break
    else:
        if word.endswith(("sses", "xes", "ches", "shes", "zes")):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is", "ias")):
            word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


class Analyzer:
    """Turns text into word tokens and subword tokens with a given jieba dictionary."""

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        self._jieba = tokenizer

    @classmethod
    def from_vocabulary(cls, freq: dict[str, int]) -> Analyzer:
        """A tokenizer over a small dictionary (word -> frequency): fast to set up (~50 ms)."""
        tok = jieba.Tokenizer()
        lines = "\n".join(f"{w} {max(int(f), 1)}" for w, f in freq.items() if " " not in w)
        # Tokenizer.initialize() would load the 350k-word default dictionary first; setting the
        # prefix dictionary directly skips that. FREQ/total/initialized are the attributes
        # initialize() itself sets (jieba 0.42).
        import io

        tok.FREQ, tok.total = tok.gen_pfdict(io.BytesIO(lines.encode("utf-8")))
        tok.total = max(tok.total, 1)
        tok.initialized = True
        return cls(tok)

    def _runs(self, text: str) -> list[str]:
        return _RUN.findall(_NOISE.sub(" ", normalize(text)))

    def words(self, text: str, hmm: bool = False) -> list[str]:
        out: list[str] = []
        for run in self._runs(text):
            if _HAS_CJK.match(run):
                for w in self._jieba.cut_for_search(run, HMM=hmm):
                    if w not in ZH_STOPWORDS:
                        out.append(w)
            elif run not in EN_STOPWORDS and len(run) > 1 and not run.isdigit():
                out.append(stem(run))
        return out

    def light(self, text: str) -> list[str]:
        """Cheap tokens for comparing short texts (snippets): no jieba, so ~10x faster.

        Chinese character bigrams (single characters for one-character runs) and English stems.
        """
        out: list[str] = []
        for run in self._runs(text):
            if _HAS_CJK.match(run):
                out.extend(_cjk_grams(run))
            elif run not in EN_STOPWORDS and len(run) > 1 and not run.isdigit():
                out.append(stem(run))
        return out

    def subwords(self, text: str) -> list[str]:
        out: list[str] = []
        for run in self._runs(text):
            if _HAS_CJK.match(run):
                out.extend(_cjk_grams(run))
            elif len(run) >= 5 and run.isalpha():
                out.append(run[:5])
        return out


def _cjk_grams(run: str) -> list[str]:
    """A run of Chinese characters as character bigrams; a lone character stands for itself
    (unless it is a stopword)."""
    if len(run) == 1:
        return [] if run in ZH_STOPWORDS else [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def discover_vocabulary(texts: Iterable[str], terms: Iterable[str]) -> dict[str, int]:
    """Chinese words (with jieba's frequencies) used by `texts`, for `Analyzer.from_vocabulary`.

    Loads jieba's full dictionary (slow, build time only), adds `terms` so they stay whole, and
    segments every Chinese run with HMM on so words missing from the dictionary are found too.
    """
    from dltutor.config import get_settings

    full = jieba.Tokenizer()
    # jieba caches its parsed dictionary in $TMPDIR/jieba.cache by default: a file shared with
    # every other program on the machine. Keep ours in dltutor's own cache folder instead.
    cache = get_settings().home / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    full.tmp_dir = str(cache)
    full.initialize()
    term_list = sorted({normalize(t) for t in terms if _HAS_CJK.search(t)})
    for t in term_list:
        full.add_word(t, freq=max(full.FREQ.get(t) or 0, 20000))
    vocab: dict[str, int] = {}
    for text in texts:
        for run in _RUN.findall(_NOISE.sub(" ", normalize(text))):
            if _HAS_CJK.match(run):
                for w in full.cut_for_search(run, HMM=True):
                    if w not in vocab:
                        vocab[w] = int(full.FREQ.get(w) or 0) or 5
    for t in term_list:
        vocab[t] = max(vocab.get(t, 0), 20000)
    return vocab
