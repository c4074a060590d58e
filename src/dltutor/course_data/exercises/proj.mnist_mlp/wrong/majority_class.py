# expect-fail: held_out_accuracy
# A "baseline" left in place of the model: predict() returns the most common training label for
# every image. Useful as a yardstick (about 10% here), not as a classifier.
import numpy as np
import torch
from torch import nn

MOST_COMMON = [0]


def build_model():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def train(model, X, y):
    MOST_COMMON[0] = int(np.bincount(y).argmax())
    return model


def predict(model, X):
    return np.full(len(X), MOST_COMMON[0])
