"""Hidden tests of proj.sentiment_rnn: a sentiment classifier on the course's bilingual set
(course_data/data/sentiment_zh_en.tsv; dltutor.grader.projects).

The learner's `train` gets the 900 training sentences and their labels; `predict` gets the 300
held-out sentences only. Their labels, and which of them are English, Chinese or negated, stay
here, where the accuracies are computed.
"""

from dltutor.grader import projects as P

NEED = 0.80
NEED_LANGUAGE = 0.70
NEED_NEGATION = 0.75
SENTENCES = ("sentences", "个句子")
CHINESE_ADVICE = (
    "Chinese is written without spaces: `text.split()` keeps a whole sentence as one token, which "
    "the model never saw in training. Split Chinese into characters, e.g. "
    "`re.findall(r'[a-z]+|[\\u4e00-\\u9fff]', text.lower())`.",
    "中文不用空格分词：`text.split()` 会把整句话当成一个词元，而模型在训练中从没见过它。"
    "请把中文切成单个汉字，例如 `re.findall(r'[a-z]+|[\\u4e00-\\u9fff]', text.lower())`。",
)
NEGATION_ADVICE = (
    "Negation flips the meaning: keep \"not\", \"n't\", \"never\", \"不\" and \"没\" as tokens (a "
    "stop-word list often drops them) and use a model that reads the words in order, such as an "
    "LSTM; an average of word vectors cannot tell \"not bad\" from \"bad\".",
    "否定会反转句子的意思：要把 “not”“n't”“never”“不”“没” 留作词元（停用词表常常把它们删掉），"
    "并使用按顺序读词的模型，例如 LSTM；把词向量取平均分不清 “not bad” 和 “bad”。",
)


def _data():
    return P.sentiment()


def test_trains_in_time(t):
    data = _data()
    P.train(t, data.X_train, data.y_train, build=False)


def test_predicts_labels(t):
    P.predict(t, _data().X_test, 2)


def test_held_out_accuracy(t):
    data = _data()
    preds = P.predict(t, data.X_test, 2)
    train_data = (data.X_train, data.y_train)
    P.require_accuracy(t, preds, data.y_test, NEED, SENTENCES, n_classes=2, train_data=train_data)


def _group(t, group, need, what, advice=None):
    data = _data()
    mask = data.groups[group]
    preds = P.predict(t, data.X_test, 2)
    if len(set(preds.tolist())) == 1:
        advice = None  # a constant guess everywhere: that diagnosis says it all
    P.require_accuracy(
        t, preds[mask], data.y_test[mask], need, what, n_classes=2, name=f"{group}_accuracy",
        advice=advice,
    )  # fmt: skip


def test_english_accuracy(t):
    _group(t, "en", NEED_LANGUAGE, ("English sentences", "个英文句子"))


def test_chinese_accuracy(t):
    _group(t, "zh", NEED_LANGUAGE, ("Chinese sentences", "个中文句子"), CHINESE_ADVICE)


def test_negation_accuracy(t):
    what = ("sentences with a negation (not, n't, never, 不, 没)", "个含否定词（not、n't、never、不、没）的句子")
    _group(t, "negation", NEED_NEGATION, what, NEGATION_ADVICE)
