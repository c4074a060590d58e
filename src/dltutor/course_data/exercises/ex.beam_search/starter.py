import numpy as np


def beam_search(next_log_probs, bos, eos, beam_width, max_len, alpha=0.0):
    """Beam search over next_log_probs(prefix_tuple) -> (V,) log-probs.

    Finished hypotheses (ending in eos) stay in the beam unchanged; ties by the smaller tuple;
    the final choice maximises score / L**alpha. Return (tokens without bos, raw score).
    """
    # TODO: your code here
    raise NotImplementedError
