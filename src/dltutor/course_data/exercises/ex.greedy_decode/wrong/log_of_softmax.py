# expect-fail: large_logits
# Takes np.log of a softmax computed without subtracting the maximum: exp(1e4) overflows.
import numpy as np


def greedy_decode(step, state, bos, eos, max_len):
    tokens, total = [], 0.0
    tok = bos
    for _ in range(max_len):
        logits, state = step(tok, state)
        logits = np.asarray(logits, dtype=float)
        tok = int(np.argmax(logits))
        p = np.exp(logits) / np.exp(logits).sum()
        total += float(np.log(p[tok]))
        tokens.append(tok)
        if tok == eos:
            break
    return tokens, total
