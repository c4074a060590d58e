# expect-fail: missing_values, random
# Uses np.mean and np.std: one missing value makes the whole column's statistics nan.
import numpy as np


def standardize_split(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.shape[1] != X_test.shape[1]:
        raise ValueError("columns differ")
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return tuple(np.where(np.isnan(X), 0.0, (X - mu) / sd) for X in (X_train, X_test))
