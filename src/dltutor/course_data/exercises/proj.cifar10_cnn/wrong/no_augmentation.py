# expect-fail: shifted_accuracy
# A sound CNN trained only on the centred images: fine on held-out images as they are, but a
# digit moved by one pixel (an eighth of the image) is often read as another digit.
import numpy as np
import torch
from torch import nn


def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 2 * 2, 10),
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
