# expect-fail: model_gives_10_logits, trains_in_time
# Sizes the last layer for the input (64 channels x 8 x 8) and forgets that each MaxPool2d(2)
# halves height and width: after two of them the maps are 2 x 2, so the shapes do not match.
import numpy as np
import torch
from torch import nn


def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 8 * 8, 10),
    )


def _inputs(X):
    return torch.tensor(X / 16.0, dtype=torch.float32).unsqueeze(1)


def train(model, X, y):
    torch.manual_seed(0)
    X, y = _inputs(X), torch.tensor(y, dtype=torch.long)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(20):
        order = torch.randperm(len(X))
        for i in range(0, len(X), 64):
            idx = order[i : i + 64]
            loss = loss_fn(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def predict(model, X):
    model.eval()
    with torch.no_grad():
        return model(_inputs(X)).argmax(dim=1).numpy()
