import numpy as np


def sft_loss(logits, input_ids, prompt_lens, lengths):
    logits = np.asarray(logits, dtype=float)
    ids = np.asarray(input_ids)
    B, T, V = logits.shape
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    pos = np.arange(T)[None, :]
    counted = (pos >= np.asarray(prompt_lens)[:, None]) & (pos < np.asarray(lengths)[:, None])
    # target at position t (t >= 1) is scored by the row t - 1
    targets = ids[:, 1:]
    scored = np.take_along_axis(logp[:, :-1], targets[..., None], axis=-1)[..., 0]
    return float(-scored[counted[:, 1:]].mean())
