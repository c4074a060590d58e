# expect-fail: trains_in_time, predicts_labels, held_out_accuracy
# Trains the model in place but never returns it, so the caller gets None.
import numpy as np
import torch
from torch import nn


def build_model():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def train(model, X, y):
    torch.manual_seed(0)
    X = torch.tensor(X / 16.0, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.long)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(10):
        loss = loss_fn(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()


def predict(model, X):
    model.eval()
    with torch.no_grad():
        return model(torch.tensor(X / 16.0, dtype=torch.float32)).argmax(dim=1).numpy()
