# expect-fail: training_columns_become_standard, test_set_uses_training_statistics, random
# Computes the statistics on train and test stacked together: the test set leaks into them.
import numpy as np


def standardize_split(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.shape[1] != X_test.shape[1]:
        raise ValueError("columns differ")
    both = np.vstack([X_train, X_test])
    mu, sd = np.nanmean(both, axis=0), np.nanstd(both, axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return tuple(np.where(np.isnan(X), 0.0, (X - mu) / sd) for X in (X_train, X_test))
