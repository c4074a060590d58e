"""The web UI's own strings, in Chinese and English."""

from __future__ import annotations

from dltutor.i18n import text_in

UI: dict[str, dict[str, str]] = {
    "app.name": {"zh": "深度学习导师", "en": "dltutor"},
    "nav.chat": {"zh": "对话", "en": "Chat"},
    "nav.course": {"zh": "课程", "en": "Course"},
    "nav.plan": {"zh": "学习计划", "en": "Plan"},
    "nav.exercises": {"zh": "练习", "en": "Exercises"},
    "nav.progress": {"zh": "进度", "en": "Progress"},
    "nav.reviews": {"zh": "复习", "en": "Reviews"},
    "nav.diagnosis": {"zh": "水平诊断", "en": "Diagnosis"},
    "nav.profile": {"zh": "个人信息", "en": "Profile"},
    "nav.class": {"zh": "班级", "en": "Class"},
    "nav.sign_out": {"zh": "退出", "en": "Sign out"},
    "nav.sign_out_everywhere": {"zh": "退出所有设备", "en": "Sign out everywhere"},
    "nav.sign_out_everywhere_hint": {
        "zh": "结束这个账号在所有设备和浏览器上的登录",
        "en": "End this account's sessions on every device and browser",
    },
    "nav.lang": {"zh": "English", "en": "中文"},
    "auth.sign_in": {"zh": "登录", "en": "Sign in"},
    "auth.sign_up": {"zh": "注册", "en": "Sign up"},
    "auth.username": {"zh": "用户名", "en": "Username"},
    "auth.password": {"zh": "密码（至少 8 位）", "en": "Password (8+ characters)"},
    "auth.name": {"zh": "称呼", "en": "Your name"},
    "auth.role": {"zh": "身份", "en": "Role"},
    "auth.role_learner": {"zh": "学习者", "en": "Learner"},
    "auth.role_teacher": {"zh": "教师", "en": "Teacher"},
    "auth.class_code": {"zh": "班级码（可选）", "en": "Class code (optional)"},
    "auth.no_account": {"zh": "还没有账号？", "en": "No account yet?"},
    "auth.have_account": {"zh": "已有账号？", "en": "Have an account?"},
    "err.username": {
        "zh": "用户名需为 3–64 个字母、数字或 _.@-",
        "en": "Username: 3–64 letters, digits or _.@-",
    },
    "err.password_short": {"zh": "密码至少 8 位", "en": "Password must be at least 8 characters"},
    "err.role": {"zh": "身份无效", "en": "Unknown role"},
    "err.username_taken": {"zh": "用户名已被占用", "en": "That username is taken"},
    "err.sign_in": {"zh": "用户名或密码不正确", "en": "Wrong username or password"},
    "err.throttled": {
        "zh": "尝试次数太多，请 {seconds} 秒后再试。",
        "en": "Too many attempts: try again in {seconds} seconds.",
    },
    "err.busy": {
        "zh": "服务器正忙，请稍后再试。",
        "en": "The server is busy just now: try again in a moment.",
    },
    "err.csrf": {
        "zh": "页面已过期，请刷新后重试",
        "en": "This page expired; reload it and try again",
    },
    "chat.placeholder": {"zh": "问我任何深度学习问题……", "en": "Ask anything about deep learning…"},
    "chat.send": {"zh": "发送", "en": "Send"},
    "chat.stop": {"zh": "停止", "en": "Stop"},
    "chat.regenerate": {"zh": "重新生成", "en": "Regenerate"},
    "chat.copy": {"zh": "复制", "en": "Copy"},
    "chat.export": {"zh": "导出 Markdown", "en": "Export Markdown"},
    "chat.thinking": {"zh": "思考过程", "en": "Thinking"},
    "chat.new": {"zh": "新对话", "en": "New chat"},
    "chat.history": {"zh": "历史对话", "en": "Conversations"},
    "chat.stopped": {"zh": "（已停止）", "en": "(stopped)"},
    "chat.interrupted": {
        "zh": "（中断：服务在回答完成前停止了，以上是已收到的部分。请再问一次。）",
        "en": "(interrupted: the server stopped before the answer was finished; this is what "
        "had arrived. Ask again.)",
    },
    "chat.truncated": {
        "zh": "⚠ 回答因长度上限被截断，并不完整。",
        "en": "⚠ Cut off at the length limit: incomplete.",
    },
    "chat.looped": {
        "zh": "⚠ 模型开始重复同样的内容，已在此处停止。",
        "en": "⚠ The model started repeating itself, so it was stopped here.",
    },
    "chat.sources": {"zh": "参考课程", "en": "From the course"},
    "chat.no_model": {
        "zh": "未配置模型：以下回答直接来自课程内容。",
        "en": "No model configured: this answer comes straight from the course.",
    },
    "common.forbidden": {"zh": "你没有权限查看这个页面", "en": "You may not see this page"},
    "common.error": {"zh": "出错了，请稍后再试", "en": "Something went wrong; try again later"},
    "err.db": {
        "zh": "数据库暂时不可用，刚才的更改没有保存。请稍后重试。",
        "en": "The database is unavailable just now: your change was not saved. Try again shortly.",
    },
    "common.home": {"zh": "回到首页", "en": "Back to the start"},
    "err.class_code": {
        "zh": "没有这个班级码，请向老师确认",
        "en": "No class has that code; check it with your teacher",
    },
    "chat.setup": {
        "zh": "👋 先花一分钟填写个人信息并做个水平诊断，导师会为你定制学习计划 →",
        "en": "👋 Take a minute to set up your profile and a placement check: "
        "the tutor then plans your weeks →",
    },
    "chat.queue": {
        "zh": "⏳ 当前使用的人较多，你排在第 {n} 位，请稍候……",
        "en": "⏳ The tutor is busy: you are number {n} in the queue…",
    },
    "chat.teaching": {"zh": "教学模式", "en": "Lesson"},
    "onb.title": {"zh": "个人信息", "en": "Your profile"},
    "onb.intro": {
        "zh": "告诉导师你的背景和目标，它会据此安排诊断和学习计划。",
        "en": "Tell the tutor about your background and goals: it plans your diagnosis and "
        "your weeks from them.",
    },
    "onb.error": {"zh": "请检查填写的内容", "en": "Please check what you entered"},
    "onb.name": {"zh": "怎么称呼你", "en": "Your name"},
    "onb.background": {"zh": "你的背景", "en": "Your background"},
    "onb.background_hint": {
        "zh": "例如：三年 Python Web 开发，大学学过线性代数",
        "en": "e.g. three years of Python web development, linear algebra at university",
    },
    "onb.goals": {"zh": "学习目标（用逗号分隔）", "en": "Your goals (comma-separated)"},
    "onb.goals_hint": {
        "zh": "例如：大模型, LoRA, 计算机视觉",
        "en": "e.g. LLMs, LoRA, computer vision",
    },
    "onb.level": {"zh": "自我评估水平", "en": "Your level"},
    "level.beginner": {"zh": "入门", "en": "Beginner"},
    "level.intermediate": {"zh": "有一定基础", "en": "Intermediate"},
    "level.advanced": {"zh": "进阶", "en": "Advanced"},
    "onb.hours": {"zh": "每周学习小时数", "en": "Hours per week"},
    "onb.framework": {"zh": "框架", "en": "Framework"},
    "onb.language": {"zh": "学习语言", "en": "Language"},
    "onb.gpu": {"zh": "我有可用的 GPU", "en": "I have a GPU to use"},
    "onb.submit": {"zh": "保存并开始诊断", "en": "Save and start the diagnosis"},
    "diag.intro": {
        "zh": "最多 15 道题，题目会根据你的回答自动调整，用来估计你已经掌握了哪些主题。"
        "不会的题直接选「不知道」——这比猜更有帮助。",
        "en": "Up to 15 questions, chosen from your answers as you go, to estimate which "
        "topics you already master. Choose “I don't know” rather than guess: it helps more.",
    },
    "diag.start": {"zh": "开始诊断", "en": "Start the diagnosis"},
    "diag.progress": {"zh": "第 {n} 题（最多 {max} 题）", "en": "Question {n} (at most {max})"},
    "diag.dont_know": {"zh": "不知道", "en": "I don't know"},
    "diag.done": {
        "zh": "诊断完成：共 {n} 题，答对 {correct} 题。下面是按阶段估计的掌握程度。",
        "en": "Done: {n} questions, {correct} right. Here is your estimated mastery by stage.",
    },
    "diag.chart_title": {"zh": "各阶段掌握程度", "en": "Mastery by stage"},
    "diag.open_title": {"zh": "最后一个开放问题", "en": "One open question"},
    "diag.score": {"zh": "得分", "en": "Score"},
    "diag.open_submit": {"zh": "提交回答", "en": "Submit my answer"},
    "diag.open_skipped": {
        "zh": "未配置语言模型，开放问题的评判已跳过。配置模型后可以再做一次诊断。",
        "en": "No language model is configured, so the open question was skipped. "
        "Configure one and take the diagnosis again to have it judged.",
    },
    "diag.to_plan": {"zh": "查看我的学习计划 →", "en": "See my study plan →"},
    "diag.again": {"zh": "重新诊断", "en": "Take it again"},
    "quiz.your_answer": {"zh": "你的答案", "en": "Your answer"},
    "quiz.submit": {"zh": "提交", "en": "Submit"},
    "quiz.correct": {"zh": "✅ 回答正确", "en": "✅ Correct"},
    "quiz.wrong": {"zh": "❌ 不对", "en": "❌ Not quite"},
    "quiz.answer": {"zh": "正确答案", "en": "Answer"},
    "quiz.mastery": {"zh": "该主题掌握程度", "en": "Mastery of this topic"},
    "plan.title": {"zh": "我的学习计划", "en": "My study plan"},
    "plan.download": {"zh": "下载 Markdown", "en": "Download Markdown"},
    "plan.summary": {
        "zh": "共 {weeks} 周，每周 {hours:g} 小时",
        "en": "{weeks} weeks at {hours:g} hours a week",
    },
    "plan.goals": {"zh": "目标", "en": "Goals"},
    "plan.unmatched": {
        "zh": "这些目标没有对应到课程主题（换个说法试试）",
        "en": "These goals match no course topic (try other words)",
    },
    "plan.skipped": {"zh": "已掌握、不再安排", "en": "Already mastered, left out"},
    "plan.empty": {
        "zh": "目标涉及的主题你都已掌握，没有需要安排的内容。",
        "en": "You already master every topic your goals need: nothing to plan.",
    },
    "plan.week": {"zh": "第 {n} 周", "en": "Week {n}"},
    "plan.topics": {"zh": "学习内容", "en": "Topics"},
    "plan.exercises": {"zh": "编程练习", "en": "Exercises"},
    "plan.checkpoints": {"zh": "本周检查点", "en": "Checkpoints"},
    "course.stage": {"zh": "阶段 {n}", "en": "Stage {n}"},
    "lesson.learn": {"zh": "和导师一起学这一课", "en": "Learn this with the tutor"},
    "lesson.builds_on": {"zh": "前置知识：", "en": "Builds on:"},
    "lesson.quiz": {"zh": "小测验", "en": "Quick quiz"},
    "lesson.prereq_check": {
        "zh": "开始之前：检查一下前置知识",
        "en": "Before you start: a quick prerequisite check",
    },
    "lesson.prereq_intro": {
        "zh": "这一课建立在下面的主题上，而你还没有表现出已经掌握它们。每个主题一道题：答对就继续，答错就先去复习。",
        "en": "This lesson builds on the topics below, which you have not shown yet. One question each: "
        "if you get it right, read on; if not, review that topic first.",
    },
    "lesson.prereq_review": {"zh": "复习这一课：", "en": "Review the lesson:"},
    "progress.title": {"zh": "学习进度", "en": "Your progress"},
    "progress.passed": {"zh": "通过的练习", "en": "exercises passed"},
    "progress.tried": {"zh": "尝试过的练习", "en": "exercises tried"},
    "progress.week": {"zh": "近 7 天学习记录", "en": "learning events, 7 days"},
    "progress.due": {"zh": "待复习", "en": "Due for review"},
    "progress.by_stage": {"zh": "各阶段掌握程度", "en": "Mastery by stage"},
    "progress.stage": {"zh": "阶段", "en": "Stage"},
    "progress.mean": {"zh": "平均掌握", "en": "Mean mastery"},
    "progress.mastered": {"zh": "已掌握主题", "en": "Topics mastered"},
    "progress.activity": {"zh": "每日学习活动（近 4 周）", "en": "Activity per day (4 weeks)"},
    "progress.events": {"zh": "条记录", "en": "events"},
    "progress.scale": {"zh": "最多 {n}", "en": "max {n}"},  # {n}: filled in by the chart
    "progress.last_active": {"zh": "最近学习", "en": "Last active"},
    "reviews.title": {"zh": "今天的复习", "en": "Reviews due today"},
    "reviews.start": {"zh": "开始复习", "en": "Review now"},
    "reviews.none": {
        "zh": "现在没有需要复习的主题。",
        "en": "Nothing is due for review right now.",
    },
    "reviews.anki": {"zh": "导出到 Anki", "en": "Export to Anki"},
    "reviews.anki_hint": {
        "zh": "待复习的主题和答错过的测验题，生成 .apkg 卡组；再次导出会更新同样的卡片，不会重复。",
        "en": "Due topics and the quiz items you missed, as an .apkg deck; exporting again "
        "updates the same cards rather than adding copies.",
    },
    "ex.project": {
        "zh": "项目：训练真实模型，评分需要几分钟",
        "en": "project: trains a real model, grading takes minutes",
    },
    "ex.attempts": {"zh": "提交 {n} 次", "en": "{n} submission(s)"},
    "ex.functions": {"zh": "需要实现", "en": "Implement"},
    "ex.hints": {"zh": "提示", "en": "Hints"},
    "ex.hint": {"zh": "给我一个提示", "en": "Show a hint"},
    "ex.history": {"zh": "提交记录", "en": "Your submissions"},
    "ex.editor": {"zh": "你的代码（Tab 键缩进）", "en": "Your code (Tab indents)"},
    "ex.submit": {"zh": "提交评测", "en": "Submit for grading"},
    "ex.reset": {"zh": "恢复初始代码", "en": "Reset to the starter"},
    "ex.grading": {"zh": "正在沙箱中运行测试……", "en": "Running the tests in the sandbox…"},
    "ex.passed": {"zh": "✅ 全部测试通过！", "en": "✅ Every test passes!"},
    "ex.failed": {"zh": "❌ 还有测试没通过", "en": "❌ Some tests fail"},
    "ex.error": {"zh": "运行出错", "en": "The run failed"},
    "ex.tests": {"zh": "测试", "en": "Tests"},
    "class.title": {"zh": "我的班级", "en": "My class"},
    "class.code": {"zh": "班级码", "en": "Class code"},
    "class.code_hint": {
        "zh": "学生注册时填写这个班级码即可加入",
        "en": "learners enter it when they sign up to join",
    },
    "class.empty": {"zh": "还没有学生加入。", "en": "No learner has joined yet."},
    "class.learner": {"zh": "学生", "en": "Learner"},
    "class.export": {"zh": "导出全班进度", "en": "Export the class's progress"},
    "tokens.title": {"zh": "个人 API 令牌", "en": "Personal API tokens"},
    "tokens.intro": {
        "zh": "在 Jupyter 笔记本或脚本里用令牌代表你访问导师的 API（请求头 Authorization: Bearer …）。"
        "令牌只在创建时显示一次；丢失或不再使用时请撤销。",
        "en": "A token lets a Jupyter notebook or a script use the tutor's API as you "
        "(header Authorization: Bearer …). It is shown once, when made; revoke it when it is "
        "lost or no longer used.",
    },
    "tokens.new": {
        "zh": "新令牌如下。请现在复制保存：离开这个页面后将无法再次查看。",
        "en": "Your new token is below. Copy it now: it cannot be shown again once you leave.",
    },
    "tokens.name": {"zh": "名称", "en": "Name"},
    "tokens.name_hint": {"zh": "例如：我的笔记本电脑", "en": "e.g. my laptop's notebooks"},
    "tokens.prefix": {"zh": "开头", "en": "Starts with"},
    "tokens.created": {"zh": "创建于", "en": "Created"},
    "tokens.last_used": {"zh": "最近使用", "en": "Last used"},
    "tokens.revoke": {"zh": "撤销", "en": "Revoke"},
    "tokens.create": {"zh": "创建令牌", "en": "Make a token"},
    "tokens.none": {"zh": "你还没有令牌。", "en": "You have no tokens yet."},
    "tokens.too_many": {
        "zh": "有效令牌已达上限（20 个），请先撤销不用的令牌。",
        "en": "You have the most active tokens allowed (20): revoke one you no longer use first.",
    },
    "common.save": {"zh": "保存", "en": "Save"},
    "common.back": {"zh": "返回", "en": "Back"},
    "common.not_found": {"zh": "找不到该内容", "en": "Not found"},
}


def ui(key: str, lang: str, **kw: object) -> str:
    """A UI string; an unknown key shows as itself (a template typo must not break a page)."""
    return text_in(UI, key, lang, **kw) if key in UI else key
