"""A new learner's first hour, in headless Chromium (Debian's, driven by Playwright): sign-up ->
onboarding -> diagnosis -> plan -> a lesson -> a streamed chat answer -> an exercise submission
with results -> the dashboard; then their teacher's class page. A screenshot of each page is
saved to test-artifacts/screenshots/."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dltutor.course.exercises import get_exercise
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.web.app import create_app
from tests.web.conftest import PASSWORD, app_settings
from tests.web.live import LiveServer

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ANSWER = [
    "<think>先回忆链式法则。</think>",
    "**反向传播**用链式法则，",
    "从输出层往回逐层计算损失对每个参数的梯度：\n\n",
    "$$\\frac{\\partial L}{\\partial w} = \\frac{\\partial L}{\\partial y}",
    "\\cdot \\frac{\\partial y}{\\partial w}$$\n\n",
    "```python\nloss.backward()  # PyTorch 自动完成\n```\n",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium not installed (make sysdeps)"),
]


def right_answer(item_id: str) -> tuple[str, str] | None:
    """What a learner who knows stages 0 and 1 (maths, Python, ML basics) answers: the right
    option's id ("option", id) or the answer text ("text", words) there, "I don't know" beyond."""
    from dltutor.tutor.practice import find_item
    from dltutor.web.deps import shipped_course

    course = shipped_course()
    topic = item_id.split("/")[0]
    if topic not in course or course[topic].stage > 1:
        return None
    try:
        item = find_item(course, item_id)
    except KeyError:  # a self-assessment probe
        return ("option", "yes")
    if item.key is not None:
        return ("option", item.key)
    return ("text", item.answer_text("zh"))


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, FakeLLMServer]]:
    with FakeLLMServer(token_delay=0.05) as llm:
        app = create_app(app_settings(tmp_path, f"sqlite:///{tmp_path}/b.db", llm))
        with LiveServer(app) as server:
            yield server.url, llm


def test_a_new_learner_from_sign_up_to_dashboard(live: tuple[str, FakeLLMServer]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, llm = live
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    step = iter(range(1, 100))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
        ctx.set_default_timeout(60_000)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        # The pages satisfy their Content-Security-Policy: nothing inline is blocked.
        page.on(
            "console",
            lambda m: (
                "Content Security Policy" in m.text and errors.append(f"{page.url}: {m.text}")
            ),
        )

        def shot(name: str) -> None:
            page.screenshot(path=str(SHOTS / f"{next(step):02d}-{name}.png"), full_page=True)

        # a teacher opens a class first, so the learner can join it
        page.goto(f"{base}/signup")
        page.fill("input[name=username]", "teacher_wang")
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=name]", "王老师")
        page.select_option("select[name=role]", "teacher")
        page.click("#signup-submit")
        code = page.inner_text("#class-code")
        page.click("form[action='/signout'] button")

        # sign-up
        page.goto(f"{base}/signup")
        page.fill("input[name=username]", "xiaoli")
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=name]", "小李")
        page.fill("input[name=class_code]", code)
        shot("signup")
        page.click("#signup-submit")

        # onboarding
        expect(page).to_have_url(f"{base}/onboarding")
        page.fill("textarea[name=background]", "三年 Python Web 开发，学过线性代数")
        page.fill("input[name=goals]", "反向传播, 卷积神经网络")
        page.fill("input[name=hours_per_week]", "6")
        shot("onboarding")
        page.click("#onboarding-submit")

        # diagnosis: a learner who knows the maths and Python, nothing further
        expect(page).to_have_url(f"{base}/diagnosis")
        shot("diagnosis-intro")
        page.click("#diagnosis-start")
        for n in range(20):
            if page.locator("#diagnosis[data-state=result]").count():
                break
            item_id = page.get_attribute("#diagnosis-item", "data-item") or ""
            if n == 0:
                shot("diagnosis-item")
            answer = right_answer(item_id)
            if answer is None:
                page.click("#diagnosis-dontknow")
            elif answer[0] == "option":
                page.check(f"#diagnosis-item input[type=radio][value='{answer[1]}']")
                page.click("#diagnosis-submit")
            else:
                page.fill("#diagnosis-item input[name=response]", answer[1])
                page.click("#diagnosis-submit")
        expect(page.locator("#diagnosis-chart svg")).to_be_visible()
        llm.enqueue(
            Script(
                chunks=[
                    json.dumps(
                        {"score": 0.7, "feedback": "提到了多层网络，但没讲特征是自动学出来的。"}
                    )
                ]
            )
        )
        page.fill("#open-form textarea", "深度学习是用很多层神经网络从数据中学习的机器学习方法。")
        page.click("#open-form button")
        expect(page.locator("#open-result")).to_contain_text("70%")
        shot("diagnosis-result")

        # the plan: weeks, links, a checkpoint ticked and kept
        page.click("#to-plan")
        expect(page).to_have_url(f"{base}/plan")
        first = page.locator("input.checkpoint").first
        first.check()
        expect(page.locator("#plan-count")).to_contain_text("1 /")
        page.reload()
        expect(page.locator("input.checkpoint").first).to_be_checked()
        shot("plan")

        # a lesson from the plan, with maths, code and its quiz
        page.locator("#week-1 a[href^='/course/']").first.click()
        expect(page.locator("#lesson")).to_be_visible()
        quiz = page.locator("form.quiz-item").first
        if quiz.locator("input[type=radio]").count():
            quiz.locator("input[type=radio]").first.check()
        else:
            quiz.locator("input[name=response]").fill("0")
        quiz.locator("button").click()
        expect(quiz.locator(".feedback")).to_be_visible()
        shot("lesson")

        # the chat: a streamed answer, thinking folded, rendered maths and code
        page.goto(f"{base}/")
        llm.enqueue(Script(chunks=ANSWER))
        page.fill("#question", "什么是反向传播？")
        page.click("#send")
        body = page.locator(".msg.assistant .body").last
        expect(body).to_contain_text("链式法则", timeout=120_000)  # streaming, as text
        expect(page.locator(".msg.assistant .tools").last).to_be_visible(timeout=120_000)
        expect(body.locator("math")).to_have_count(1)  # then rendered by the server
        expect(body.locator(".highlight")).to_have_count(1)
        expect(page.locator("details.thinking").last).to_be_visible()
        expect(page.locator("#export")).to_be_visible()
        shot("chat")

        # learn a topic with the tutor: the teaching loop opens in the chat
        page.goto(f"{base}/course/dl.activation_functions")
        page.click("#learn-with-tutor")
        expect(page.locator("#conversations .badge").first).to_be_visible()
        expect(page.locator(".msg.assistant").first).to_contain_text("前置知识")
        shot("chat-teaching")

        # an exercise: hint, then a wrong and a right submission with per-test results
        page.goto(f"{base}/exercises/ex.sigmoid")
        page.click("#hint-button")
        expect(page.locator("#hints li")).to_have_count(1)
        editor = page.locator("#code")
        editor.fill("import numpy as np\n\ndef sigmoid(x):\n")
        editor.press("End")
        editor.press("Tab")  # Tab indents instead of leaving the editor
        editor.type("return 1 / (1 + np.exp(-x))\n")
        assert "    return 1 / (1 + np.exp(-x))" in editor.input_value()
        page.click("#submit-code")
        expect(page.locator("#results")).to_have_attribute("data-passed", "false")
        expect(page.locator("#results li.fail").first).to_be_visible()
        editor.fill(get_exercise("ex.sigmoid").reference_source())
        page.click("#submit-code")
        expect(page.locator("#results")).to_have_attribute("data-passed", "true")
        expect(page.locator("#results li.pass")).to_have_count(6)
        shot("exercise")

        # the dashboard, in Chinese and then in English
        page.goto(f"{base}/progress")
        expect(page.locator("#stage-chart svg")).to_be_visible()
        expect(page.locator("#activity-chart svg rect.bar:not(.empty)")).to_have_count(1)
        shot("dashboard")
        page.click("#lang-switch")
        expect(page.locator("h1")).to_contain_text("Your progress")
        shot("dashboard-en")
        page.goto(f"{base}/exercises")
        shot("exercises-en")
        page.goto(f"{base}/reviews")
        shot("reviews-en")

        # the teacher sees the learner in the class
        page.click("form[action='/signout'] button")
        page.fill("input[name=username]", "teacher_wang")
        page.fill("input[name=password]", PASSWORD)
        page.click("#signin-submit")
        page.goto(f"{base}/class")
        expect(page.locator("#class")).to_contain_text("xiaoli")
        shot("class")
        page.click("a:has-text('小李')")
        expect(page.locator("#stage-chart svg")).to_be_visible()
        shot("class-learner")
        browser.close()
    assert errors == [], errors
    assert len(list(SHOTS.glob("*.png"))) >= 12


def test_50_stops_in_the_browser_leave_nothing_streaming(tmp_path: Path) -> None:
    """The Stop button, pressed 50 times within seconds in 10 tabs (mid-answer, or while
    queued behind the admission limit): each reply is kept with what had arrived and marked
    stopped, on the page and in the database; the model's streams are closed at once, and
    the model never runs more of them than the limit."""
    import time

    from playwright.sync_api import expect, sync_playwright
    from sqlalchemy import create_engine, text

    db = f"sqlite:///{tmp_path}/stop.db"
    with FakeLLMServer(token_delay=0.03, default_tokens=1000) as llm:
        settings = app_settings(tmp_path, db, llm, single_user=True, max_concurrent=2)
        with LiveServer(create_app(settings)) as live, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ctx = browser.new_context(locale="en-US")
            ctx.set_default_timeout(60_000)
            expect.set_options(timeout=60_000)
            errors: list[str] = []
            tabs = [ctx.new_page() for _ in range(10)]
            for tab in tabs:
                tab.on("pageerror", lambda e: errors.append(str(e)))
                tab.goto(live.url)
            llm.enqueue(Script(chunks=["warm"]))  # the first answer builds the search index
            tabs[0].fill("#question", "warm up")
            tabs[0].press("#question", "Enter")
            expect(tabs[0].locator(".msg.assistant .body").last).to_contain_text("warm")
            expect(tabs[0].locator("#send")).to_be_enabled()  # the turn has ended, not just begun
            t0 = time.monotonic()
            for round_ in range(5):
                for tab in tabs:
                    tab.fill("#question", f"question {round_}")
                    tab.press("#question", "Enter")
                for tab in tabs:  # Stop once it is answering or queued
                    # (#queue is the page's, not the reply's: a queued tab must be stopped as
                    # it waits, or the test waits on it while the admitted tabs run on)
                    reply = tab.locator(".msg.assistant").last
                    answering = reply.locator(".body:has-text('tok')")
                    expect(answering.or_(tab.locator("#queue:visible")).first).to_be_attached()
                    # the growing answer moves the button: click it where it is now
                    tab.locator("#stop").dispatch_event("click")
                for tab in tabs:
                    expect(
                        tab.locator(".msg.assistant").last.locator(".warn.stopped")
                    ).to_be_visible()
                    expect(tab.locator("#send")).to_be_enabled()
            storm_s = time.monotonic() - t0
            last = tabs[-1].locator(".msg.assistant").last
            expect(last).to_have_attribute("data-message-id", re.compile(r"^\d+$"))
            shown_id = int(last.get_attribute("data-message-id") or 0)
            shown = last.locator(".body").inner_text()
            browser.close()
        deadline = time.monotonic() + 3
        while llm.active and time.monotonic() < deadline:
            time.sleep(0.02)
        engine = create_engine(db)
        with engine.connect() as c:
            rows = c.execute(
                text("SELECT status, content, id FROM messages WHERE role='assistant' ORDER BY id")
            ).all()
        engine.dispose()
    print(f"browser storm: 50 Stops in {storm_s:.1f} s, model saw at most {llm.max_active}")
    assert errors == []
    assert len(rows) == 51 and [s for s, _, _ in rows[1:] if s != "stopped"] == []
    saved = {id_: content for _, content, id_ in rows}
    assert saved[shown_id].startswith(shown.strip())  # all that was on the page was kept
    assert llm.active == 0 and llm.max_active <= 2


MATH_SHOTS = SHOTS.parent / "math"


def test_lstm_and_gru_equations_render_as_tables(live: tuple[str, FakeLLMServer]) -> None:
    """rnn.lstm_gru's aligned LSTM and GRU blocks come out as MathML tables in both languages,
    none as raw LaTeX; screenshots in test-artifacts/math/."""
    from playwright.sync_api import expect, sync_playwright

    base, _ = live
    shutil.rmtree(MATH_SHOTS, ignore_errors=True)
    MATH_SHOTS.mkdir(parents=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.set_default_timeout(60_000)
        page.goto(f"{base}/signup")
        page.fill("input[name=username]", "mathreader")
        page.fill("input[name=password]", PASSWORD)
        page.click("#signup-submit")
        for lang, word in (("zh", "遗忘门"), ("en", "forget gate")):
            page.goto(f"{base}/lang/{lang}")
            page.goto(f"{base}/course/rnn.lstm_gru")
            expect(page.locator("#lesson")).to_contain_text(word)
            expect(page.locator("#lesson code.math-error")).to_have_count(0)
            tables = page.locator("#lesson math mtable")
            expect(tables).to_have_count(2)
            lstm = tables.first
            expect(lstm).to_be_visible()
            box = lstm.bounding_box()
            assert box is not None and box["height"] > 6 * 14, box  # six rows, not one line
            expect(lstm.locator("mtr")).to_have_count(6)
            lstm.scroll_into_view_if_needed()
            page.locator("#lesson .math.block").first.screenshot(
                path=str(MATH_SHOTS / f"rnn.lstm_gru-lstm-{lang}.png")
            )
            page.locator("#lesson .math.block").nth(2).screenshot(
                path=str(MATH_SHOTS / f"rnn.lstm_gru-gru-{lang}.png")
            )
            page.screenshot(path=str(MATH_SHOTS / f"rnn.lstm_gru-{lang}.png"), full_page=True)
        browser.close()
    assert len(list(MATH_SHOTS.glob("*.png"))) == 6
