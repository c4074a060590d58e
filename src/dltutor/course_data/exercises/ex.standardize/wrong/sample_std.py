# expect-fail: population_std, training_columns_become_standard
# Uses the sample standard deviation (ddof=1) instead of the population one.
import numpy as np


def standardize_split(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.shape[1] != X_test.shape[1]:
        raise ValueError("columns differ")
    mu = np.nanmean(X_train, axis=0)
    sd = np.nanstd(X_train, axis=0, ddof=1)
    sd = np.where(sd > 0, sd, 1.0)
    return tuple(np.where(np.isnan(X), 0.0, (X - mu) / sd) for X in (X_train, X_test))
