"""Anything anyone types: it never crashes, stalls or bloats the bot, and every reply fits in an event.

Generated text (random unicode, junk, huge and many words, stopwords only) goes
through recognition, matching and the ask handler; then one test per way a
single message used to silence the bot.
"""

from __future__ import annotations

import asyncio
import io
import json
import random
import subprocess
import sys
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import __main__ as cli
from bot import app
from bot.config import Config
from bot.core.formatting import MAX_REPLY_BYTES, ReplyBuilder
from bot.core.messages import Message, Reply, Role
from bot.core.roles import fixed_role
from bot.core.text import tidy
from bot.matching.live import LiveKnowledge
from bot.matching.normalise import STOPWORDS, stem, words
from bot.matching.question import MAX_TOPIC, parse_natural, parse_topic
from tests.conftest import SAMPLE

SECONDS_PER_MESSAGE = 1.0     # generous on purpose: the point is "bounded", the benchmarks hold the targets

_state = LiveKnowledge.load(SAMPLE)
_dispatcher = app.dispatcher(Config(), _state, fixed_role(Role.MEMBER))
_knowledge_words = sorted({w for c in _state.current.knowledge.contacts.values()
                           for w in words(" ".join((c.name, *c.expertise)))} |
                          {w for e in _state.current.knowledge.examples.values() for w in words(e.title)})
_phrases = ["wie heeft ervaring met", "who has experience with", "weet iemand iets over", "!vraag", "!ask", ""]


@pytest.fixture(scope="module", autouse=True)
def _meaning_ready() -> None:
    """Every message here through both sides, words and meaning: unwaited, the vectors would be
    ready for some examples and not others, and a crash in the blend would show only by luck.
    A fixture, not import-time work, so collecting the suite does not wait for the model."""
    app.prepare_meaning(_state.current, wait=True)


def reply_size(reply: Reply) -> int:
    return len(json.dumps(reply.text)) + len(json.dumps(reply.html))


def ask(text: str, addressed: bool = True) -> list[Reply]:
    message = Message(sender="@fuzz:example.org", room_id="!fuzz", text=text, event_id="$fuzz", addressed=addressed)
    started = time.perf_counter()
    replies = asyncio.run(_dispatcher.dispatch(message))
    assert time.perf_counter() - started < SECONDS_PER_MESSAGE, text[:80]
    for reply in replies:
        assert reply_size(reply) <= MAX_REPLY_BYTES
        assert "Er ging iets mis" not in reply.text and "Something went wrong" not in reply.text, text[:200]
    return replies


odd_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=["Cf", "Zs", "Cc", "Mn", "So"]), max_size=200),
    st.lists(st.sampled_from(_knowledge_words), min_size=8, max_size=40).map(" ".join),
    st.lists(st.sampled_from(sorted(STOPWORDS)), min_size=1, max_size=30).map(" ".join),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", " ", "?", "é", "\u200b", "ab", "zorg"]),
              st.integers(1, 20_000)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_phrases), odd_text)
def test_any_text_is_answered_or_ignored_without_error(phrase: str, text: str):
    for addressed in (False, True):
        ask(f"{phrase} {text}", addressed=addressed)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_knowledge_words), min_size=10, max_size=30))
def test_long_questions_of_knowledge_words_are_answered(many: list[str]):
    """Ten or more content words once dropped the threshold to zero and crashed the ranking."""
    [reply] = ask("wie heeft ervaring met " + " ".join(many) + "?")
    assert reply.text


def test_a_25_kb_question_gets_a_short_reply_that_says_it_was_shortened():
    [reply] = ask("!vraag zorgkantoren " + "x" * 25_000)
    assert reply_size(reply) < 10_000
    [long] = ask("!vraag " + " ".join(["zorgkantoren"] + ["regels"] * 4000))
    assert "Je vraag was lang" in long.text and "zorgkantoor" in long.text.lower()
    [no_match] = ask("!vraag " + " ".join(["qwzx"] * 4000))
    assert reply_size(no_match) < 4_000       # the question is quoted short, not four times in full


def test_a_sea_of_spaces_is_recognised_in_linear_time():
    for spaces in (20_000, 40_000):
        started = time.perf_counter()
        assert parse_natural("weet iemand" + " " * spaces + "x") is None
        parse_topic("wie heeft ervaring met" + " " * spaces + "?" * spaces + "x")
        assert time.perf_counter() - started < 0.2


def test_one_huge_word_takes_no_memory_to_speak_of():
    cached = stem.cache_info().currsize
    tracemalloc.start()
    try:
        ask("!vraag " + "abcdefghij" * 6_000)
        ask("!vraag zorgkantoren" + "k" * 12_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000
    assert stem.cache_info().currsize - cached < 100


def test_invisible_characters_do_not_hide_a_question():
    plain = ask("wie heeft ervaring met zorgkantoren?", addressed=False)
    hidden = ask("wie\u200b heeft ervaring met zorg\u200bkantoren\u2060?", addressed=False)
    assert plain and [r.text for r in hidden] == [r.text for r in plain]
    assert tidy("a\u00a0\u00a0b\u200e\n\n\nc\x00d") == "a b\nc d"


def test_topics_are_cut_at_a_word():
    question = parse_topic("!vraag " + "zorgkantoren " * 100)
    assert question.shortened and len(question.topic) <= MAX_TOPIC and question.topic.endswith("zorgkantoren")


def test_a_reply_never_outgrows_an_event():
    builder = ReplyBuilder().para("kop")
    for n in range(200):
        builder.items([[[f"regel {n} " + "é<" * 200]]])
    reply = builder.build()
    assert reply_size(reply) <= MAX_REPLY_BYTES and reply.text.startswith("kop") and reply.text.endswith(")")
    huge = ReplyBuilder().para("x" * 100_000).build()
    assert reply_size(huge) <= MAX_REPLY_BYTES


def test_ask_json_answers_every_line_even_when_one_fails(monkeypatch, capsys):
    index = type(_state.current.index)
    search = index.search

    def failing(self, topic, *args, **kwargs):
        if "boom" in topic:
            raise RuntimeError("matcher bug")
        return search(self, topic, *args, **kwargs)

    monkeypatch.setattr(index, "search", failing)
    monkeypatch.setattr("sys.stdin", io.StringIO("zorgkantoren\nboom\n" + "y" * 200_000 + "\nCQ-index\n"))
    assert cli.main(["ask", "--knowledge", str(SAMPLE), "--json", "-"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"][:12] for line in lines] == ["zorgkantoren", "boom", "y" * 12, "CQ-index"]
    assert lines[1]["results"] == [] and "matcher bug" in lines[1]["error"]
    assert lines[0]["results"] and lines[3]["results"]


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "!", "!!!", "!vraag ????", "?" * 5000])
def test_empty_and_punctuation_only_messages(text: str):
    ask(text)
    ask(text, addressed=False)


@pytest.mark.parametrize("knowledge", [SAMPLE, SAMPLE.parent / "tests" / "data" / "heldout" / "knowledge"], ids=["sample", "heldout"])
def test_thousands_of_odd_lines_through_ask_json_each_get_an_answer(knowledge, tmp_path):
    """The CLI contract end to end: one JSON line per question line, none an error."""
    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyzéëï?!.,;:-'\"<>&\u200b\u00a0\t0123456789 ЖжΩ漢字😀"
    lines = []
    for n in range(2_000):
        kind = n % 4
        if kind == 0:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 400)))
        elif kind == 1:
            text = rng.choice(_phrases) + " " + " ".join(rng.choices(_knowledge_words, k=rng.randint(1, 40)))
        elif kind == 2:
            text = " ".join(rng.choices(sorted(STOPWORDS), k=rng.randint(1, 20)))
        else:
            text = rng.choice(_phrases) + " " + rng.choice("xé?漢 ") * rng.randint(100, 20_000)
        lines.append(text.replace("\n", " ").replace("\r", " "))
    given = tmp_path / "questions.txt"
    given.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(given, encoding="utf-8") as stdin:
        done = subprocess.run([sys.executable, "-m", "bot", "ask", "--knowledge", str(knowledge), "--json", "-"],
                              stdin=stdin, capture_output=True, text=True, timeout=300, cwd=SAMPLE.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    asked = [line for line in lines if line.strip()]
    assert len(answers) == len(asked)
    assert not [a for a in answers if "error" in a]
