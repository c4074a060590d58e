"""Adaptive learning, model-free: who the learner is (profile), what they know (knowledge,
diagnostic), what to study when (planner, reviews) and what the tutor does next (policy).

Every decision here is a plain function over data; the LLM only phrases and judges, elsewhere.
"""
