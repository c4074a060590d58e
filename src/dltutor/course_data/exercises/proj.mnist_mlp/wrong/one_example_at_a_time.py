# expect-fail: trains_in_time, predicts_labels, held_out_accuracy
# limits: train_seconds=3
# Plain SGD on one image at a time for 300 epochs: about 430,000 tiny steps, each paying
# Python's and PyTorch's overhead. Far beyond the time limit; mini-batches do the same work in
# a few hundred steps. (The project's tests grade it with a 3 s limit to stay fast.)
import numpy as np
import torch
from torch import nn


def build_model():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def train(model, X, y):
    torch.manual_seed(0)
    X = torch.tensor(X / 16.0, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.long)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(300):
        for i in range(len(X)):
            loss = loss_fn(model(X[i : i + 1]), y[i : i + 1])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def predict(model, X):
    model.eval()
    with torch.no_grad():
        return model(torch.tensor(X / 16.0, dtype=torch.float32)).argmax(dim=1).numpy()
