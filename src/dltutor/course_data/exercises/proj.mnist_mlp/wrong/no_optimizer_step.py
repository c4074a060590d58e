# expect-fail: held_out_accuracy
# Computes the loss and calls backward() every step but never optimizer.step(): the gradients
# are computed and thrown away, and the weights stay as initialized (accuracy near chance).
import numpy as np
import torch
from torch import nn


def build_model():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def train(model, X, y):
    torch.manual_seed(0)
    X = torch.tensor(X / 16.0, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.long)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(20):
        order = torch.randperm(len(X))
        for i in range(0, len(X), 32):
            idx = order[i : i + 32]
            opt.zero_grad()
            loss = loss_fn(model(X[idx]), y[idx])
            loss.backward()
    return model


def predict(model, X):
    model.eval()
    with torch.no_grad():
        return model(torch.tensor(X / 16.0, dtype=torch.float32)).argmax(dim=1).numpy()
