"""Project: handwritten digits with a multilayer perceptron.

build_model() -> an nn.Module mapping (N, 64) float32 to (N, 10) logits
train(model, X, y) -> the trained model   (X: (N, 64) pixels 0..16, y: (N,) labels 0..9)
predict(model, X) -> (N,) predicted digits
"""

import numpy as np
import torch
from torch import nn


def build_model():
    """An MLP: (N, 64) float32 -> (N, 10) logits."""
    # TODO: e.g. two Linear layers with a ReLU between them
    raise NotImplementedError


def train(model, X, y):
    """Train `model` on X (raw pixels 0..16) and y (labels 0..9); return the trained model."""
    torch.manual_seed(0)
    # TODO: normalize X, make tensors, an optimizer and a loss; loop over epochs and
    # shuffled mini-batches: zero_grad, forward, loss, backward, step
    raise NotImplementedError


def predict(model, X):
    """The predicted digit for every row of X, as an integer array of shape (N,)."""
    # TODO: prepare X exactly as in train; model.eval(); torch.no_grad(); argmax of the logits
    raise NotImplementedError


if __name__ == "__main__":
    # Try it on your own machine (needs scikit-learn): python mnist_mlp.py
    # The grader uses a different split, hidden from your code.
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X_tr, X_te, y_tr, y_te = train_test_split(
        digits.data, digits.target, test_size=0.2, stratify=digits.target, random_state=0
    )
    model = train(build_model(), X_tr, y_tr)
    print("held-out accuracy:", np.mean(predict(model, X_te) == y_te))
