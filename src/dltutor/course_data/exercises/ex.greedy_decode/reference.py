import numpy as np


def greedy_decode(step, state, bos, eos, max_len):
    tokens, total = [], 0.0
    token = bos
    for _ in range(max_len):
        logits, state = step(token, state)
        logits = np.asarray(logits, dtype=float)
        token = int(np.argmax(logits))  # ties: the lowest index
        m = logits.max()
        log_z = m + np.log(np.exp(logits - m).sum())  # stable log-sum-exp
        total += float(logits[token] - log_z)
        tokens.append(token)
        if token == eos:
            break
    return tokens, total
