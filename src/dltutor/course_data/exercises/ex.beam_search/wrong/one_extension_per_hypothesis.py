# expect-fail: lesson_example
# Extends each hypothesis only by its own best token: beam_width greedy searches, not a beam search.
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
            v = int(np.argmax(lp))
            candidates.append((seq + (v,), score + float(lp[v])))
        candidates.sort(key=lambda c: (-c[1], c[0]))
        beam = candidates[:beam_width]
    best = min(beam, key=lambda c: (-c[1] / (len(c[0]) - 1) ** alpha, c[0]))
    return list(best[0][1:]), best[1]
