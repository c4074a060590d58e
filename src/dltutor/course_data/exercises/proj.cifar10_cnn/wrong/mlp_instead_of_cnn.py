# expect-fail: model_gives_10_logits
# Flattens the image into an MLP (and even augments): no Conv2d, no weight sharing, and every
# pixel position is learned separately, so it cannot reach the CNN's accuracy.
import numpy as np
import torch
from torch import nn


def build_model():
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def _inputs(X):
    return torch.tensor(X / 16.0, dtype=torch.float32).unsqueeze(1)


def train(model, X, y):
    torch.manual_seed(0)
    X, y = _inputs(X), torch.tensor(y, dtype=torch.long)
    padded = nn.functional.pad(X, (1, 1, 1, 1))
    copies = torch.stack([padded[:, :, a : a + 8, b : b + 8] for a in range(3) for b in range(3)])
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(20):
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
