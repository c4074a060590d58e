# expect-fail: known_value, random
# Forgets the T**2 factor on the soft term.
import numpy as np


def _log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def distillation_loss(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    lt, ls = _log_softmax(teacher_logits / T), _log_softmax(student_logits / T)
    kl = np.sum(np.exp(lt) * (lt - ls), axis=1)
    ce = -_log_softmax(student_logits)[np.arange(len(labels)), labels]
    return float(np.mean(alpha * kl + (1 - alpha) * ce))
