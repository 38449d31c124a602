"""The shipped thesaurus: its groups keep their own rules, and a question's everyday word
meets the knowledge's word through it, a little below what the admins wrote themselves."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot.matching import thesaurus
from bot.matching.index import Via
from bot.matching.live import LiveKnowledge

EXAMPLE = ("examples:\n  - id: raad\n    title: Een raad met de familie van bewoners\n    organisation: huis\n"
           "    summary: Elke maand praat de familie mee over het leven in huis.\n")
ORGANISATION = "organisations:\n  - id: huis\n    name: Het Huis\n    kind: zorgaanbieder\n"
TOO_GENERAL = {"zorg", "bewoner", "bewoners", "cliënt", "team", "medewerker", "organisatie", "regels", "care",
               "staff", "people", "mensen", "werk", "huis"}     # words that would tie every question to every entry


def test_the_shipped_groups_keep_the_rules_in_their_header():
    groups = thesaurus.groups()
    terms = [term.casefold() for group in groups for term in group]
    assert len(groups) > 100 and all(len(group) >= 2 for group in groups)
    assert [t for t, n in Counter(terms).items() if n > 1] == []            # a term in one group only
    assert [t for t in terms if len(t.split()) > 5] == []
    assert TOO_GENERAL.isdisjoint(terms)


def knowledge_dir(tmp_path: Path, vocabulary: str = "") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "organisations.yaml").write_text(ORGANISATION, encoding="utf-8")
    (tmp_path / "examples.yaml").write_text(EXAMPLE, encoding="utf-8")
    if vocabulary:
        (tmp_path / "vocabulary.yaml").write_text(vocabulary, encoding="utf-8")
    return tmp_path


def test_an_everyday_word_meets_the_knowledges_word_through_the_thesaurus(tmp_path: Path):
    index = LiveKnowledge.load(knowledge_dir(tmp_path)).current.index
    [found] = index.search("verwanten")                   # the knowledge says "familie", and no synonyms
    assert found.id == "raad" and found.why[0].via is Via.SYNONYM and found.why[0].asked == "verwanten"
    [english] = index.search("relatives")
    assert english.id == "raad"


def test_the_admins_own_synonyms_count_more(tmp_path: Path):
    shipped = LiveKnowledge.load(knowledge_dir(tmp_path / "a")).current.index.search("verwanten")
    written = LiveKnowledge.load(knowledge_dir(tmp_path / "b", "synonyms:\n  - [familie, verwanten]\n"))
    assert written.current.index.search("verwanten")[0].score > shipped[0].score
