# expect-fail: known_counts, random
# Precision and recall swapped (FN in the precision's denominator, FP in the recall's).
import numpy as np


def precision_recall_f1(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))
    p = tp / (tp + fn) if tp + fn > 0 else 0.0
    r = tp / (tp + fp) if tp + fp > 0 else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return float(p), float(r), float(f1)
