"""Project: sentiment classification in Chinese and English.

train(texts, labels) -> whatever predict needs, e.g. (net, vocab)
predict(model, texts) -> (N,) labels, 1 positive, 0 negative
"""

import re

import numpy as np
import torch
from torch import nn

PAD, UNK = 0, 1


def tokenize(text):
    """English words (lower-cased) and Chinese characters."""
    # TODO: text.split() is not enough for Chinese, which has no spaces
    raise NotImplementedError


def train(texts, labels):
    """Build a vocabulary and a model from these sentences only, train it, return (net, vocab)."""
    torch.manual_seed(0)
    # TODO: vocabulary with <pad> = 0 and <unk> = 1; encode and pad; an Embedding -> LSTM ->
    # Linear(hidden, 2) model; a loop over epochs and shuffled mini-batches
    raise NotImplementedError


def predict(model, texts):
    """One label (0 or 1) per sentence, as an integer array of shape (N,)."""
    # TODO: the same tokenizer and vocabulary as in train; net.eval(); torch.no_grad()
    raise NotImplementedError


if __name__ == "__main__":
    # Try it on your own machine: python sentiment_rnn.py
    # The grader holds back a different quarter of the data, hidden from your code.
    from importlib import resources

    path = resources.files("dltutor") / "course_data" / "data" / "sentiment_zh_en.tsv"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = [(text, int(label)) for text, label in (ln.rsplit("\t", 1) for ln in lines[1:])]
    np.random.default_rng(0).shuffle(rows)
    cut = len(rows) * 3 // 4
    texts, labels = [t for t, _ in rows], np.array([y for _, y in rows])
    model = train(texts[:cut], labels[:cut])
    print("held-out accuracy:", np.mean(predict(model, texts[cut:]) == labels[cut:]))
