# expect-fail: held_out_accuracy
# Standardizes the pixels in train() but predict() feeds the raw 0..16 values to the model:
# the network sees inputs on a scale it was never trained on.
import numpy as np
import torch
from torch import nn


def build_model():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def train(model, X, y):
    torch.manual_seed(0)
    X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8)
    X = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.long)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(20):
        order = torch.randperm(len(X))
        for i in range(0, len(X), 32):
            idx = order[i : i + 32]
            loss = loss_fn(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def predict(model, X):
    model.eval()
    with torch.no_grad():
        return model(torch.tensor(X, dtype=torch.float32)).argmax(dim=1).numpy()
