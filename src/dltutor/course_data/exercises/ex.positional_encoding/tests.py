"""Hidden tests for ex.positional_encoding."""

import numpy as np

PE = ("sin in even columns, cos in odd columns, frequency 1/10000^(2i/d)", "偶数列为 sin、奇数列为 cos，频率 1/10000^(2i/d)")


def check(t, T, d, why=PE):
    t.close(t.call("sinusoidal_positional_encoding", T, d), t.ref.sinusoidal_positional_encoding(T, d), why)


def test_position_zero(t):
    got = t.call("sinusoidal_positional_encoding", 1, 4)
    t.close(got, np.array([[0.0, 1.0, 0.0, 1.0]]), ("[0, 1, 0, 1] at position 0 (sin 0, cos 0)", "位置 0 为 [0, 1, 0, 1]（sin 0、cos 0）"))


def test_small_table(t):
    check(t, 3, 4)


def test_odd_d(t):
    check(t, 5, 5, ("(5, 5), the last column a sine", "(5, 5)，最后一列为 sin"))
    check(t, 2, 1, ("(2, 1): a single sine column", "(2, 1)：只有一列 sin"))


def test_random_sizes(t):
    for T, d in [(10, 8), (50, 16), (7, 9)]:
        check(t, T, d)
