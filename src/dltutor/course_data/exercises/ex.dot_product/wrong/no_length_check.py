# expect-fail: unequal_lengths
# Forgets the length check: zip silently stops at the shorter input.
def dot(a, b):
    total = 0.0
    for x, y in zip(a, b):
        total += x * y
    return total
