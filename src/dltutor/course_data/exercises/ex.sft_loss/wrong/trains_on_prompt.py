# expect-fail: prompt_carries_no_loss
# Computes the loss on every real token after the first, prompt included.
import numpy as np


def sft_loss(logits, input_ids, prompt_lens, lengths):
    logits = np.asarray(logits, dtype=float)
    ids = np.asarray(input_ids)
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    pos = np.arange(ids.shape[1])[None, :]
    counted = (pos >= 1) & (pos < np.asarray(lengths)[:, None])
    scored = np.take_along_axis(logp[:, :-1], ids[:, 1:, None], axis=-1)[..., 0]
    return float(-scored[counted[:, 1:]].mean())
