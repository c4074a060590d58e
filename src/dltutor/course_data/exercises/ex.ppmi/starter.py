import numpy as np


def ppmi(C):
    """Positive pointwise mutual information of a (words x contexts) count matrix C.

    PPMI = max(0, log(p(w, c) / (p(w) p(c)))), natural log; 0.0 where C is 0.
    """
    # TODO: your code here
    raise NotImplementedError
