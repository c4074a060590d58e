# expect-fail: feeds_tokens_back_until_eos, rnn_decoder
# Calls step with bos at every step instead of the token just chosen.
import numpy as np


def greedy_decode(step, state, bos, eos, max_len):
    tokens, total = [], 0.0
    for _ in range(max_len):
        logits, state = step(bos, state)
        logits = np.asarray(logits, dtype=float)
        tok = int(np.argmax(logits))
        m = logits.max()
        total += float(logits[tok] - m - np.log(np.exp(logits - m).sum()))
        tokens.append(tok)
        if tok == eos:
            break
    return tokens, total
