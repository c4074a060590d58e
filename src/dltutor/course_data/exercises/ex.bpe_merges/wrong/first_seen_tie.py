# expect-fail: ties_smallest_pair
# Breaks ties by whichever pair was counted first, not by the smallest pair.
def bpe_train(word_freqs, num_merges):
    words = {w: list(w) for w in word_freqs}
    merges = []
    for _ in range(num_merges):
        counts = {}
        for w, syms in words.items():
            for pair in zip(syms, syms[1:]):
                counts[pair] = counts.get(pair, 0) + word_freqs[w]
        if not counts:
            break
        best = max(counts, key=counts.get)
        merges.append(best)
        for w, syms in words.items():
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and (syms[i], syms[i + 1]) == best:
                    out.append(syms[i] + syms[i + 1])
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            words[w] = out
    return merges
