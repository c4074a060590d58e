# expect-fail: one_sequence_by_hand, random
# Scores token t with logits row t, forgetting that row t predicts the NEXT token.
import numpy as np


def sft_loss(logits, input_ids, prompt_lens, lengths):
    logits = np.asarray(logits, dtype=float)
    ids = np.asarray(input_ids)
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    pos = np.arange(ids.shape[1])[None, :]
    counted = (pos >= np.asarray(prompt_lens)[:, None]) & (pos < np.asarray(lengths)[:, None])
    scored = np.take_along_axis(logp, ids[..., None], axis=-1)[..., 0]
    return float(-scored[counted].mean())
