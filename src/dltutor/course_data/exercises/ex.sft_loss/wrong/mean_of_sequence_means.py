# expect-fail: one_mean_over_all_tokens
# Averages each sequence's loss first, then the sequences: short responses weigh too much.
import numpy as np


def sft_loss(logits, input_ids, prompt_lens, lengths):
    logits = np.asarray(logits, dtype=float)
    ids = np.asarray(input_ids)
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    losses = []
    for b in range(ids.shape[0]):
        ts = np.arange(prompt_lens[b], lengths[b])
        losses.append(-logp[b, ts - 1, ids[b, ts]].mean())
    return float(np.mean(losses))
