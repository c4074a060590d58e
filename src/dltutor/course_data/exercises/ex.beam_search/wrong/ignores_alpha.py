# expect-fail: length_normalisation
# Picks the final hypothesis by its raw score, forgetting the length normalisation.
import numpy as np


def beam_search(next_log_probs, bos, eos, beam_width, max_len, alpha=0.0):
    beam = [((bos,), 0.0)]
    for _ in range(max_len):
        if all(seq[-1] == eos for seq, _ in beam):
            break
        candidates = []
        for seq, score in beam:
            if seq[-1] == eos:
                candidates.append((seq, score))
                continue
            lp = np.asarray(next_log_probs(seq), dtype=float)
            for v in range(lp.size):
                candidates.append((seq + (v,), score + float(lp[v])))
        candidates.sort(key=lambda c: (-c[1], c[0]))
        beam = candidates[:beam_width]
    seq, score = beam[0]
    return list(seq[1:]), score
