"""What the teaching loop says itself (not the model), in Chinese and English."""

from __future__ import annotations

from dltutor.i18n import text_in

TEXT: dict[str, dict[str, str]] = {
    "probe": {
        "en": "Before we build on **{prereq}**, a quick check of what it rests on:\n\n**{question}**",
        "zh": "在讲 **{topic}** 之前，先确认一下它依赖的前置知识 **{prereq}**：\n\n**{question}**",
    },
    "prereq_offer": {
        "en": "This builds on **{prereq}**, which you have not shown here yet. A quick check before "
        "we go further: **{question}** (Answer it here, or study it with the tutor: `dltutor learn {id}`.)",
        "zh": "这部分建立在 **{prereq}** 之上，你在这里还没有练过它。继续之前先快速检查一下："
        "**{question}**（可以直接在这里回答，或和导师一起学这一课：`dltutor learn {id}`。）",
    },
    "prereq_prompt": {
        "en": "The learner has not yet shown {prereq}, which {topic} builds on. If your answer "
        "builds on it, begin with one short question to check it (for example: {question}) "
        "or offer a quick recap, then answer.",
        "zh": "学习者还没有表现出掌握 {prereq}（{topic} 以它为基础）。如果你的回答要用到它，"
        "先用一个简短的问题检查一下（例如：{question}），或提出先帮他快速复习，然后再回答。",
    },
    "detour": {
        "en": "It looks like **{prereq}** needs some work first, so let's take it now and come back to **{topic}** afterwards.",
        "zh": "看起来 **{prereq}** 还需要先补一补，我们先学它，之后再回到 **{topic}**。",
    },
    "check": {
        "en": 'Check question: **{question}**\n\n*(Answer in your own words; "I don\'t know" is a fine answer.)*',
        "zh": '检验问题：**{question}**\n\n*（用你自己的话回答；说"不知道"也完全可以。）*',
    },
    "check_again": {
        "en": "Let's try that question again: **{question}**",
        "zh": "我们再试一次这个问题：**{question}**",
    },
    "feedback": {
        "en": "**Score {score:.0%}.** {feedback}",
        "zh": "**得分 {score:.0%}。** {feedback}",
    },
    "exercise": {
        "en": "### Exercise `{id}`: {title}\n\n{statement}\n\nWrite it in a file and submit it here (paste the code) or run `dltutor exercise grade {id} FILE.py`. Ask for a hint any time.",
        "zh": "### 练习 `{id}`：{title}\n\n{statement}\n\n把代码写在文件里，粘贴到这里提交，或运行 `dltutor exercise grade {id} FILE.py`。随时可以要提示。",
    },
    "exercise_again": {
        "en": "Not yet — have another go at `{id}`. Tests that failed:\n\n{failures}",
        "zh": "还没通过，再试一次 `{id}`。未通过的测试：\n\n{failures}",
    },
    "grading_busy": {
        "en": "Too many submissions are waiting to be graded just now: paste your code again in {seconds} seconds.",
        "zh": "现在排队评测的提交太多，请 {seconds} 秒后再把代码粘贴过来。",
    },
    "grading_failed": {
        "en": "Your code could not be graded just now (no grading machine is running, or one failed): paste it again in a moment.",
        "zh": "现在没能评测你的代码（没有评测机在运行，或评测机出了问题），请稍后再粘贴一次。",
    },
    "passed": {
        "en": "✅ `{id}` passes every test. Well done!",
        "zh": "✅ `{id}` 通过了全部测试，做得好！",
    },
    "hint": {"en": "💡 Hint {level}/{of}: {hint}", "zh": "💡 提示 {level}/{of}：{hint}"},
    "hint_more": {
        "en": "\n\n(You have seen every hint. After {n} more failed attempt(s), ask again and I will show a solution.)",
        "zh": "\n\n（提示已经全部给出。再失败 {n} 次后再次请求，我会给出参考答案。）",
    },
    "solution": {
        "en": "You have worked hard on this one. Here is a reference solution — read it, then close it and write your own:\n\n```python\n{code}```",
        "zh": "你在这道题上已经很努力了。下面是参考答案——读懂后合上它，自己再写一遍：\n\n```python\n{code}```",
    },
    "advance": {"en": "Next topic: **{title}**.", "zh": "下一个主题：**{title}**。"},
    "resume": {
        "en": "Back to **{title}**, now that its groundwork is in place.",
        "zh": "前置知识补好了，回到 **{title}**。",
    },
    "finished": {
        "en": "🎉 You have finished everything in your plan!",
        "zh": "🎉 你已经完成了计划中的全部内容！",
    },
    "review": {
        "en": "🔁 Time to review **{title}** (due today): **{question}**",
        "zh": "🔁 该复习 **{title}** 了（今天到期）：**{question}**",
    },
    "no_model_explain": {
        "en": "*(No language model is configured, so here is the lesson itself, one part at a time.)*",
        "zh": "*（未配置语言模型，下面直接用课程原文讲解，一次一部分。）*",
    },
    "unspoken_explain": {
        "en": "*(The configured model cannot write English well enough; here is the lesson itself, one part at a time.)*",
        "zh": "*（内置的小模型只会英文，下面直接用课程原文讲解，一次一部分。）*",
    },
    "model_failed_explain": {
        "en": "*(The model did not answer ({error}); here is the lesson itself instead.)*",
        "zh": "*（模型没有回应（{error}），下面改用课程原文讲解。）*",
    },
    "model_failed_answer": {
        "en": "*(The model did not answer ({error}); here is what the course says.)*",
        "zh": "*（模型没有回应（{error}），下面是课程里的相关内容。）*",
    },
    "no_lesson": {
        "en": "The lesson for **{title}** is not written yet; ask me about it, or look it up in the reading list.",
        "zh": "**{title}** 的课程还没有写好；可以直接问我，或查看延伸阅读。",
    },
    "section": {
        "en": "**{title} · {section}**\n\n{body}\n\n*(Full lesson: `dltutor lesson {id}`.)*",
        "zh": "**{title} · {section}**\n\n{body}\n\n*（完整课程：`dltutor lesson {id}`。）*",
    },
    "dont_know_probe": {
        "en": "No problem — that is exactly what we are here for. Let's fill it in now.",
        "zh": "没关系，不知道正说明这里值得补一补。我们现在就把它弄清楚。",
    },
    "dont_know_check": {
        "en": "That's fine — not knowing yet is where learning starts. The key point is: {point}",
        "zh": "没关系，还不知道正是学习的起点。这道题的关键是：{point}",
    },
    "recap": {
        "en": "A quick recap of **{prereq}**, which **{topic}** rests on:\n\n{idea}\n\nNow a simpler question: **{question}**",
        "zh": "先快速回顾一下 **{topic}** 所依赖的 **{prereq}**：\n\n{idea}\n\n来一个更简单的问题：**{question}**",
    },
    "depth.shallow": {"en": "brief: the learner mostly knows it", "zh": "简要：学习者基本掌握"},
    "depth.normal": {"en": "standard", "zh": "标准"},
    "depth.deep": {
        "en": "from scratch, step by step: the learner is new to it",
        "zh": "从零开始、循序渐进：学习者是初学",
    },
    "focus": {
        "en": 'The learner could not answer: "{question}". Make sure the explanation covers that.',
        "zh": "学习者没能答好这个问题：「{question}」。讲解中务必覆盖这一点。",
    },
}


def phrase(key: str, lang: str, **kw: object) -> str:
    """What the tutor says itself (not the model): `key` of the table above, in `lang`."""
    return text_in(TEXT, key, lang, **kw)
