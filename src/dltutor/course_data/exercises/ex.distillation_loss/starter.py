import numpy as np


def distillation_loss(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    """Batch mean of alpha*T^2*KL(softmax(teacher/T) || softmax(student/T)) + (1-alpha)*CE(student, labels)."""
    # TODO: your code here
    raise NotImplementedError
