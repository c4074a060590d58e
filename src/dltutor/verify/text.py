"""What code verification tells the learner, in Chinese and English."""

from __future__ import annotations

from typing import Any

from dltutor.i18n import in_each_language, text_in

TEXT: dict[str, dict[str, str]] = {
    # --- why a block failed (RunResult.errors) ---
    "error": {"en": "{kind}: {message}", "zh": "{kind}：{message}"},
    "no_module": {
        "en": "`{module}` is not available in the sandbox, which has the Python standard library "
        "and {packages} only. Code that needs it was not run.",
        "zh": "沙箱中没有 `{module}`：沙箱只提供 Python 标准库和 {packages}。依赖它的代码无法运行。",
    },
    "assertion": {
        "en": "A check in the code failed (assert){message}: the code runs, but its result is not "
        "what it claims.",
        "zh": "代码中的检查（assert）没有通过{message}：代码能运行，但结果与它声称的不符。",
    },
    "name_error": {
        "en": "{message}. Blocks run in order in one session: is it defined in an earlier block "
        "that failed, or not at all?",
        "zh": "{message}。代码块按顺序在同一会话中运行：它是否定义在某个失败的前置代码块里，或者根本没有定义？",
    },
    "syntax": {
        "en": "Syntax error on line {line}: {message}",
        "zh": "第 {line} 行有语法错误：{message}",
    },
    "memory": {
        "en": "The code ran out of memory (the limit is {memory} MB).",
        "zh": "代码内存不足（上限 {memory} MB）。",
    },
    "timeout": {
        "en": "The code was stopped after {wall:g} s (an endless loop, too much work, or waiting "
        "for input?).",
        "zh": "代码运行 {wall:g} 秒后被终止（死循环、计算量太大，还是在等待输入？）。",
    },
    "cpu": {
        "en": "The code used more than its CPU time ({cpu} s for the session) and was stopped.",
        "zh": "代码用完了 CPU 时间（本次会话共 {cpu} 秒），已被终止。",
    },
    "exit": {
        "en": "The program exited with status {status}.",
        "zh": "程序以状态码 {status} 退出。",
    },
    "crashed": {
        "en": "The Python process died ({detail}).",
        "zh": "Python 进程意外终止（{detail}）。",
    },
    "interfered": {
        "en": "The code interfered with the sandbox's channel ({detail}), so the run was stopped.",
        "zh": "代码干扰了沙箱的通信通道（{detail}），运行已中止。",
    },
    "start": {
        "en": "The sandbox could not run the code ({detail}). This is a problem of the "
        "installation, not of the code; `dltutor doctor` shows the sandbox status.",
        "zh": "沙箱无法运行这段代码（{detail}）。这是安装问题，不是代码的问题；"
        "运行 `dltutor doctor` 查看沙箱状态。",
    },
    "busy": {
        "en": "Too many code runs at once; try again in a moment.",
        "zh": "同时运行的代码太多，请稍后再试。",
    },
    "argmax_probe": {
        "en": "It runs, but np.argmax was taken over an axis of length 1 (array shape {shape}), "
        "which always gives 0: a model with a single output cannot choose between classes. "
        "Use one output per class (softmax) and take argmax over the classes.",
        "zh": "代码能运行，但 np.argmax 作用在长度为 1 的轴上（数组形状 {shape}），结果永远是 0："
        "只有一个输出的模型无法在多个类别之间做选择。应当每个类别一个输出（softmax），"
        "再对类别取 argmax。",
    },
    "labelencoder_refit_probe": {
        "en": "It runs, but one LabelEncoder was fitted again on different data ({before} "
        "classes, then {after} other ones). Each fit replaces its table: the codes of the earlier "
        "fit now decode to other classes, codes from the two fits mean different things, and "
        "fitting on a new input just gives it code 0. Fit one encoder per kind of data, once, and "
        "encode new data with transform().",
        "zh": "代码能运行，但同一个 LabelEncoder 在不同的数据上又拟合了一次（先是 {before} 个类别，"
        "后来是 {after} 个别的类别）。每次拟合都会替换它的编码表：先前拟合得到的编码现在会被解码成别的类别，"
        "两次拟合得到的编码含义不同；在新输入上重新拟合，只会把它编码成 0。应当每种数据各用一个编码器、"
        "只拟合一次，新数据用 transform() 编码。",
    },
    "onehot_claim": {
        "en": "It runs, but the text says one-hot encoding and the code uses LabelEncoder, which "
        "gives one integer per item (0, 1, 2, …), not a one-hot vector: a model then reads the "
        "classes as ordered numbers. Use OneHotEncoder, keras.utils.to_categorical or "
        "np.eye(n)[codes] for one-hot vectors.",
        "zh": "代码能运行，但文中说的是 one-hot（独热）编码，代码用的却是 LabelEncoder：它把每一项编码成"
        "一个整数（0、1、2……），而不是 one-hot 向量，模型会把类别当成有大小顺序的数字。"
        "需要 one-hot 向量时，请用 OneHotEncoder、keras.utils.to_categorical 或 np.eye(n)[codes]。",
    },
    "output_cut": {
        "en": "… ({more} more characters not kept)",
        "zh": "……（另有 {more} 个字符未保留）",
    },
    # --- badges ---
    "badge_verified": {"en": "✓ verified", "zh": "✓ 已验证"},
    "badge_repaired": {"en": "✓ verified after repair", "zh": "✓ 修复后已验证"},
    "badge_failed": {"en": "✗ failed", "zh": "✗ 运行失败"},
    "badge_unverified": {"en": "✗ unverified", "zh": "✗ 未通过验证"},
    "badge_not_run": {"en": "⚠ not run", "zh": "⚠ 未运行"},
    "badge_fragment": {"en": "◇ fragment", "zh": "◇ 代码片段"},
    "fragment_note": {
        "en": "A fragment: it refers to {names}, which the answer does not define, so it shows a "
        "step rather than a program to run. Not run on its own.",
        "zh": "这是一个代码片段：它用到了回答中没有定义的 {names}，只是在示意某一步，并不是可以单独运行的程序。"
        "因此没有单独运行。",
    },
    "ran_in": {
        "en": "ran in the sandbox ({seconds:.2f} s)",
        "zh": "已在沙箱中运行（{seconds:.2f} 秒）",
    },
    "checks": {
        "en": "{n} check(s) (assert) passed",
        "zh": "{n} 项检查（assert）通过",
    },
    "no_checks": {
        "en": "no assert in this block: it runs, but its results are not checked",
        "zh": "这段代码没有 assert：它能运行，但结果没有经过检查",
    },
    "attempts": {
        "en": "{n} repair attempt(s)",
        "zh": "修复尝试 {n} 次",
    },
    "output": {"en": "Output", "zh": "输出"},
    "output_label": {"en": "Output:", "zh": "输出："},
    "no_output": {"en": "(no output)", "zh": "（没有输出）"},
    "error_label": {"en": "Error:", "zh": "错误："},
    "do_not_copy": {
        "en": "This code does not work as shown: do not copy it without fixing it.",
        "zh": "这段代码按原样无法运行：请勿直接照搬。",
    },
    "repaired_from": {
        "en": "The first version failed ({error}); the code shown is the repaired one.",
        "zh": "最初的版本运行失败（{error}）；这里展示的是修复后的代码。",
    },
    "run_again_cli": {
        "en": "Type /run {n} to run block {n} again.",
        "zh": "输入 /run {n} 可以重新运行第 {n} 段代码。",
    },
    "block": {"en": "Code block {n}", "zh": "代码块 {n}"},
    "no_blocks": {"en": "No Python code to run.", "zh": "没有可运行的 Python 代码。"},
    "bad_run_command": {
        "en": "Usage: /run N, where N is a code block of the last answer (1–{count}).",
        "zh": "用法：/run N，N 是上一个回答中代码块的编号（1–{count}）。",
    },
    "checking": {
        "en": "Running the answer's code in the sandbox…",
        "zh": "正在沙箱中运行回答里的代码……",
    },
}


def say(key: str, lang: str, **kw: Any) -> str:
    """The text `key` in `lang` (English when the language is unknown), filled in with `kw`."""
    return text_in(TEXT, key, lang, **kw)


def both(key: str, **kw: Any) -> dict[str, str]:
    """The text in every language, for results stored and shown later in either."""
    return in_each_language(TEXT, key, **kw)
