import numpy as np


def _log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def distillation_loss(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    s = np.asarray(student_logits, dtype=float)
    t = np.asarray(teacher_logits, dtype=float)
    labels = np.asarray(labels, dtype=int)
    lt, ls = _log_softmax(t / T), _log_softmax(s / T)
    kl = np.sum(np.exp(lt) * (lt - ls), axis=1)  # KL(teacher || student), per example
    ce = -_log_softmax(s)[np.arange(len(labels)), labels]
    return float(np.mean(alpha * T * T * kl + (1 - alpha) * ce))
