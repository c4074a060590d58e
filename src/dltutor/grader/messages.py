"""What the grader tells the learner, in English and Chinese."""

from __future__ import annotations

from typing import Any

LANGS = ("en", "zh")

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
}


def msg(key: str, lang: str, **kw: Any) -> str:
    """The message `key` in `lang` (falling back to English), filled in with `kw`."""
    table = MESSAGES[key]
    return table.get(lang, table["en"]).format(**kw)


def pick(text: str | tuple[str, str] | None, lang: str) -> str:
    """A test's own wording: one string for both languages, or an (en, zh) pair."""
    if text is None:
        return ""
    if isinstance(text, tuple):
        return text[1] if lang == "zh" else text[0]
    return text
