"""The tutor: the learner's record over the store, judging free text, and the teaching loop.

`learning/` decides (pure functions over data); this package loads and saves what those
decisions read, and asks the LLM to phrase and to judge.
"""
