# expect-fail: small_lists, random_arrays
# Off by one: the loop starts at index 1 and skips the first pair.
def dot(a, b):
    if len(a) != len(b):
        raise ValueError("lengths differ")
    total = 0.0
    for i in range(1, len(a)):
        total += a[i] * b[i]
    return total
