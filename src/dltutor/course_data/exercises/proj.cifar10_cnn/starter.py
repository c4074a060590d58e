"""Project: image classification with a CNN, robust to shifts.

build_model() -> an nn.Module mapping (N, 1, 8, 8) float32 to (N, 10) logits
train(model, X, y) -> the trained model   (X: (N, 8, 8) pixels 0..16, y: (N,) labels 0..9)
predict(model, X) -> (N,) predicted digits
"""

import numpy as np
import torch
from torch import nn


def build_model():
    """A CNN: (N, 1, 8, 8) float32 -> (N, 10) logits, with at least one nn.Conv2d."""
    # TODO: conv -> ReLU -> pool stages, then flatten and a linear layer with 10 outputs
    raise NotImplementedError


def train(model, X, y):
    """Train `model` on X (N, 8, 8) raw pixels and y (N,) labels; return the trained model."""
    torch.manual_seed(0)
    # TODO: scale X and add the channel axis; augment with random one-pixel shifts;
    # loop over epochs and shuffled mini-batches: zero_grad, forward, loss, backward, step
    raise NotImplementedError


def predict(model, X):
    """The predicted digit for every image of X (N, 8, 8), as an integer array of shape (N,)."""
    # TODO: prepare X exactly as in train (no augmentation); model.eval(); torch.no_grad()
    raise NotImplementedError


if __name__ == "__main__":
    # Try it on your own machine (needs scikit-learn): python cifar10_cnn.py
    # The grader uses a different split, hidden from your code.
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X_tr, X_te, y_tr, y_te = train_test_split(
        digits.images, digits.target, test_size=0.2, stratify=digits.target, random_state=0
    )
    model = train(build_model(), X_tr, y_tr)
    print("held-out accuracy:", np.mean(predict(model, X_te) == y_te))
    moved = np.roll(X_te, 1, axis=2)  # every digit one pixel to the right
    print("moved one pixel right:", np.mean(predict(model, moved) == y_te))
