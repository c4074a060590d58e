import numpy as np


def standardize_split(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1]:
        raise ValueError(f"X_train and X_test need the same columns, got {X_train.shape} and {X_test.shape}")
    mu = np.nanmean(X_train, axis=0)  # training statistics only, missing values skipped
    sigma = np.nanstd(X_train, axis=0)  # ddof=0
    sigma = np.where(sigma > 0, sigma, 1.0)  # a constant column is centred, not divided by 0
    # np.where builds new arrays: the caller's NaNs stay where they are
    z_train = np.where(np.isnan(X_train), 0.0, (X_train - mu) / sigma)
    z_test = np.where(np.isnan(X_test), 0.0, (X_test - mu) / sigma)
    return z_train, z_test
