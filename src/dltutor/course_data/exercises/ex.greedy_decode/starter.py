import numpy as np


def greedy_decode(step, state, bos, eos, max_len):
    """Greedy decoding: step(token, state) -> (logits, new_state).

    Start from bos; stop after eos or max_len tokens. Return (tokens, total log-probability).
    """
    # TODO: your code here
    raise NotImplementedError
