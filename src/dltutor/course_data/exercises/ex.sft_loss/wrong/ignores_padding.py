# expect-fail: padding_is_ignored, end_marker_is_trained
# Masks the prompt but forgets the padding: every position after the prompt counts.
import numpy as np


def sft_loss(logits, input_ids, prompt_lens, lengths):
    logits = np.asarray(logits, dtype=float)
    ids = np.asarray(input_ids)
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    pos = np.arange(ids.shape[1])[None, :]
    counted = pos >= np.asarray(prompt_lens)[:, None]
    scored = np.take_along_axis(logp[:, :-1], ids[:, 1:, None], axis=-1)[..., 0]
    return float(-scored[counted[:, 1:]].mean())
