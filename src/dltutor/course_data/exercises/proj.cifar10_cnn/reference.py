"""Reference solution of proj.cifar10_cnn: two conv stages (32 and 64 channels), trained on
randomly shifted copies of the images (data augmentation), Adam, 20 epochs of mini-batches."""

import numpy as np
import torch
from torch import nn


def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 4 x 4
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 64 x 2 x 2
        nn.Flatten(), nn.Linear(64 * 2 * 2, 10),
    )  # fmt: skip


def _inputs(X):
    # (N, 8, 8) pixels 0..16 -> (N, 1, 8, 8) in 0..1: one channel, as Conv2d expects
    return torch.tensor(np.asarray(X) / 16.0, dtype=torch.float32).unsqueeze(1)


def _shifted_copies(X):
    """The 9 copies of every image moved by -1, 0 or +1 pixels in each direction."""
    padded = nn.functional.pad(X, (1, 1, 1, 1))
    return torch.stack([padded[:, :, dy : dy + 8, dx : dx + 8] for dy in range(3) for dx in range(3)])


def train(model, X, y):
    torch.manual_seed(0)
    X, y = _inputs(X), torch.tensor(np.asarray(y), dtype=torch.long)
    copies = _shifted_copies(X)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(20):
        # augmentation: every image, each epoch, in one of its 9 positions
        X_epoch = copies[torch.randint(0, 9, (len(X),)), torch.arange(len(X))]
        order = torch.randperm(len(X))
        for i in range(0, len(X), 64):
            idx = order[i : i + 64]
            loss = loss_fn(model(X_epoch[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def predict(model, X):
    model.eval()
    with torch.no_grad():
        return model(_inputs(X)).argmax(dim=1).numpy()
