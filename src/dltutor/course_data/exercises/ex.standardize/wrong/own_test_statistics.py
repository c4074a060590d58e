# expect-fail: test_set_uses_training_statistics, random
# Standardises the test set with its own mean and std, so it always comes out centred.
import numpy as np


def _z(X):
    mu, sd = np.nanmean(X, axis=0), np.nanstd(X, axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return np.where(np.isnan(X), 0.0, (X - mu) / sd)


def standardize_split(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.shape[1] != X_test.shape[1]:
        raise ValueError("columns differ")
    return _z(X_train), _z(X_test)
