import numpy as np


def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = np.asarray(grad, dtype=float)
    m_new = beta1 * np.asarray(m, dtype=float) + (1 - beta1) * grad
    v_new = beta2 * np.asarray(v, dtype=float) + (1 - beta2) * grad * grad
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    w_new = np.asarray(w, dtype=float) - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w_new, m_new, v_new
