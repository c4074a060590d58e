# expect-fail: no_false_matches
# Joins symbols with spaces and merges with str.replace, which also matches inside symbols.
def bpe_train(word_freqs, num_merges):
    words = {w: " ".join(w) for w in word_freqs}
    merges = []
    for _ in range(num_merges):
        counts = {}
        for w, text in words.items():
            syms = text.split()
            for pair in zip(syms, syms[1:]):
                counts[pair] = counts.get(pair, 0) + word_freqs[w]
        if not counts:
            break
        best = min(counts, key=lambda pair: (-counts[pair], pair))
        merges.append(best)
        words = {w: text.replace(" ".join(best), "".join(best)) for w, text in words.items()}
    return merges
