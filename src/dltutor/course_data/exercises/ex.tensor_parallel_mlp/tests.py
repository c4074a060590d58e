"""Hidden tests for ex.tensor_parallel_mlp."""

import numpy as np


def ffn(x, W1, b1, W2, b2):
    return np.maximum(0.0, x @ W1 + b1) @ W2 + b2


def blocks(h, k):
    """Contiguous blocks, the first h % k one longer, by arithmetic rather than np.array_split."""
    out, start = [], 0
    for i in range(k):
        size = h // k + (1 if i < h % k else 0)
        out.append(list(range(start, start + size)))
        start += size
    return out


def worker(x, W1, b1, W2, b2, block, first):
    pre = np.array([[sum(x[n, i] * W1[i, j] for i in range(W1.shape[0])) + b1[j] for j in block] for n in range(len(x))])
    part = np.maximum(0.0, pre) @ W2[block, :] if block else np.zeros((len(x), W2.shape[1]))
    return part + b2 if first else part


def params(rng, d, h, d_out, bias=0.5):
    return rng.normal(size=(d, h)), rng.normal(size=h), rng.normal(size=(h, d_out)), bias * rng.normal(size=d_out)


def check(t, x, W1, b1, W2, b2, k, sum_why=None):
    got = t.call("tensor_parallel_mlp", x, W1, b1, W2, b2, k)
    parts = t.unpack(got, k, f"a list of {k} partial outputs")
    for i, (part, block) in enumerate(zip(parts, blocks(W1.shape[1], k))):
        t.close(part, worker(x, W1, b1, W2, b2, block, i == 0), (f"worker {i}'s partial output from hidden units {block[0]}..{block[-1]}" + (" plus b2" if i == 0 else ""), f"第 {i} 个工作者由隐藏单元 {block[0]}..{block[-1]} 得到的部分输出" + ("，再加 b2" if i == 0 else "")))
    total = np.sum([np.asarray(p, dtype=float) for p in parts], axis=0)
    t.close(total, ffn(x, W1, b1, W2, b2), sum_why or ("the sum of the partials = the unsplit FFN", "各部分之和 = 不切分的前馈网络"))


def test_one_worker_is_the_whole_ffn(t):
    rng = np.random.default_rng(231)
    W1, b1, W2, b2 = params(rng, 3, 4, 2)
    x = rng.normal(size=(5, 3))
    got = t.call("tensor_parallel_mlp", x, W1, b1, W2, b2, 1)
    (only,) = t.unpack(got, 1, "a list of 1 partial output")
    t.close(only, ffn(x, W1, b1, W2, b2), ("relu(x W1 + b1) W2 + b2", "relu(x W1 + b1) W2 + b2"))


def test_two_workers(t):
    rng = np.random.default_rng(232)
    W1, b1, W2, b2 = params(rng, 4, 6, 3)
    check(t, rng.normal(size=(3, 4)), W1, b1, W2, b2, 2)


def test_output_bias_added_once(t):
    rng = np.random.default_rng(233)
    W1, b1, W2, _ = params(rng, 3, 8, 2)
    b2 = np.array([100.0, -50.0])
    check(t, rng.normal(size=(2, 3)), W1, b1, W2, b2, 4, ("the unsplit FFN: b2 = [100, -50] appears once in the sum", "不切分的前馈网络：和中 b2 = [100, -50] 只出现一次"))


def test_relu_inside_each_worker(t):
    # pre-activations of both signs in every block: the ReLU must act per hidden unit
    x = np.array([[1.0, -1.0], [0.5, 2.0]])
    W1 = np.array([[1.0, -1.0, 2.0, -2.0], [1.0, 1.0, -1.0, -1.0]])
    b1 = np.array([0.0, 0.5, -0.5, 0.0])
    W2 = np.array([[1.0], [2.0], [-1.0], [0.5]])
    b2 = np.array([0.0])
    check(t, x, W1, b1, W2, b2, 2)


def test_uneven_split(t):
    rng = np.random.default_rng(234)
    W1, b1, W2, b2 = params(rng, 5, 7, 3)
    check(t, rng.normal(size=(4, 5)), W1, b1, W2, b2, 3, ("the unsplit FFN with 7 hidden units in blocks of 3, 2, 2", "7 个隐藏单元分成 3、2、2 三块时仍等于不切分的前馈网络"))


def test_bad_worker_count_raises(t):
    rng = np.random.default_rng(235)
    W1, b1, W2, b2 = params(rng, 2, 3, 2)
    x = rng.normal(size=(1, 2))
    t.raises("ValueError", ("num_workers = 0", "num_workers = 0"), "tensor_parallel_mlp", x, W1, b1, W2, b2, 0)
    t.raises("ValueError", ("4 workers for 3 hidden units", "3 个隐藏单元分给 4 个工作者"), "tensor_parallel_mlp", x, W1, b1, W2, b2, 4)


def test_random(t):
    rng = np.random.default_rng(236)
    for N, d, h, d_out, k in [(1, 2, 2, 1, 2), (6, 8, 32, 8, 4), (3, 5, 13, 4, 5), (2, 4, 9, 3, 9)]:
        W1, b1, W2, b2 = params(rng, d, h, d_out)
        check(t, rng.normal(size=(N, d)), W1, b1, W2, b2, k)
