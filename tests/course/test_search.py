"""Course search: tokenization, ranking behaviour, dense retrieval and fusion, caching, and
recall on learner questions (the own sets and the held-out set)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from dltutor.course import Course
from dltutor.course.search import SearchIndex, course_fingerprint, query_lang
from dltutor.course.search_tokens import Analyzer, discover_vocabulary, is_chinese, stem

QUESTIONS_FILE = Path(__file__).with_name("search_questions.yaml")
DATA = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
QUESTIONS: list[dict] = DATA["questions"]
SEEDS: list[dict] = DATA["seed_003"]
PARAPHRASES: list[dict] = DATA["paraphrases"]
TUNING: list[dict] = DATA["tuning"]  # what the dense gate was chosen on, with the two above
# Written blind by another helper and never used to tune search: only aggregate recall is
# computed on it, and a failure does not list its questions.
HELDOUT_FILE = Path(__file__).with_name("heldout_questions.yaml")
HELDOUT: list[dict] = yaml.safe_load(HELDOUT_FILE.read_text(encoding="utf-8"))["questions"]
CJK = re.compile(r"[\u4e00-\u9fff]")
MIN_ANSWERABLE = 80
# recall@3 of the default (gated) search, as bench/search_bench.py measured it, minus a small
# margin so that a regression fails: own / paraphrases / tuning 1.000 / 0.987 / 0.987 with the
# topics' asks indexed (before them, always dense: 1.000 / 0.882 / -, held-out 0.911). The
# held-out set was read once, after the gate and the asks were chosen: 0.982 (165 of 168); its
# bound guards that figure (3 more misses fail) and is not a target for choosing anything.
RECALL_AT_3 = {"own": 0.98, "paraphrases": 0.96, "tuning": 0.96, "heldout": 0.965}
# The gated search (the default: the dense pass only when BM25 is unsure) on the sets the gate
# was chosen on: (recall@1, recall@3, share of questions that ran the dense pass) as measured
# (own 0.964 / 1.000 / 0.03, paraphrases 0.868 / 0.987 / 0.37, tuning 0.862 / 0.987 / 0.18),
# recall minus a small margin and the share plus a few points, so that a gate that lets recall
# slip or runs the encoder far more often fails.
GATED = {
    "own": (0.95, 0.98, 0.08),
    "paraphrases": (0.85, 0.97, 0.45),
    "tuning": (0.85, 0.98, 0.25),
}


# ---- the question set itself --------------------------------------------------------------


def test_question_set_is_big_and_bilingual(course: Course) -> None:
    zh = [q for q in QUESTIONS if CJK.search(q["q"])]
    en = [q for q in QUESTIONS if not CJK.search(q["q"])]
    assert len(QUESTIONS) >= 80 and len(zh) >= 40 and len(en) >= 40
    unknown = {e for q in QUESTIONS + SEEDS for e in q["expect"] if e not in course}
    assert not unknown, f"expected topics not in topics.yaml: {unknown}"
    assert len({q["q"] for q in QUESTIONS}) == len(QUESTIONS), "duplicate questions"


@pytest.mark.parametrize("name", ["paraphrases", "tuning", "heldout"])
def test_other_question_sets_are_big_and_bilingual(name: str, course: Course) -> None:
    # counts, not the questions: a failure must not print the held-out set
    questions = {"paraphrases": PARAPHRASES, "tuning": TUNING}.get(name, HELDOUT)
    n_zh = sum(bool(CJK.search(q["q"])) for q in questions)
    n, n_unique = len(questions), len({q["q"] for q in questions})
    assert n >= 100 and n_zh >= 40 and n - n_zh >= 40, (n, n_zh)
    assert n_unique == n, "duplicate questions"
    unknown = sorted({e for q in questions for e in q["expect"] if e not in course})
    assert not unknown, f"expected topics not in topics.yaml: {unknown}"


def test_the_paraphrases_copy_no_other_set() -> None:
    """The paraphrases were written for this search; the held-out set was written blind, and one
    of its questions happens to equal one of `questions`, which is left as it came."""
    mine = {q["q"] for q in PARAPHRASES}
    shared = len(mine & {q["q"] for q in QUESTIONS + SEEDS + HELDOUT})
    assert shared == 0, f"{shared} paraphrases also appear in another set"


def test_the_tuning_set_copies_no_other_set() -> None:
    """Written to choose the gate: none of it may also be in another set (a count only)."""
    mine = {q["q"] for q in TUNING}
    shared = len(mine & {q["q"] for q in QUESTIONS + SEEDS + PARAPHRASES + HELDOUT})
    assert shared == 0, f"{shared} tuning questions also appear in another set"


def _seed_file() -> Path | None:
    repo = Path(__file__).resolve().parents[2]
    for shared in (repo / "shared", repo.parent / "shared", Path("/work/shared")):
        found = sorted((shared / "seeds").glob("003_*.txt"))
        if found:
            return found[0]
    return None


def test_seed_questions_match_the_seed_log() -> None:
    """Every distinct prompt of seed 003 is in the YAML (without the instruction prefix)."""
    seed = _seed_file()
    if seed is None:
        pytest.skip("shared/seeds/003_*.txt not found")
    prompts = set()
    for line in seed.read_text(encoding="utf-8").splitlines():
        if line.startswith("提示词:"):
            prompts.add(line.split(":", 1)[1].strip().removeprefix("请回答以下问题："))
    assert prompts == {s["q"] for s in SEEDS}


# ---- tokenization ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    texts = ["注意力机制让模型关注重要部分。反向传播用链式法则。梯度下降的学习率。"]
    return Analyzer.from_vocabulary(discover_vocabulary(texts, ["注意力机制", "反向传播"]))


def test_course_terms_stay_whole_and_parts_are_emitted(analyzer: Analyzer) -> None:
    words = analyzer.words("注意力机制是怎么工作的")
    assert "注意力机制" in words and "注意力" in words
    assert "反向传播" in analyzer.words("反向传播到底在干嘛")
    assert "的" not in words and "怎么" not in words  # stopwords


def test_subwords_cover_partial_chinese_words(analyzer: Analyzer) -> None:
    assert "意力" in analyzer.subwords("注意力")
    assert "backp" in analyzer.subwords("backprop")


def test_mixed_language_query(analyzer: Analyzer) -> None:
    words = analyzer.words("Transformer里的Attention到底在干嘛")
    assert "transformer" in words and "attention" in words


def test_stem_is_consistent() -> None:
    assert stem("networks") == stem("network")
    assert stem("exploding") == stem("explodes") == stem("explode")
    assert stem("normalization") == stem("normalize")
    assert stem("embedding") == stem("embedded") == stem("embed")
    assert stem("loss") == "loss"


def test_query_language() -> None:
    assert query_lang("学习率太大会怎样") == "zh"
    assert query_lang("transformer里的attention") == "zh"
    assert query_lang("why does my loss become nan") == "en"
    assert is_chinese("ＧＰＵ是啥") and not is_chinese("GPU")


# ---- ranking behaviour on a tiny course -----------------------------------------------------


def test_hits_have_the_promised_fields(tiny_index: SearchIndex) -> None:
    hits = tiny_index.search("what is attention", k=3)
    assert hits and hits[0].topic == "attn.attention_mechanism"
    d = hits[0].to_dict()
    assert set(d) >= {"topic", "section", "score", "snippet", "lang"}
    assert isinstance(d["score"], float) and d["snippet"]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_query_language_picks_the_section_language(tiny_index: SearchIndex) -> None:
    zh = tiny_index.search("学习率太大会怎样", k=1)[0]
    assert (zh.topic, zh.lang) == ("dl.gradient_descent", "zh")
    assert zh.section in {
        "直觉与比喻",
        "准确的概念",
        "实例演练",
        "常见误区",
        "检验问题",
        "延伸阅读",
    }
    en = tiny_index.search("learning rate too large", k=1)[0]
    assert (en.topic, en.lang) == ("dl.gradient_descent", "en")
    forced = tiny_index.search("learning rate too large", k=1, lang="zh")[0]
    assert forced.lang == "zh"


def test_results_are_diverse_topics_first(tiny_index: SearchIndex) -> None:
    hits = tiny_index.search("attention softmax learning rate", k=3)
    assert {h.topic for h in hits[:2]} == {"attn.attention_mechanism", "dl.gradient_descent"}


def test_check_question_rubrics_are_not_shown_by_default(tiny_index: SearchIndex) -> None:
    hits = tiny_index.search("why softmax weights positive sum to one", k=6)
    assert hits and all(h.key != "check" for h in hits)
    assert any(h.key == "check" for h in tiny_index.search("why softmax", k=6, sections=["check"]))


def test_section_filter_and_empty_queries(tiny_index: SearchIndex) -> None:
    hits = tiny_index.search("attention", k=5, sections=("intuition",))
    assert hits and all(h.key == "intuition" for h in hits)
    assert tiny_index.search("", k=3) == []
    assert tiny_index.search("？？？", k=3) == []
    assert tiny_index.search("zzzqqq", k=3) == []


def test_topics_without_lessons_are_not_returned(tiny_index: SearchIndex) -> None:
    hits = tiny_index.search("神经架构搜索 neural architecture search", k=5)
    assert all(h.topic != "adv.nas" for h in hits)


def test_cache_is_used_and_invalidated(tiny_course_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    folders = list(cache.glob("search-*"))
    assert len(folders) == 1 and folders[0].name.endswith(course_fingerprint(tiny_course_root))
    again = SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    q = "学习率太大会怎样"
    assert [h.to_dict() for h in again.search(q)] == [h.to_dict() for h in first.search(q)]
    lesson = tiny_course_root / "topics" / "dl.gradient_descent" / "lesson.en.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nMomentum.\n", encoding="utf-8")
    SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    folders = list(cache.glob("search-*"))
    assert len(folders) == 1 and folders[0].name.endswith(course_fingerprint(tiny_course_root))


def test_corrupt_cache_is_rebuilt(tiny_course_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    folder = next(cache.glob("search-*"))
    (folder / "meta.json").write_text("{not json", encoding="utf-8")
    index = SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    assert index.search("attention")[0].topic == "attn.attention_mechanism"
    next(folder.glob("*.npz")).write_bytes(b"not a zip")
    index = SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    assert index.search("attention")[0].topic == "attn.attention_mechanism"


def test_loading_a_cached_index_does_not_need_bm25s(tiny_course_root: Path, tmp_path: Path) -> None:
    """bm25s imports scipy (~0.3 s): only building may need it, not every CLI call."""
    cache = tmp_path / "cache"
    SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    code = (
        "import sys; from pathlib import Path; from dltutor.course.search import SearchIndex; "
        f"ix = SearchIndex.load_or_build(Path({str(tiny_course_root)!r}), Path({str(cache)!r})); "
        "assert ix.search('attention'); assert 'bm25s' not in sys.modules, 'bm25s imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_default_cache_lives_under_dltutor_home(tiny_course_root: Path, dltutor_home: Path) -> None:
    SearchIndex.load_or_build(tiny_course_root)
    assert list((dltutor_home / "cache").glob("search-*"))


# ---- recall on the shipped course -----------------------------------------------------------


def _answerable(course: Course, q: dict) -> bool:
    return any(course[e].lessons for e in q["expect"])


SETS = {"own": QUESTIONS, "paraphrases": PARAPHRASES, "tuning": TUNING, "heldout": HELDOUT}


@pytest.mark.parametrize("name", list(SETS))
def test_recall_at_3(name: str, course: Course, index: SearchIndex) -> None:
    """recall@3 of the fused search over questions whose expected topic has a lesson."""
    evaluated = [q for q in SETS[name] if _answerable(course, q)]
    if all(t.lessons for t in course):
        assert len(evaluated) >= MIN_ANSWERABLE
    if not evaluated:
        pytest.skip("no lessons yet")
    misses = []
    for q in evaluated:
        top = [h.topic for h in index.search(q["q"], k=3)]
        if not set(q["expect"]) & set(top):
            misses.append(f"{q['q']!r}: expected {q['expect']}, got {top}")
    recall = 1 - len(misses) / len(evaluated)
    print(f"\n{name}: recall@3 = {recall:.3f} over {len(evaluated)} questions")
    # the held-out questions stay unseen: a failure gives the figure, not the questions
    detail = "" if name == "heldout" else "; misses:\n" + "\n".join(misses)
    assert recall >= RECALL_AT_3[name], (
        f"{name}: recall@3 {recall:.3f} < {RECALL_AT_3[name]} over {len(evaluated)}{detail}"
    )


@pytest.mark.parametrize("name", list(GATED))
def test_the_gated_search_keeps_recall_and_skips_most_encoder_passes(
    name: str, course: Course, index: SearchIndex
) -> None:
    evaluated = [q for q in SETS[name] if _answerable(course, q)]
    if not evaluated or index.dense is None:
        pytest.skip("no lessons yet, or no dense retrieval")
    at1 = at3 = ran = 0
    for q in evaluated:
        before = index.stats.ran
        top = [h.topic for h in index.search(q["q"], k=3)]
        ran += index.stats.ran - before
        at1 += bool(top[:1] and top[0] in q["expect"])
        at3 += bool(set(q["expect"]) & set(top))
    n = len(evaluated)
    got = (at1 / n, at3 / n, ran / n)
    want_at1, want_at3, most_dense = GATED[name]
    assert got[0] >= want_at1 and got[1] >= want_at3 and got[2] <= most_dense, (name, got)


def test_dense_retrieval_lifts_the_paraphrases(course: Course, index: SearchIndex) -> None:
    """On questions worded unlike the course, fusing the dense ranking puts the right topic
    first clearly more often than BM25 alone (measured 0.914 against 0.809)."""
    assert index.dense is not None, "the shipped index was built without dense retrieval"
    evaluated = [q for q in PARAPHRASES if _answerable(course, q)]
    first = {
        dense: sum(
            index.search(q["q"], k=1, dense=dense)[0].topic in q["expect"] for q in evaluated
        )
        / len(evaluated)
        for dense in (False, True)
    }
    assert first[True] >= first[False] + 0.05, first


@pytest.mark.parametrize(
    "seed", [s for s in SEEDS if s.get("in_course", True)], ids=lambda s: s["q"]
)
def test_seed_003_question_retrieves_its_topic_first(
    seed: dict, course: Course, index: SearchIndex
) -> None:
    if not _answerable(course, seed):
        pytest.skip(f"no lesson yet for {seed['expect']}")
    hits = index.search(seed["q"], k=3)
    assert hits and hits[0].topic in seed["expect"], [h.topic for h in hits]
    assert hits[0].lang == "zh" or not course[hits[0].topic].lessons.get("zh")


@pytest.mark.parametrize(
    "seed", [s for s in SEEDS if not s.get("in_course", True)], ids=lambda s: s["q"]
)
def test_seed_003_off_course_questions_still_get_an_answer(seed: dict, index: SearchIndex) -> None:
    """Quantum computing, self-driving cars...: not in the course; search must still behave."""
    hits = index.search(seed["q"], k=3)
    assert all(h.lang == "zh" for h in hits)


def test_the_shared_index_is_built_once_under_concurrent_first_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the web app warms it in a thread while the first questions may already ask for it
    from dltutor.course import search as search_mod

    calls: list[int] = []
    real = search_mod.SearchIndex.load_or_build

    def counting(root: Path | None = None) -> SearchIndex:
        calls.append(1)
        time.sleep(0.2)  # a slow build: the others must wait for it, not start their own
        return real(root)

    monkeypatch.setattr(search_mod, "_default", {})
    monkeypatch.setattr(search_mod.SearchIndex, "load_or_build", staticmethod(counting))
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: search_mod.get_index(), range(4)))
    assert len(calls) == 1 and all(g is got[0] for g in got)


def test_course_check_validates_the_asks(course: Course) -> None:
    """meta.yaml `asks` (search only): both languages once there are any, plain strings."""
    import copy

    from dltutor.course.check import check_topic

    t = copy.copy(course["dl.gradient_descent"])
    assert t.asks.get("zh") and t.asks.get("en"), "the shipped topics have asks"
    assert not [p for p in check_topic(t) if "asks" in p]
    t.asks = {"zh": ["步子迈多大"]}
    assert any("asks.en" in p for p in check_topic(t))
    t.asks = {"zh": ["步子迈多大"], "en": [{"step": "size"}]}  # type: ignore[list-item]
    assert any("asks.en must be plain strings" in p for p in check_topic(t))


def test_asks_are_indexed_for_both_retrievals(course: Course, index: SearchIndex) -> None:
    """A topic's asks are in its about documents (BM25) and among its dense units."""
    from dltutor.course.search_dense import dense_units

    t = course["adv.pruning"]
    about = {d.lang: d.text for d in index.docs if d.topic == t.id and d.key == "about"}
    units = {u.text for u in dense_units(course) if u.topic == t.id and u.kind == "ask"}
    for lang in ("zh", "en"):
        for ask in t.asks[lang]:
            assert ask in about[lang] and ask in units
