# expect-fail: max_len
# Counts bos against max_len, so it generates one token too few.
import numpy as np


def beam_search(next_log_probs, bos, eos, beam_width, max_len, alpha=0.0):
    beam = [((bos,), 0.0)]
    while len(beam[0][0]) < max_len and not all(seq[-1] == eos for seq, _ in beam):
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
    best = min(beam, key=lambda c: (-c[1] / max(len(c[0]) - 1, 1) ** alpha, c[0]))
    return list(best[0][1:]), best[1]
