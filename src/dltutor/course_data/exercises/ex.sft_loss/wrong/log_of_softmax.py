# expect-fail: large_logits_are_stable
# Takes np.log of a softmax without subtracting the max: exp(1e4) overflows.
import numpy as np


def sft_loss(logits, input_ids, prompt_lens, lengths):
    logits = np.asarray(logits, dtype=float)
    ids = np.asarray(input_ids)
    e = np.exp(logits)
    logp = np.log(e / e.sum(axis=-1, keepdims=True))
    total, n = 0.0, 0
    for b in range(ids.shape[0]):
        for t in range(prompt_lens[b], lengths[b]):
            total -= logp[b, t - 1, ids[b, t]]
            n += 1
    return float(total / n)
