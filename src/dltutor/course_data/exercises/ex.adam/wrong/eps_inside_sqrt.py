# expect-fail: tiny_gradients
# Puts eps inside the square root: sqrt(v_hat + eps) differs a lot when gradients are small.
import numpy as np


def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new
