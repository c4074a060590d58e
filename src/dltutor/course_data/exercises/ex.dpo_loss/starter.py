import numpy as np


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    """Mean over the pairs of -log sigmoid(beta * (policy-vs-reference log-ratio of the chosen
    answer minus that of the rejected answer)). Inputs: (N,) whole-answer log-probs.
    """
    # TODO: your code here
    raise NotImplementedError
