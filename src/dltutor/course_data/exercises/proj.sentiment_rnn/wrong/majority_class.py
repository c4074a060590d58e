# expect-fail: held_out_accuracy, english_accuracy, chinese_accuracy, negation_accuracy
# The majority-class baseline in place of a model: the most common training label for every
# sentence. With balanced data it scores about 50%, which is what any model must clearly beat.
import numpy as np


def train(texts, labels):
    return int(np.bincount(labels).argmax())


def predict(model, texts):
    return np.full(len(texts), model)
