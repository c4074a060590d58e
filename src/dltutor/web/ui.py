"""The web UI's own strings, in Chinese and English."""

from __future__ import annotations

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
    "chat.truncated": {
        "zh": "⚠ 回答因长度上限被截断，并不完整。",
        "en": "⚠ Cut off at the length limit: incomplete.",
    },
    "chat.sources": {"zh": "参考课程", "en": "From the course"},
    "chat.no_model": {
        "zh": "未配置模型：以下回答直接来自课程内容。",
        "en": "No model configured: this answer comes straight from the course.",
    },
    "common.save": {"zh": "保存", "en": "Save"},
    "common.back": {"zh": "返回", "en": "Back"},
    "common.not_found": {"zh": "找不到该内容", "en": "Not found"},
}


def ui(key: str, lang: str) -> str:
    entry = UI.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]
