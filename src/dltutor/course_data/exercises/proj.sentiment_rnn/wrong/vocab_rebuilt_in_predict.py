# expect-fail: held_out_accuracy, english_accuracy, chinese_accuracy, negation_accuracy
# predict() builds a fresh vocabulary from the sentences it is given, so the ids no longer mean
# what they meant in training: the trained embeddings are looked up for the wrong words.
import re

import numpy as np
import torch
from torch import nn

TOKEN = re.compile(r"[a-z]+|[\u4e00-\u9fff]")  # an English word or one Chinese character
PAD, UNK = 0, 1


def tokenize(text):
    return TOKEN.findall(text.lower().replace("n't", " not"))


class SentimentRNN(nn.Module):
    def __init__(self, vocab_size, emb=64, hidden=64):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb, padding_idx=PAD)
        self.drop = nn.Dropout(0.3)
        self.rnn = nn.LSTM(emb, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 2)

    def forward(self, ids, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.drop(self.emb(ids)), lengths, batch_first=True, enforce_sorted=False
        )
        _, (h, _) = self.rnn(packed)  # h[-1]: the state after each sentence's last token
        return self.out(self.drop(h[-1]))


def encode(vocab, texts):
    ids = [[vocab.get(tok, UNK) for tok in tokenize(t)] or [UNK] for t in texts]
    lengths = torch.tensor([len(s) for s in ids])
    batch = torch.full((len(ids), int(lengths.max())), PAD, dtype=torch.long)
    for i, s in enumerate(ids):
        batch[i, : len(s)] = torch.tensor(s)
    return batch, lengths


def train(texts, labels):
    torch.manual_seed(0)
    vocab = {"<pad>": PAD, "<unk>": UNK}
    for t in texts:  # the training sentences only
        for tok in tokenize(t):
            vocab.setdefault(tok, len(vocab))
    X, lengths = encode(vocab, texts)
    y = torch.tensor(np.asarray(labels), dtype=torch.long)
    model = SentimentRNN(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(20):
        order = torch.randperm(len(X))
        for i in range(0, len(X), 32):
            idx = order[i : i + 32]
            loss = nn.functional.cross_entropy(model(X[idx], lengths[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
    return model, vocab


def predict(model, texts):
    net, _ = model
    vocab = {"<pad>": PAD, "<unk>": UNK}
    for t in texts:
        for tok in tokenize(t):
            vocab.setdefault(tok, len(vocab))
    net.eval()
    with torch.no_grad():
        X, lengths = encode(vocab, texts)
        return net(X, lengths).argmax(dim=1).numpy()
