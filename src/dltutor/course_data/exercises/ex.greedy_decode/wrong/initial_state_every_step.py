# expect-fail: state_is_carried, rnn_decoder
# Throws the returned state away and passes the initial state at every step.
import numpy as np


def greedy_decode(step, state, bos, eos, max_len):
    tokens, total = [], 0.0
    tok = bos
    for _ in range(max_len):
        logits, _ = step(tok, state)
        logits = np.asarray(logits, dtype=float)
        tok = int(np.argmax(logits))
        m = logits.max()
        total += float(logits[tok] - m - np.log(np.exp(logits - m).sum()))
        tokens.append(tok)
        if tok == eos:
            break
    return tokens, total
