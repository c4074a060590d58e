import numpy as np


def sft_loss(logits, input_ids, prompt_lens, lengths):
    """Mean next-token cross-entropy over the response tokens of the batch only.

    logits[b, t] predicts input_ids[b, t + 1]; response positions: prompt_lens[b] <= t < lengths[b].
    """
    # TODO: your code here
    raise NotImplementedError
