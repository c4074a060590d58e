import numpy as np


def precision_recall_f1(y_true, y_pred):
    t = np.asarray(y_true) == 1
    p_ = np.asarray(y_pred) == 1
    tp = int(np.sum(t & p_))
    fp = int(np.sum(~t & p_))
    fn = int(np.sum(t & ~p_))
    p = tp / (tp + fp) if tp + fp > 0 else 0.0
    r = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return float(p), float(r), float(f1)
