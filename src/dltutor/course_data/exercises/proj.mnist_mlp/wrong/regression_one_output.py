# expect-fail: model_gives_10_logits, held_out_accuracy
# Treats the digit as a number: one output trained with mean squared error, rounded to predict.
# A "7" is not closer to an "8" than to a "1"; classification needs one logit per class.
import numpy as np
import torch
from torch import nn


def build_model():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 1))


def train(model, X, y):
    torch.manual_seed(0)
    X = torch.tensor(X / 16.0, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    for _ in range(20):
        order = torch.randperm(len(X))
        for i in range(0, len(X), 32):
            idx = order[i : i + 32]
            loss = loss_fn(model(X[idx]).squeeze(1), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def predict(model, X):
    model.eval()
    with torch.no_grad():
        out = model(torch.tensor(X / 16.0, dtype=torch.float32)).squeeze(1)
    return out.round().clamp(0, 9).long().numpy()
