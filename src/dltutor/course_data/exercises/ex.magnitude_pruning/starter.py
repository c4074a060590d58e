import numpy as np


def prune_by_magnitude(w, sparsity):
    """Zero the floor(sparsity * w.size) smallest-magnitude entries (ties: lower flat index first).

    Return (w_pruned, mask) with mask True where kept.
    """
    # TODO: your code here
    raise NotImplementedError
