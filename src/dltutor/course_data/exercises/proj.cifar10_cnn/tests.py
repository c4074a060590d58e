"""Hidden tests of proj.cifar10_cnn: a CNN on scikit-learn's digits as 8x8 images, tested on the
held-out images as they are and moved by one pixel (dltutor.grader.projects).

The model is built and trained in the sandbox on the 1,437 training images; the 360 held-out
labels stay here, where the accuracy is computed.
"""

from dltutor.grader import projects as P

NEED = 0.96
NEED_SHIFTED = 0.90
IMAGES = ("images", "张图像")
SHIFTED = ("images moved by one pixel", "张平移了一个像素的图像")
AUGMENT = (
    "A CNN's filters see a pattern wherever it is, but the model still has to learn that a "
    "moved digit is the same digit: train on randomly shifted copies of the training images "
    "(data augmentation), e.g. pad by one pixel and crop 8x8 at a random offset.",
    "CNN 的卷积核能在任何位置识别同一个图案，但模型仍然要学会“平移后的数字还是同一个数字”："
    "用随机平移的训练图像副本来训练（数据增强），例如四周各填充一个像素，再随机裁剪出 8×8。",
)


def _data():
    return P.digits(images=True)


def test_model_gives_10_logits(t):
    P.check_model(t, (5, 1, 8, 8), 10, needs_layer="Conv2d")


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


def test_shifted_accuracy(t):
    data = _data()
    preds = P.predict(t, P.shift_one_pixel(data.X_test), 10, key="shifted")
    P.require_accuracy(
        t, preds, data.y_test, NEED_SHIFTED, SHIFTED, n_classes=10, name="shifted_accuracy",
        advice=AUGMENT,
    )  # fmt: skip
