# expect-fail: feeds_tokens_back_until_eos, eos_first
# Always decodes max_len tokens, running on past eos.
import numpy as np


def greedy_decode(step, state, bos, eos, max_len):
    tokens, total = [], 0.0
    tok = bos
    for _ in range(max_len):
        logits, state = step(tok, state)
        logits = np.asarray(logits, dtype=float)
        tok = int(np.argmax(logits))
        m = logits.max()
        total += float(logits[tok] - m - np.log(np.exp(logits - m).sum()))
        tokens.append(tok)
    return tokens, total
