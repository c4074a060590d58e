"""A learner who games the quizzes through the web API scores at most 35% on every stage:
always the same place (any of the four), or always the longest option, in either language."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import as_user, signup, unique

MAX_GAMED = 0.35


def play(web: TestClient, h: dict[str, str]) -> dict[int, dict[str, float]]:
    """Answer every choice item of the course once through the API; from the feedback (the key's
    text) work out what each gamer would have scored, stage by stage."""
    from dltutor.web.deps import shipped_course

    course = shipped_course()
    tallies: dict[int, dict[str, list[bool]]] = {}
    for topic in course:
        views = {}
        for lang in ("en", "zh"):
            web.get(f"/lang/{lang}")
            views[lang] = [
                i for i in web.get(f"/api/topics/{topic.id}/quiz").json() if i["options"]
            ]
        assert [i["id"] for i in views["en"]] == [i["id"] for i in views["zh"]]
        web.get("/lang/en")
        for en, zh in zip(views["en"], views["zh"], strict=True):
            # the order is the learner's, the same in both languages and on every reload
            assert [o["id"] for o in en["options"]] == [o["id"] for o in zh["options"]]
            first = en["options"][0]["id"]
            fb = web.post(
                "/api/quiz/answer", json={"item_id": en["id"], "response": first}, headers=h
            ).json()
            key = next(o["id"] for o in en["options"] if o["text"] == fb["answer"])
            assert fb["correct"] == (first == key)
            t = tallies.setdefault(topic.stage, {})
            for place in range(4):
                picked = en["options"][place]["id"] if place < len(en["options"]) else None
                t.setdefault(f"place {place}", []).append(picked == key)
            for lang, view in (("en", en), ("zh", zh)):
                longest = max(view["options"], key=lambda o: len(o["text"].strip()))
                t.setdefault(f"longest {lang}", []).append(longest["id"] == key)
    return {
        stage: {g: sum(r) / len(r) for g, r in games.items()} for stage, games in tallies.items()
    }


def test_gamers_score_at_most_35_percent_on_every_stage(web: TestClient) -> None:
    for _ in range(2):  # two learners: two shuffles
        h = as_user(web, signup(web, unique("gamer")))
        scores = play(web, h)
        assert len(scores) == 8
        worst = max(s for stage in scores.values() for s in stage.values())
        assert worst <= MAX_GAMED, scores
