"""What the grader tells the learner, in English and Chinese."""

from __future__ import annotations

from typing import Any

from dltutor.i18n import text_in

MESSAGES: dict[str, dict[str, str]] = {
    # --- why a run stopped (GradeResult.error) ---
    "wall": {
        "en": "Your code took too long and was stopped after {wall:g} s (is there an endless loop, "
        "or is it waiting for something?).",
        "zh": "代码运行时间过长，{wall:g} 秒后被终止（是否有死循环，或在等待什么？）。",
    },
    "cpu": {
        "en": "Your code used more than {cpu} s of CPU time and was stopped (an endless loop, or a "
        "much slower algorithm than needed?).",
        "zh": "代码占用的 CPU 时间超过 {cpu} 秒，已被终止（是否有死循环，或算法比需要的慢得多？）。",
    },
    "memory": {
        "en": "Your code ran out of memory (the limit is {memory} MB). Look for an array far larger "
        "than the inputs.",
        "zh": "代码内存不足（上限 {memory} MB）。检查是否创建了比输入大得多的数组。",
    },
    "exited": {
        "en": "Your program stopped in the middle of grading ({detail}). Do not call exit(), "
        "sys.exit() or os._exit(), and do not kill the process.",
        "zh": "程序在评测途中退出了（{detail}）。请不要调用 exit()、sys.exit() 或 os._exit()，"
        "也不要终止进程。",
    },
    "protocol": {
        "en": "Your code interfered with the grader's communication channel ({detail}), so the run "
        "was stopped. Only define the functions the exercise asks for.",
        "zh": "代码干扰了评测程序的通信通道（{detail}），评测已中止。只需定义题目要求的函数。",
    },
    "time_limit": {
        "en": "It was stopped after {limit} s, the time allowed for this step. Make it cheaper: "
        "fewer epochs, mini-batches rather than one example at a time, or a smaller model.",
        "zh": "它超过了这一步允许的 {limit} 秒，已被终止。请减少开销：减少训练轮数（epoch）、"
        "用小批量代替逐个样本训练，或换一个更小的模型。",
    },
    "load_time_limit": {
        "en": "Loading your file took more than {limit} s and was stopped. Does it train (or loop) "
        "when it is imported? Put that work inside the functions the exercise asks for.",
        "zh": "加载你的文件超过了 {limit} 秒，已被终止。是否在导入时就开始训练（或进入循环）？"
        "请把这些代码放进题目要求的函数里。",
    },
    "needs_torch": {
        "en": "This project trains a PyTorch model, but PyTorch is not installed in the grader's "
        "sandbox. This is a problem of the installation, not of your code: an administrator runs "
        "`scripts/setup-sandbox.sh --with-torch` as root.",
        "zh": "这个项目要训练 PyTorch 模型，但评测沙箱里没有安装 PyTorch。这是安装问题，不是你的"
        "代码的问题：请管理员以 root 身份运行 `scripts/setup-sandbox.sh --with-torch`。",
    },
    "needs_scikit-learn": {
        "en": "This project's data (the digits that ship with scikit-learn) is not available, "
        "because scikit-learn is not installed next to dltutor. This is a problem of the "
        "installation, not of your code: `pip install scikit-learn`.",
        "zh": "这个项目的数据（scikit-learn 自带的手写数字）不可用，因为 dltutor 所在环境没有安装 "
        "scikit-learn。这是安装问题，不是你的代码的问题：`pip install scikit-learn`。",
    },
    "load_error": {
        "en": "Your file could not be run: {kind}: {message}\n{traceback}",
        "zh": "无法运行你的文件：{kind}: {message}\n{traceback}",
    },
    "missing": {
        "en": "Your file does not define {names}. Keep the function names and signatures of the "
        "starter code.",
        "zh": "文件中没有定义 {names}。请保留起始代码中的函数名和参数。",
    },
    "start_failed": {
        "en": "The grader could not start the sandbox ({detail}). This is a problem of the "
        "installation, not of your code; `dltutor doctor` shows the sandbox status.",
        "zh": "评测程序无法启动沙箱（{detail}）。这是安装问题，不是你的代码的问题；"
        "运行 `dltutor doctor` 查看沙箱状态。",
    },
    "some_failed": {
        "en": "{failed} of {total} tests failed.",
        "zh": "{total} 个测试中有 {failed} 个未通过。",
    },
    # --- per test ---
    "not_run": {
        "en": "Not run: an earlier test stopped the run.",
        "zh": "未运行：之前的测试已使评测中止。",
    },
    "internal": {
        "en": "The grader itself failed on this test ({detail}). This is a bug in dltutor, not in "
        "your code.",
        "zh": "评测程序本身在这个测试上出错（{detail}）。这是 dltutor 的缺陷，不是你的代码的问题。",
    },
    "called": {"en": "Called {call}.", "zh": "调用 {call}。"},
    "expected_got": {
        "en": "Expected {expected}. Got {got}.",
        "zh": "期望 {expected}。实际得到 {got}。",
    },
    "expected_why": {"en": "{why}: {value}", "zh": "{why}：{value}"},
    "raised": {"en": "It raised {exc}.", "zh": "它抛出了 {exc}。"},
    "should_raise": {
        "en": "Expected it to raise {kind} ({why}). It returned {got}.",
        "zh": "期望它抛出 {kind}（{why}）。它却返回了 {got}。",
    },
    "wrong_exception": {
        "en": "Expected it to raise {kind} ({why}). It raised {exc}.",
        "zh": "期望它抛出 {kind}（{why}）。它抛出的是 {exc}。",
    },
    "modified": {
        "en": "It changed its input {names}. Functions must leave their inputs as they were: work "
        "on a copy (e.g. x.copy()) or build new arrays.",
        "zh": "它修改了输入参数 {names}。函数不能改动传入的参数：请在副本上操作（如 x.copy()）"
        "或创建新数组。",
    },
    "no_warning": {"en": "no warning", "zh": "没有任何警告"},
    "warned": {
        "en": "Expected {expected}. It warned: {warning}",
        "zh": "期望 {expected}。它发出了警告：{warning}",
    },
    "worst": {
        "en": "The largest difference is at index {index}: expected {expected}, got {got}.",
        "zh": "差异最大处在索引 {index}：期望 {expected}，实际 {got}。",
    },
    # --- describing values ---
    "a_number": {"en": "a single number", "zh": "一个数"},
    "an_array": {"en": "an array of shape {shape}", "zh": "形状为 {shape} 的数组"},
    "array_of": {
        "en": "an array of shape {shape}: {values}",
        "zh": "形状为 {shape} 的数组：{values}",
    },
    "array_dtype": {
        "en": "an array of dtype {dtype}",
        "zh": "dtype 为 {dtype} 的数组",
    },
    "a_sequence": {
        "en": "a tuple of {n} values {what}",
        "zh": "包含 {n} 个值的元组 {what}",
    },
    "a_list_of": {"en": "a list of {n} items", "zh": "包含 {n} 项的列表"},
    "an_object": {
        "en": "an object of type {type} ({repr})",
        "zh": "类型为 {type} 的对象（{repr}）",
    },
    "a_dict_keys": {"en": "a dict with keys {keys}", "zh": "键为 {keys} 的字典"},
    "finite": {"en": "finite values (no nan or inf)", "zh": "有限值（不能有 nan 或 inf）"},
    # --- projects (dltutor.grader.projects) ---
    "p_not_model": {
        "en": "Expected a torch.nn.Module (a model). Got {got}.",
        "zh": "期望得到一个 torch.nn.Module（模型）。实际得到 {got}。",
    },
    "p_model": {
        "en": "{params:,} parameters; layers: {layers}",
        "zh": "参数 {params:,} 个；层：{layers}",
    },
    "p_output_shape": {
        "en": "Expected a batch of shape {inp} to give logits of shape {want} (one score per "
        "class, no softmax needed). Got {got}.",
        "zh": "期望形状为 {inp} 的一批输入得到形状为 {want} 的 logits（每个类别一个分数，不需要 "
        "softmax）。实际得到 {got}。",
    },
    "p_needs_layer": {
        "en": "Expected the model to contain a {layer} layer. Its layers: {layers}.",
        "zh": "期望模型中有 {layer} 层。它的层：{layers}。",
    },
    "p_returned_none": {
        "en": "train() must return the trained model. It returned None: end it with "
        "`return model`.",
        "zh": "train() 必须返回训练好的模型。它返回了 None：在函数末尾加上 `return model`。",
    },
    "p_trained": {
        "en": "trained in {seconds:.1f} s (limit {limit:g} s)",
        "zh": "训练用时 {seconds:.1f} 秒（上限 {limit:g} 秒）",
    },
    "p_no_model": {
        "en": "Not checked: there is no trained model (training failed above).",
        "zh": "未检查：没有训练好的模型（上面的训练步骤没有成功）。",
    },
    "p_labels": {
        "en": "Expected {n} predicted labels, one integer from {classes} per input (a 1-D array, "
        "list or tensor). Got {got}.",
        "zh": "期望 {n} 个预测标签，每个输入一个取自 {classes} 的整数（一维数组、列表或张量）。"
        "实际得到 {got}。",
    },
    "p_no_predictions": {
        "en": "Not checked: predict() did not give valid labels (see above).",
        "zh": "未检查：predict() 没有给出有效的标签（见上文）。",
    },
    "p_accuracy": {
        "en": "accuracy {acc:.3f} on {n} held-out {what} (needs ≥ {need:.2f})",
        "zh": "在留出的 {n} {what}上准确率为 {acc:.3f}（要求 ≥ {need:.2f}）",
    },
    "p_too_low": {"en": "Accuracy too low: {report}.", "zh": "准确率不够：{report}。"},
    "p_one_class": {
        "en": "It predicts {label} for every input: a constant guess (the majority-class baseline "
        "scores {base:.3f}), not a trained model.",
        "zh": "它对每个输入都预测 {label}：这只是常数猜测（多数类基线的准确率为 {base:.3f}），"
        "不是训练出来的模型。",
    },
    "p_missing_classes": {
        "en": "It never predicts {classes}.",
        "zh": "它从不预测 {classes}。",
    },
    "p_not_learning": {
        "en": "On its own training data it scores only {train:.3f}: the model did not learn. Check "
        "that the loss goes down: optimizer.zero_grad(), loss.backward() and optimizer.step() in "
        "every step, a sensible learning rate, labels that match the inputs.",
        "zh": "在它自己的训练数据上准确率也只有 {train:.3f}：模型没有学到东西。检查损失是否在下降："
        "每一步都要 optimizer.zero_grad()、loss.backward() 和 optimizer.step()，学习率要合适，"
        "标签要与输入对应。",
    },
    "p_underfit": {
        "en": "On its own training data it scores {train:.3f}. Train longer, with a better learning "
        "rate or a larger model, and check that predict() prepares inputs exactly as train() "
        "does.",
        "zh": "在训练数据上准确率为 {train:.3f}。可以训练更久、调整学习率或加大模型，并检查 "
        "predict() 处理输入的方式是否与 train() 完全一致。",
    },
    "p_not_carrying_over": {
        "en": "On its own training data it scores {train:.3f}: it learned, but that does not carry "
        "over to new data. Does predict() prepare inputs exactly as train() does (scaling, shape, "
        "vocabulary)? Does the model overfit?",
        "zh": "在训练数据上准确率为 {train:.3f}：模型学到了东西，但没能推广到新数据。predict() "
        "处理输入的方式是否与 train() 完全一致（缩放、形状、词表）？模型是否过拟合？",
    },
}


def msg(key: str, lang: str, **kw: Any) -> str:
    """The message `key` in `lang` (falling back to English), filled in with `kw`."""
    return text_in(MESSAGES, key, lang, **kw)


def pick(text: str | tuple[str, str] | None, lang: str) -> str:
    """A test's own wording: one string for both languages, or an (en, zh) pair."""
    if text is None:
        return ""
    if isinstance(text, tuple):
        return text[1] if lang == "zh" else text[0]
    return text
