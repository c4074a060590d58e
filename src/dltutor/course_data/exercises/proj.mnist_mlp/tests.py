"""Hidden tests of proj.mnist_mlp: an MLP on scikit-learn's digits (dltutor.grader.projects).

The model is built and trained in the sandbox on the 1,437 training images; the 360 held-out
labels stay here, where the accuracy is computed.
"""

from dltutor.grader import projects as P

NEED = 0.95
IMAGES = ("images", "张图像")


def _data():
    return P.digits()


def test_model_gives_10_logits(t):
    P.check_model(t, (5, 64), 10)


def test_trains_in_time(t):
    data = _data()
    P.train(t, data.X_train, data.y_train)


def test_predicts_labels(t):
    P.predict(t, _data().X_test, 10)


def test_held_out_accuracy(t):
    data = _data()
    preds = P.predict(t, data.X_test, 10)
    train_data = (data.X_train, data.y_train)
    P.require_accuracy(t, preds, data.y_test, NEED, IMAGES, n_classes=10, train_data=train_data)
