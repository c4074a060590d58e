# expect-fail: finished_hypotheses_stay
# Keeps extending hypotheses after they produced eos, so tokens appear after the end.
import numpy as np


def beam_search(next_log_probs, bos, eos, beam_width, max_len, alpha=0.0):
    beam = [((bos,), 0.0)]
    for _ in range(max_len):
        candidates = []
        for seq, score in beam:
            lp = np.asarray(next_log_probs(seq), dtype=float)
            for v in range(lp.size):
                candidates.append((seq + (v,), score + float(lp[v])))
        candidates.sort(key=lambda c: (-c[1], c[0]))
        beam = candidates[:beam_width]
    best = min(beam, key=lambda c: (-c[1] / (len(c[0]) - 1) ** alpha, c[0]))
    return list(best[0][1:]), best[1]
