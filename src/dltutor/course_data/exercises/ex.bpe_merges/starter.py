def bpe_train(word_freqs, num_merges):
    """Learn up to num_merges BPE merges from {word: count}; return them in order as tuples."""
    # TODO: your code here
    raise NotImplementedError
