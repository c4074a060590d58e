"""Project exercises (`proj.*`): the learner's code trains a real model in the sandbox; the
accuracy it reaches on held-out data is measured here, in the trusted process.

A project's hidden tests (its tests.py) are written with these helpers:

1. `check_model`: build the learner's model and check its layers and output shape.
2. `train`: call the learner's `train` on the training split, within the project's time limit
   (`Limits.train_seconds`; past it the run is stopped and says so). Only the training inputs
   and labels cross into the sandbox; the trained model stays there, as a kept value.
3. `predict`: call the learner's `predict` on the held-out inputs. Only the inputs cross: the
   held-out labels never enter the sandbox, so nothing in there can read them.
4. `require_accuracy`: compare the predictions with the held-out labels here. The accuracy is the
   test's message whether it passes or not; a failure adds a diagnosis (a constant guess, classes
   never predicted, what it scores on its own training data).

Data ships offline: scikit-learn's bundled digits (1,797 images of 8x8, loaded here, so the
sandbox needs no scikit-learn) and the course's bilingual sentiment set
(`course_data/data/sentiment_zh_en.tsv`). The splits are fixed (seeded, stratified).

What this cannot prove is how the predictions were made: both data sets are public, so a
learner who pasted the labelled data into their file could look answers up. That only cheats
themselves; the sandbox's guarantee is that the grader's own copy of the labels stays here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from dltutor.course.model import data_dir
from dltutor.grader.messages import msg, pick
from dltutor.grader.testkit import Check, Failure, KeptRef, Words, as_float_array, describe

SPLIT_SEED = 20240611  # fixed: every learner is judged on the same held-out data
CONTAINERS = {"Sequential", "ModuleList", "ModuleDict"}


@dataclass(frozen=True)
class Split:
    """A training and a held-out part; `groups` names subsets of the held-out part."""

    X_train: Any  # ndarray, or a list of str
    y_train: np.ndarray
    X_test: Any
    y_test: np.ndarray
    groups: dict[str, np.ndarray]  # name -> boolean mask over the held-out part


def stratified_split(
    strata: np.ndarray, test_fraction: float, seed: int = SPLIT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test): ceil(n * test_fraction) held out, shared among the strata in
    proportion to their sizes (largest remainders first), each drawn at random with `seed`."""
    rng = np.random.default_rng(seed)
    values, sizes = np.unique(strata, return_counts=True)
    quotas = sizes * test_fraction
    counts = np.floor(quotas).astype(int)
    left = int(np.ceil(len(strata) * test_fraction)) - int(counts.sum())
    for k in np.argsort(-(quotas - counts), kind="stable")[:left]:
        counts[k] += 1
    test: list[int] = []
    for value, count in zip(values, counts, strict=True):
        idx = np.flatnonzero(strata == value)
        rng.shuffle(idx)
        test.extend(int(i) for i in idx[:count])
    mask = np.zeros(len(strata), dtype=bool)
    mask[test] = True
    train_idx = np.flatnonzero(~mask)
    rng.shuffle(train_idx)  # not sorted by class: the learner still should shuffle
    return train_idx, np.flatnonzero(mask)


# ---- data: digits ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits  # ships its data: no download

    d = load_digits()
    return np.asarray(d.images, dtype=np.float64), np.asarray(d.target, dtype=np.int64)


def digits(images: bool = False, test_fraction: float = 0.2) -> Split:
    """scikit-learn's digits, pixel values 0..16 as they ship (normalizing is the learner's
    job): rows of 64 pixels, or with `images` 8x8 images. 1,437 to train on, 360 held out."""
    imgs, y = _digits()
    X = imgs if images else imgs.reshape(len(imgs), -1)
    tr, te = stratified_split(y, test_fraction)
    return Split(X[tr], y[tr], X[te], y[te], {})


def shift_one_pixel(images: np.ndarray, seed: int = SPLIT_SEED) -> np.ndarray:
    """Each image moved by one pixel up, down, left or right (drawn with `seed`); the pixels
    that come in are 0, those pushed out are lost."""
    rng = np.random.default_rng(seed)
    moves = ((-1, 0), (1, 0), (0, -1), (0, 1))
    h, w = images.shape[-2:]
    padded = np.pad(images, [(0, 0)] * (images.ndim - 2) + [(1, 1), (1, 1)])
    out = np.empty_like(images)
    for i, k in enumerate(rng.integers(0, len(moves), size=len(images))):
        dy, dx = moves[k]
        # content moves by (dy, dx): read the window shifted the other way
        out[i] = padded[i, ..., 1 - dy : 1 - dy + h, 1 - dx : 1 - dx + w]
    return out


# ---- data: bilingual sentiment ---------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
NEGATION = re.compile(r"\b(?:not|no|never|nothing|nobody|none)\b|n't|不|没", re.IGNORECASE)


def sentiment_file() -> Any:
    return data_dir() / "data" / "sentiment_zh_en.tsv"


@lru_cache(maxsize=1)
def sentiment_rows() -> tuple[tuple[str, int], ...]:
    """(text, label) of the shipped set: 1 positive, 0 negative."""
    rows = []
    lines = sentiment_file().read_text(encoding="utf-8").splitlines()
    body = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    if body and body[0] == "text\tlabel":
        body = body[1:]
    for ln in body:
        text, label = ln.rsplit("\t", 1)
        rows.append((text, int(label)))
    return tuple(rows)


def language(text: str) -> str:
    return "zh" if CJK.search(text) else "en"


def sentiment(test_fraction: float = 0.25) -> Split:
    """The bilingual sentiment set, a quarter held out (stratified by language and label).
    Groups over the held-out part: "en", "zh", "negation" (sentences with a negation word)."""
    rows = sentiment_rows()
    texts = [t for t, _ in rows]
    y = np.array([lab for _, lab in rows], dtype=np.int64)
    lang = np.array([language(t) for t in texts])
    tr, te = stratified_split(np.char.add(lang, y.astype(str)), test_fraction)
    test_texts = [texts[i] for i in te]
    groups = {
        "en": lang[te] == "en",
        "zh": lang[te] == "zh",
        "negation": np.array([bool(NEGATION.search(t)) for t in test_texts]),
    }
    return Split([texts[i] for i in tr], y[tr], test_texts, y[te], groups)


# ---- the steps of a project's tests ----------------------------------------------------------


def _layer_names(info: Any) -> tuple[list[str], int] | None:
    """The `$layers` reply, checked to be what the stub sends (it comes from the sandbox)."""
    if not isinstance(info, dict):
        return None
    layers, params = info.get("layers"), info.get("parameters")
    if not isinstance(layers, list) or not all(isinstance(n, str) for n in layers):
        return None
    if not isinstance(params, int) or isinstance(params, bool) or params < 0:
        return None
    return [n[:40] for n in layers], params


def _layers_text(layers: list[str]) -> str:
    shown = [n for n in layers[1:] if n not in CONTAINERS] or layers[:1]
    text = " → ".join(shown[:14])
    return text + (" → …" if len(shown) > 14 else "")


def check_model(
    t: Check, input_shape: tuple[int, ...], n_classes: int, needs_layer: str | None = None
) -> None:
    """`build_model()` gives a torch module with `needs_layer` among its layers whose output for
    a batch of `input_shape` has shape (batch, n_classes). Notes its size and layers."""
    got, handle = t.call_keep("build_model")
    model = t.kept(handle, label="model")
    call = t.last_call
    try:
        info = _layer_names(t.layers(model))
    except Failure:  # it is not a torch module
        info = None
    t.last_call = call
    if info is None:
        t.fail_raw(msg("p_not_model", t.lang, got=describe(got, t.lang)))
        return
    layers, params = info
    if needs_layer is not None and needs_layer not in layers:
        t.fail_raw(msg("p_needs_layer", t.lang, layer=needs_layer, layers=_layers_text(layers)))
    x = np.random.default_rng(SPLIT_SEED).random(input_shape).astype(np.float32)
    out = t.forward(model, x)
    a = as_float_array(out)
    want = (input_shape[0], n_classes)
    if a is None or a.shape != want:
        t.fail_raw(
            msg("p_output_shape", t.lang, inp=input_shape, want=want, got=describe(out, t.lang))
        )
    t.finite(out)
    t.metric("parameters", params)
    t.note(msg("p_model", t.lang, params=params, layers=_layers_text(layers)))


def train(t: Check, *data: Any, build: bool = True) -> None:
    """Call `train([model,] *data)` within the time limit; keep what it returns as the trained
    model for `predict`. With `build`, the model comes from a fresh `build_model()`."""
    args: tuple[Any, ...] = data
    if build:
        _, handle = t.call_keep("build_model")
        args = (t.kept(handle, label="model"), *data)
    limit = t.limits.train_seconds
    value, handle, seconds = t.call_timed(limit, "train", *args)
    if value is None:
        t.fail_raw(msg("p_returned_none", t.lang))
    t.state["model"] = t.kept(handle, label="trained_model")
    t.metric("train_seconds", seconds)
    if limit is not None:
        t.note(msg("p_trained", t.lang, seconds=seconds, limit=limit))


def trained_model(t: Check) -> KeptRef:
    model = t.state.get("model")
    if not isinstance(model, KeptRef):
        t.fail_raw(msg("p_no_model", t.lang))
        raise AssertionError("unreachable")
    return model


def predict(t: Check, X: Any, n_classes: int, key: str = "test") -> np.ndarray:
    """The learner's predictions for `X`: n labels in 0..n_classes-1 (remembered under `key`
    for later tests, with the call that made them)."""
    model = trained_model(t)
    if key in t.state:
        preds, call = t.state[key]
        t.last_call = call
        if preds is None:
            t.fail_raw(msg("p_no_predictions", t.lang))
        return preds
    t.state[key] = (None, "")
    got = t.call("predict", model, X)
    n = len(X)
    a = as_float_array(got)
    ok = (
        a is not None
        and a.shape == (n,)
        and bool(np.all(np.isfinite(a)))
        and bool(np.all(a == np.round(a)))
        and (n == 0 or (a.min() >= 0 and a.max() < n_classes))
    )
    if not ok or a is None:
        classes = "{0, 1}" if n_classes == 2 else f"0…{n_classes - 1}"
        t.fail_raw(msg("p_labels", t.lang, n=n, classes=classes, got=describe(got, t.lang)))
        raise AssertionError("unreachable")
    preds = a.astype(np.int64)
    t.state[key] = (preds, t.last_call)
    return preds


def require_accuracy(
    t: Check,
    preds: np.ndarray,
    y: np.ndarray,
    need: float,
    what: Words,
    *,
    n_classes: int,
    name: str = "accuracy",
    train_data: tuple[Any, np.ndarray] | None = None,
    advice: Words = None,
) -> None:
    """Accuracy of `preds` against the held-out `y` must be at least `need`. The figure is the
    test's message either way; a failure says what else is off. With `train_data` (inputs,
    labels) a failure also tells how the model does on its own training data."""
    call = t.last_call
    acc = float(np.mean(preds == y)) if len(y) else 0.0
    t.metric(name, acc)
    report = msg("p_accuracy", t.lang, acc=acc, n=len(y), what=pick(what, t.lang), need=need)
    if acc >= need:
        t.note(report)
        return
    parts = [msg("p_too_low", t.lang, report=report)]
    seen = np.unique(preds)
    if len(seen) == 1 and len(y):
        base = float(np.max(np.bincount(y, minlength=n_classes))) / len(y)
        parts.append(msg("p_one_class", t.lang, label=int(seen[0]), base=base))
    elif len(seen) < n_classes:
        missing = sorted(set(range(n_classes)) - {int(v) for v in seen})
        parts.append(msg("p_missing_classes", t.lang, classes=", ".join(map(str, missing))))
    if train_data is not None and len(seen) > 1:  # (a constant guess is diagnosis enough)
        try:
            on_train: np.ndarray | None = predict(t, train_data[0], n_classes, key="train")
        except Failure:  # bad labels: the predictions test says so; not again here
            on_train = None
        if on_train is not None:
            train_acc = float(np.mean(on_train == train_data[1]))
            t.metric(f"train_{name}", train_acc)
            if train_acc < need - 0.15:
                parts.append(msg("p_not_learning", t.lang, train=train_acc))
            elif train_acc >= need:
                parts.append(msg("p_not_carrying_over", t.lang, train=train_acc))
            else:
                parts.append(msg("p_underfit", t.lang, train=train_acc))
    if advice is not None:
        parts.append(pick(advice, t.lang))
    t.last_call = call
    t.fail_raw((" " if t.lang == "en" else "").join(parts))
