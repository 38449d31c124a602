"""Benchmark of `ask`: load+index time, answer latency and memory on synthetic knowledge.

Run by hand, not by the tests:

    make bench                                  # .venv/bin/python benchmarks/ask.py
    .venv/bin/python benchmarks/ask.py --sizes 100,1000 --questions 100
    .venv/bin/python benchmarks/ask.py --sizes 10000 --profile   # where the time goes
    .venv/bin/python benchmarks/ask.py --keep /tmp/bench          # keep the data to inspect:
    .venv/bin/python -m bot ask --knowledge /tmp/bench/10000/knowledge "Wie heeft ervaring met ..."

For each size (examples; organisations ~size/20 and contacts ~size/4 in
proportion) it writes realistic Dutch knowledge YAML to a temporary directory,
with a fixed seed. Summaries are drawn from the word frequencies of the sample
files in knowledge/ (read at run time), mixed with generated compound words and
project names, so the vocabulary grows with the size as real text does. About
200 questions per size mix "wie heeft ervaring met <keyword>?", two-word
topics, misspelt keywords, English questions and topics nothing matches.

Each size is measured in a fresh subprocess (so its memory figure is its own):

- load+index: `LiveKnowledge.load` (parse + validate + build the index), best
  of `--repeat` runs with the text caches cleared before each, so every run is
  as cold as the bot's start; the parse/index split is timed apart, and set
  beside a plain `yaml.load` (C loader) of the same files: the parse floor.
- ask: `parse_topic` + `index.search(limit=5)` per question, p50/p95 over
  `--rounds` passes of all questions after a first pass. The first pass is
  reported apart (p95 and slowest): the index joins a stem's postings the
  first time a question needs it, so first questions pay for that once.
- naive: `rapidfuzz.process.extract(question, texts, scorer=WRatio, limit=5)`
  over each example's raw title + summary + keywords, in the same process; over
  as many questions as fit in `--naive-budget` seconds (at least 30).
- RSS: growth of the resident set from just before the first load to just
  after it, and to after all the asks (joined stems cached).
- with meaning (unless `--no-meaning`): the sentence model's load, the
  vectors of every example and contact embedded cold into an empty disk cache
  and built again from the warm cache (what a restart or reload pays), then
  the whole hybrid as chat asks it (`handlers.ask.lookup`: words, the model's
  nearest entries, their blend) over the same questions, and the RSS growth
  with the model and vectors in memory.

It prints a table and checks the targets at 10,000 examples (words: ask p95
<= 5 ms, >= 10x faster than naive at p50 and at p95, load+index <= 2 s; with
meaning: ask p95 <= 15 ms and >= 10x faster than naive, model + warm vectors
<= 2 s); the exit status is 1 when a target fails.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from bot.knowledge.loader import validate_knowledge
from bot.matching import normalise as textnorm
from bot.matching.index import Index
from bot.matching.live import LiveKnowledge
from bot.matching.meaning import MeaningIndex, Semantic
from bot.matching.semantic import available_embedder
from bot.matching.vectors import VectorCache
from handlers.ask import lookup
from bot.matching.question import parse_topic

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "knowledge"
SEED = 20260512
TARGET_SIZE = 10_000
TARGET_P95_MS = 5.0
TARGET_SPEEDUP = 10.0
TARGET_LOAD_S = 2.0
TARGET_MEANING_P95_MS = 15.0    # the hybrid, words and meaning, a question
TARGET_MEANING_READY_S = 2.0    # model load + vectors from a warm disk cache

# --- word material -----------------------------------------------------------
# The running text comes from the sample knowledge; these lists only supply
# what a handful of sample files cannot: names, places and generated terms.

FIRST_NAMES = """Anna Bram Carla Daan Eva Femke Gerrit Hanneke Ilse Jan Joost Karin Lars Lieke
Marloes Marjolein Mohamed Nadia Noor Paul Petra Ruud Sanne Sophie Thijs Tim Ursula Vera Wim
Yasmin Zeynep Anouk Bas Chantal Dirk Esther Fatima Gijs Hilde Inge Jeroen Kees Linda Maarten
Nienke Olga Pieter Rianne Sevda Tom""".split()
LAST_NAMES = """Jansen Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Brouwer Dijkstra
Kok Jacobs Vermeulen Koster Prins Huisman Kuipers Postma Willems Bakker Maas Verhoeven Hoekstra
Zelm Schooten Ziel Sijs Itjeshorst Paardekooper Maranus Slik Aydin Yilmaz Bouzid Wouters Claes
Timmermans Groen""".split()
INFIXES = ["", "", "", "", "van ", "de ", "van der ", "van den ", "ter "]
TOWNS = """Leiden Utrecht Zwolle Deventer Groningen Assen Emmen Leeuwarden Sneek Haarlem Alkmaar
Hoorn Amersfoort Apeldoorn Arnhem Nijmegen Ede Tiel Breda Tilburg Eindhoven Helmond Venlo
Roermond Maastricht Heerlen Middelburg Goes Dordrecht Gouda Delft Zoetermeer Rotterdam Schiedam
Almere Lelystad Hilversum Enschede Hengelo Almelo Doetinchem Winterswijk Harderwijk Meppel
Hoogeveen Veendam Den-Helder Purmerend Zaandam Oss""".split()
ORG_FORMS = {
    "zorgaanbieder": ["Zorggroep {}", "Stichting {}", "Woonzorgcentrum {}", "Zorgcentra {}",
                      "Verpleeghuis {}", "Zorgorganisatie {}"],
    "zorgkantoor": ["Zorgkantoor {}", "Zorginkoop {}"],
    "partner": ["Kenniscentrum {}", "Hogeschool {}", "Adviesbureau {}", "Cliëntenraad {}"],
}
FUNCTIONS = ["projectleider", "adviseur", "verpleegkundige", "bestuurder", "teamleider",
             "zorginkoper", "kwaliteitsadviseur", "coördinator", "specialist ouderengeneeskunde",
             "locatiemanager", "geestelijk verzorger", "beleidsmedewerker", "verzorgende",
             "lid raad van toezicht", "cliëntvertegenwoordiger", "onderzoeker"]
# Parts of project and place-like names; three-part combinations give enough
# distinct names for 10,000 examples.
NAME_HEADS = """linde eiken beuken berken zonne water hei duin wilgen rozen iepen kastanje vlinder
meer veen bos brug molen dijk zand klaver lelie hazel vogel sterren regen dauw hoeve esdoorn
vlier""".split()
NAME_TAILS = """hof hage stede borg wijk dael oord hoeve rode horst kamp veld gaarde burcht haven
lust zicht weide hoek heem""".split()
NAME_ENDS = ["", "", "", "", "", "tuin", "plein", "poort", "park", "ster", "zoom", "werf", "kade",
             "laan", "erf"]
# Compounds with an English gloss: they become synonym groups, so English
# questions can reach generated knowledge as well as the sample vocabulary.
GLOSSED_MODIFIERS = {"zorg": "care", "kwaliteits": "quality", "bewoners": "resident",
                     "team": "team", "familie": "family", "personeels": "staff",
                     "leer": "learning", "wijk": "neighbourhood", "nacht": "night",
                     "medicatie": "medication", "voedings": "nutrition", "vrijwilligers": "volunteer"}
GLOSSED_HEADS = {"plan": "plan", "overleg": "meeting", "gesprek": "conversation",
                 "rooster": "roster", "beleid": "policy", "dienst": "service",
                 "budget": "budget", "traject": "programme", "kring": "circle"}
EXTRA_THEMES = [
    ("dementie-welzijn", "Dementie en welzijn", ["dementie", "welbevinden bij dementie", "dementia"]),
    ("leren-ontwikkelen", "Leren en ontwikkelen", ["leren", "scholing", "opleiding", "learning"]),
    ("zeggenschap-bewoners", "Zeggenschap van bewoners", ["eigen regie", "zeggenschap", "autonomy"]),
    ("personeel-roosters", "Personeel en roosters", ["roosteren", "zelfroosteren", "staffing"]),
    ("wonen-leefomgeving", "Wonen en leefomgeving", ["wonen", "leefomgeving", "living environment"]),
    ("vrijwilligers-naasten", "Vrijwilligers en naasten", ["vrijwilligerswerk", "mantelzorg", "volunteers"]),
    ("zorgtechnologie", "Zorgtechnologie", ["technologie", "innovatie", "care technology"]),
]
ENGLISH_TOPICS = ["supervisory boards", "care offices", "quality panels", "client experience survey",
                  "youth care", "red tape", "job shadowing", "long-term mental health care",
                  "reporting", "collaboration", "relatives", "care workers", "newsletter",
                  "start-up funding", "quality of life", "person-centred care", "reflection talks",
                  "the health inspectorate", "ambassadors", "dementia", "volunteers"]
# Subjects no care network's knowledge here is about (including ones built on "zorg").
NOMATCH_TOPICS = ["mondzorg", "valpreventie", "medicatieveiligheid", "parkeerbeleid bij onze locatie",
                  "salarisadministratie", "legionellapreventie", "decubitus", "zonnepanelen op het dak",
                  "incontinentiemateriaal", "brandveiligheid", "dentistry", "fire safety",
                  "vaccination campaigns", "domotica", "kunstgras voor de tuin", "belastingaangifte",
                  "voetbaltoernooi", "wasstraat", "cryptovaluta", "tandprothesen", "hondenuitlaatservice"]
ASK_NL = ["Wie heeft ervaring met {}?", "Heeft iemand ervaring met {}?", "Weet iemand iets van {}?",
          "Ken je iemand die werkt met {}?", "Wie kan helpen met {}?", "Wie heeft er al kennis van {}?",
          "!vraag {}", "{}"]
ASK_EN = ["who has experience with {}?", "who knows about {}?", "does anyone have experience with {}?",
          "!ask {}"]
QUESTION_MIX = [("keyword", 0.35), ("two-word", 0.2), ("misspelt", 0.15), ("english", 0.15),
                ("nomatch", 0.15)]

_TOKEN = re.compile(r"\w+(?:-\w+)*")
_STOP = frozenset("""de het een en of van in te op aan met als voor bij tot uit door over naar om
dat die dit deze er wat wie hoe ze zij hij we wij je ik is was zijn wordt werd heeft hebben had
kan niet geen wel ook nog al maar dan dus zo nu""".split())


# --- generating knowledge ----------------------------------------------------

@dataclass
class Material:
    """What the sample knowledge offers to draw from."""

    words: list[str]                 # running-text tokens, as written
    weights: list[int]               # how often each occurs
    topics: list[list[str]]          # each sample example's own tokens: what one text is about
    parts: list[str]                 # lowercase content words, for compounds
    keywords: list[str]              # curated keywords and expertise terms
    themes: list[dict[str, Any]]
    synonyms: list[list[str]]

    @classmethod
    def from_sample(cls, directory: Path) -> Material:
        def read(name: str) -> dict[str, Any]:
            path = directory / name
            return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}

        examples = read("examples.yaml").get("examples") or []
        contacts = read("contacts.yaml").get("contacts") or []
        vocabulary = read("vocabulary.yaml")
        counts: Counter[str] = Counter()
        topics = []
        for e in examples:
            tokens = _TOKEN.findall(f"{e.get('title', '')} {e.get('summary', '')}")
            counts.update(tokens)
            topics.append(tokens)
        keywords = [str(k) for e in examples for k in e.get("keywords") or []]
        keywords += [str(k) for c in contacts for k in c.get("expertise") or []]
        # Compounds are built from the words of curated terms: mostly nouns.
        parts = sorted({w for w in _TOKEN.findall(" ".join(keywords)) if w.isalpha()
                        and w.islower() and 4 <= len(w) <= 12 and w not in _STOP})
        if not counts or not parts:
            raise SystemExit(f"no sample text to draw from in {directory}")
        words = sorted(counts)
        return cls(words, [counts[w] for w in words], topics, parts, sorted(set(keywords)),
                   list(vocabulary.get("themes") or []),
                   [[str(t) for t in group] for group in vocabulary.get("synonyms") or []])


def zipf_weights(n: int, offset: int = 10) -> list[float]:
    """Zipf-Mandelbrot: a long tail without one term in a third of all texts."""
    return [1.0 / (rank + offset) for rank in range(n)]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", textnorm.fold(text)).strip("-")


class Generator:
    """Synthetic knowledge of one size, deterministic for a seed."""

    def __init__(self, material: Material, size: int, seed: int, questions: int) -> None:
        self.m = material
        self.size = size
        self.question_count = questions
        self.rng = random.Random(seed * 1_000_003 + size)
        rng = self.rng
        glossed = [(f"{m}{h}", f"{em} {eh}") for m, em in GLOSSED_MODIFIERS.items()
                   for h, eh in GLOSSED_HEADS.items()]
        rng.shuffle(glossed)
        synonyms_wanted = max(0, 50 - len(material.synonyms))
        self.glossed = glossed[:synonyms_wanted]
        # Heaps' law: the distinct compounds grow sub-linearly with the text.
        free = {self.compound() for _ in range(int(3 * size ** 0.75) + 20)}
        self.compounds = [c for c, _ in self.glossed] + sorted(free - {c for c, _ in glossed})
        rng.shuffle(self.compounds)
        self.compound_weights = zipf_weights(len(self.compounds))
        names = sorted({f"{a}{b}{c}".capitalize() for a in NAME_HEADS for b in NAME_TAILS
                        for c in NAME_ENDS})
        self.projects = rng.sample(names, min(len(names), max(10, size // 2)))
        self.themes = [dict(t) for t in material.themes] + [
            {"id": i, "name": n, "aliases": a} for i, n, a in EXTRA_THEMES]
        self.theme_ids = [str(t["id"]) for t in self.themes]

    def compound(self) -> str:
        rng = self.rng
        while True:
            modifier, head = rng.choice(self.m.parts), rng.choice(self.m.parts)
            if modifier != head and len(modifier) + len(head) <= 20:
                break
        link = "s" if rng.random() < 0.25 and modifier[-1] not in "s" else ""
        return f"{modifier}{link}{head}"

    def a_compound(self) -> str:
        return self.rng.choices(self.compounds, self.compound_weights)[0]

    def running_text(self, n: int, extra: list[str], topic: list[str] | None = None) -> str:
        """n words in the sample's frequencies, some compounds, `extra` mixed in.

        Half the words come from one sample text (`topic`): real texts are
        each about something, so a topic's words cluster in some texts
        instead of spreading evenly over all.
        """
        rng = self.rng
        tokens = rng.choices(self.m.words, self.m.weights, k=n)
        for i in range(n):
            draw = rng.random()
            if draw < 0.1:
                tokens[i] = self.a_compound()
            elif topic and draw < 0.6:
                tokens[i] = rng.choice(topic)
        for term in extra:
            tokens.insert(rng.randrange(len(tokens) + 1), term)
        sentences, i = [], 0
        while i < len(tokens):
            length = rng.randint(8, 16)
            sentence = " ".join(tokens[i:i + length])
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
            i += length
        return " ".join(sentences)

    def generate(self, directory: Path) -> list[dict[str, str]]:
        """Write the knowledge files; return the questions about them."""
        directory.mkdir(parents=True, exist_ok=True)
        organisations = self.organisations(max(3, self.size // 20))
        contacts = self.contacts(max(5, self.size // 4), organisations)
        examples = self.examples(self.size, organisations, contacts)
        vocabulary = {"themes": self.themes,
                      "synonyms": self.m.synonyms + [
                          [c, gloss] for c, gloss in self.glossed]}
        for name, data in (("organisations.yaml", {"organisations": organisations}),
                           ("contacts.yaml", {"contacts": contacts}),
                           ("examples.yaml", {"examples": examples}),
                           ("vocabulary.yaml", vocabulary)):
            with open(directory / name, "w", encoding="utf-8") as out:
                yaml.safe_dump(data, out, allow_unicode=True, sort_keys=False, width=100)
        return self.questions(examples)

    def organisations(self, n: int) -> list[dict[str, Any]]:
        rng, out, seen = self.rng, [], set()
        places = TOWNS + self.projects
        for _ in range(n):
            kind = rng.choices(list(ORG_FORMS), [0.75, 0.1, 0.15])[0]
            place = rng.choice(places).replace("-", " ")
            name = rng.choice(ORG_FORMS[kind]).format(place)
            base = ident = slug(name)
            number = 2
            while ident in seen:
                ident, number = f"{base}-{number}", number + 1
            seen.add(ident)
            org: dict[str, Any] = {"id": ident, "name": name, "kind": kind}
            if rng.random() < 0.3:
                org["aliases"] = [f"Stichting {place}" if not name.startswith("Stichting") else place]
            org["region"] = rng.choice(TOWNS).replace("-", " ")
            out.append(org)
        return out

    def contacts(self, n: int, organisations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rng, out, seen = self.rng, [], set()
        for i in range(n):
            first = rng.choice(FIRST_NAMES)
            name = f"{first} {rng.choice(INFIXES)}{rng.choice(LAST_NAMES)}"
            base = ident = slug(name)
            number = 2
            while ident in seen:
                ident, number = f"{base}-{number}", number + 1
            seen.add(ident)
            expertise = rng.sample(self.m.keywords, rng.randint(1, 3))
            expertise += [self.a_compound() for _ in range(rng.randint(1, 3))]
            contact: dict[str, Any] = {
                "id": ident, "name": name, "organisation": organisations[i % len(organisations)]["id"],
                "role": f"{rng.choice(FUNCTIONS)} {rng.choice(expertise)}",
                "matrix_id": f"@{slug(first)}{i}:example.org", "email": f"{ident}@example.org",
                "expertise": expertise, "themes": rng.sample(self.theme_ids, rng.randint(0, 2)),
                "share": rng.choices(["network", "public", "private"], [0.7, 0.2, 0.1])[0],
            }
            out.append(contact)
        return out

    def examples(self, n: int, organisations: list[dict[str, Any]],
                 contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rng, out, seen = self.rng, [], set()
        by_org: dict[str, list[str]] = {}
        for c in contacts:
            by_org.setdefault(c["organisation"], []).append(c["id"])
        for _ in range(n):
            org = rng.choice(organisations)
            project = rng.choice(self.projects)
            topic = self.a_compound() if rng.random() < 0.6 else rng.choice(self.m.keywords)
            keywords = [topic] + rng.sample(self.m.keywords, rng.randint(1, 3))
            keywords += [self.a_compound() for _ in range(rng.randint(0, 1))] + [project]
            keywords = list(dict.fromkeys(keywords))[:6]
            if len(keywords) < 3:
                keywords.append(self.a_compound())
            about = rng.choice(self.m.topics)
            title = self.running_text(rng.randint(3, 6), [], about).rstrip(".")
            title = f"{topic[:1].upper()}{topic[1:]}: {title[:1].lower()}{title[1:]}"
            if rng.random() < 0.4:
                title += f" in {project}"
            summary = self.running_text(rng.randint(22, 35), [project, org["name"], *keywords[1:3]],
                                        about)
            base = ident = slug(f"{project} {topic}")[:60].strip("-")
            number = 2
            while ident in seen:
                ident, number = f"{base}-{number}", number + 1
            seen.add(ident)
            own = by_org.get(org["id"], [])
            people = rng.sample(own, min(len(own), rng.randint(0, 2)))
            if rng.random() < 0.2:
                people.append(rng.choice(contacts)["id"])
            example: dict[str, Any] = {
                "id": ident, "title": title, "organisation": org["id"], "summary": summary,
                "themes": rng.sample(self.theme_ids, rng.randint(1, 3)), "keywords": keywords,
                "contacts": list(dict.fromkeys(people)), "year": rng.randint(2015, 2025),
            }
            if rng.random() < 0.3:
                example["url"] = f"https://example.org/praktijk/{ident}"
            out.append(example)
        return out

    def questions(self, examples: list[dict[str, Any]]) -> list[dict[str, str]]:
        """Same questions for every method; `kind` is for the answered-share figure."""
        rng = self.rng
        count = self.question_count
        kinds = rng.choices([k for k, _ in QUESTION_MIX], [w for _, w in QUESTION_MIX], k=count)
        out = []
        for kind in kinds:
            example = rng.choice(examples)
            if kind == "keyword":
                question = rng.choice(ASK_NL).format(rng.choice(example["keywords"]))
            elif kind == "two-word":
                first = rng.choice([w for w in _TOKEN.findall(" ".join(example["keywords"]))
                                    if len(w) > 3 and w.lower() not in _STOP] or ["zorg"])
                second = rng.choice([w for w in _TOKEN.findall(example["summary"])
                                     if len(w) > 4 and w.lower() not in _STOP] or [first])
                question = rng.choice(ASK_NL).format(f"{first.lower()} {second.lower()}")
            elif kind == "misspelt":
                words = [w for w in _TOKEN.findall(" ".join(example["keywords"]))
                         if len(w) >= 6 and w.isalpha()] or ["zorgkantoor"]
                question = rng.choice(ASK_NL[:6]).format(misspell(rng.choice(words).lower(), rng))
            elif kind == "english":
                glosses = [g for _, g in self.glossed]
                topic = rng.choice(ENGLISH_TOPICS + glosses)
                question = rng.choice(ASK_EN).format(topic)
            else:
                question = rng.choice(ASK_NL + ASK_EN[:1]).format(rng.choice(NOMATCH_TOPICS))
            out.append({"q": question, "kind": kind})
        return out


def misspell(word: str, rng: random.Random) -> str:
    """One slip of the keyboard, not at the first letter."""
    i = rng.randrange(1, len(word) - 1)
    slip = rng.choice(["drop", "double", "swap", "vowel"])
    if slip == "drop":
        return word[:i] + word[i + 1:]
    if slip == "double":
        return word[:i] + word[i] + word[i:]
    if slip == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    vowels = "aeiou"
    return word[:i] + rng.choice([v for v in vowels if v != word[i]]) + word[i + 1:]


# --- measuring one size (in its own process) --------------------------------

@dataclass
class MeaningFigures:
    """The semantic side at one size."""

    model_s: float                  # the sentence model's first load
    cold_s: float                   # every entry embedded, written to an empty disk cache
    warm_s: float                   # the same vectors read back from that cache
    ask_ms: list[float]             # the whole hybrid lookup a question
    rss_mb: float                   # growth over the words-only process: model + vectors

    @property
    def ready_s(self) -> float:
        return self.model_s + self.warm_s


@dataclass
class Figures:
    """What one size measured; travels from the child process as JSON."""

    size: int
    counts: dict[str, int]
    load_s: list[float]             # LiveKnowledge.load, each run cold
    parse_s: float                  # best validate_knowledge
    index_s: float                  # best Index(knowledge)
    yaml_s: float                   # best plain yaml.load(CSafeLoader) of the same files, gc paused: the parse floor
    ask_ms: list[float]
    first_ms: list[float]           # the first pass: each stem's postings joined on first use
    naive_ms: list[float]
    rss_before_mb: float
    rss_after_mb: float
    rss_asked_mb: float             # after all the asks, with the joined stems cached
    answered: dict[str, tuple[int, int]] = field(default_factory=dict)   # kind -> (answered, asked)
    meaning: MeaningFigures | None = None

    @property
    def load_best(self) -> float:
        return min(self.load_s)

    @property
    def rss_mb(self) -> float:
        return self.rss_after_mb - self.rss_before_mb


def percentile(samples: list[float], p: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def rss_mb() -> float:
    """The resident set now; the peak where /proc is missing (macOS: bytes)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def clear_text_caches() -> None:
    """Forget stems, so a load costs what it costs at the bot's start."""
    textnorm.stem.cache_clear()


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = run()
    return time.perf_counter() - start, value


def measure(size: int, data: Path, repeat: int, rounds: int, naive_budget: float,
            profile: bool, meaning: bool) -> Figures:
    knowledge_dir = data / "knowledge"
    questions = json.loads((data / "questions.json").read_text(encoding="utf-8"))
    texts = [q["q"] for q in questions]
    textnorm.specificity("zorg")   # a fixed cost, not the knowledge's: load the word table first
    gc.collect()
    rss_before = rss_mb()
    first, state = timed(lambda: LiveKnowledge.load(knowledge_dir))
    rss_after = rss_mb()
    loads = [first]
    for _ in range(repeat - 1):
        clear_text_caches()
        loads.append(timed(lambda: LiveKnowledge.load(knowledge_dir))[0])
    parses, indexes = [], []
    gc.disable()    # the split is timed as LiveKnowledge.load runs it: collector paused
    for _ in range(repeat):
        clear_text_caches()
        seconds, (knowledge, _) = timed(lambda: validate_knowledge(knowledge_dir))
        parses.append(seconds)
        indexes.append(timed(partial(Index, knowledge))[0])
    gc.enable()
    files = sorted(knowledge_dir.glob("*.yaml"))
    gc.disable()    # as the bot's own load does: a fair floor
    yaml_s = min(timed(lambda: [yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for f in files])[0]
                 for _ in range(repeat))
    gc.enable()
    if profile:
        clear_text_caches()
        report("index build (validate + Index)", lambda: LiveKnowledge.load(knowledge_dir))
    index = state.current.index

    def ask(question: str) -> int:
        return len(index.search(parse_topic(question).topic, limit=5))

    answered: dict[str, list[int]] = {}
    first_ms = []
    for q in questions:               # the first pass (cold stems), which also counts the answers
        counts = answered.setdefault(q["kind"], [0, 0])
        seconds, found = timed(partial(ask, q["q"]))
        first_ms.append(seconds * 1000)
        counts[0] += found > 0
        counts[1] += 1
    ask_ms = timed_rounds(ask, texts, rounds)
    rss_asked = rss_mb()
    if profile:
        report("ask (parse_topic + search), one pass", lambda: [ask(q) for q in texts])

    raw = [f"{e.title} {e.summary} {' '.join(e.keywords)}" for e in state.current.knowledge.examples.values()]
    process.extract(texts[0], raw, scorer=fuzz.WRatio, limit=5)        # warm-up
    naive_ms: list[float] = []
    spent = 0.0
    for question in texts:
        if len(naive_ms) >= 30 and spent > naive_budget:
            break
        seconds, _ = timed(partial(process.extract, question, raw, scorer=fuzz.WRatio, limit=5))
        naive_ms.append(seconds * 1000)
        spent += seconds
    return Figures(size, dict(state.current.knowledge.counts()), loads, min(parses), min(indexes), yaml_s,
                   ask_ms, first_ms, naive_ms, rss_before, rss_after, rss_asked,
                   {k: (v[0], v[1]) for k, v in answered.items()},
                   measure_meaning(index, texts, rounds, data / "vectors", profile) if meaning else None)


def measure_meaning(index: Index, texts: list[str], rounds: int, vectors: Path, profile: bool) -> MeaningFigures:
    embedder = available_embedder()
    if embedder is None:
        raise SystemExit("the sentence model is not installed: run with --no-meaning, or `make venv`")
    rss_before = rss_mb()
    model_s, _ = timed(lambda: embedder.embed(["laden"]))
    cold_s, _ = timed(lambda: MeaningIndex(index, embedder, VectorCache(vectors)))
    warm_s, _ = timed(lambda: MeaningIndex(index, embedder, VectorCache(vectors)))
    side = Semantic(embedder, VectorCache(vectors))
    side.index_for(index, wait=True)

    def ask(question: str) -> int:
        return len(lookup(question, index, limit=5, near=False, semantic=side).results)

    for question in texts:                  # the first pass: stems joined, as for words alone
        ask(question)
    ask_ms = timed_rounds(ask, texts, rounds)
    if profile:
        report("ask with meaning (handlers.ask.lookup), one pass", lambda: [ask(q) for q in texts])
    return MeaningFigures(model_s, cold_s, warm_s, ask_ms, rss_mb() - rss_before)


def timed_rounds(ask: Callable[[str], Any], texts: list[str], rounds: int) -> list[float]:
    """ms per question, over `rounds` passes of all of them."""
    times = []
    for _ in range(rounds):
        for question in texts:
            start = time.perf_counter()
            ask(question)
            times.append((time.perf_counter() - start) * 1000)
    return times


def report(title: str, run: Callable[[], Any], top: int = 18) -> None:
    """cProfile one run; the functions by own time to stderr."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    print(f"\n=== profile: {title}: {stats.total_tt:.3f} s ===", file=out)   # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue(), file=sys.stderr)


# --- the driver ---------------------------------------------------------------

def run_size(size: int, args: argparse.Namespace, material: Material, base: Path) -> Figures:
    data = base / str(size)
    generator = Generator(material, size, args.seed, args.questions)
    seconds, questions = timed(lambda: generator.generate(data / "knowledge"))
    (data / "questions.json").write_text(json.dumps(questions, ensure_ascii=False, indent=0),
                                         encoding="utf-8")
    print(f"{size:>7,}: generated in {seconds:.1f} s; measuring …", file=sys.stderr, flush=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(data),
               "--size", str(size), "--repeat", str(args.repeat), "--rounds", str(args.rounds),
               "--naive-budget", str(args.naive_budget)] + (["--profile"] if args.profile else []) \
        + ([] if args.meaning else ["--no-meaning"])
    child = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if child.returncode != 0:
        raise SystemExit(f"measuring size {size} failed (exit {child.returncode})")
    raw = json.loads(child.stdout.strip().splitlines()[-1])
    raw["answered"] = {k: tuple(v) for k, v in raw["answered"].items()}
    raw["meaning"] = MeaningFigures(**raw["meaning"]) if raw["meaning"] else None
    return Figures(**raw)


def table(rows: list[Figures]) -> str:
    head = ["examples", "contacts", "load+index s", "(parse/index)", "plain C yaml.load s", "load / C load",
            "ask p50 ms", "ask p95 ms", "first ask p95/max ms", "naive p50 ms", "naive p95 ms", "speed-up p50/p95",
            "RSS +MB load/asked", "answered"]
    lines = []
    for f in rows:
        ask50, ask95 = percentile(f.ask_ms, 50), percentile(f.ask_ms, 95)
        naive50, naive95 = percentile(f.naive_ms, 50), percentile(f.naive_ms, 95)
        asked = sum(n for _, n in f.answered.values())
        hits = sum(h for h, _ in f.answered.values())
        lines.append([f"{f.size:,}", f"{f.counts['contacts']:,}", f"{f.load_best:.3f}",
                      f"{f.parse_s:.2f}/{f.index_s:.2f}", f"{f.yaml_s:.2f}", f"{f.load_best / f.yaml_s:.2f}x",
                      f"{ask50:.3f}", f"{ask95:.3f}",
                      f"{percentile(f.first_ms, 95):.1f}/{max(f.first_ms):.1f}",
                      f"{naive50:.2f}", f"{naive95:.2f}",
                      f"{naive50 / ask50:.0f}x / {naive95 / ask95:.0f}x",
                      f"{f.rss_mb:.0f}/{f.rss_asked_mb - f.rss_before_mb:.0f}", f"{100 * hits / asked:.0f}%"])
    out = aligned(head, lines)
    with_meaning = [f for f in rows if f.meaning]
    if with_meaning:
        head = ["with meaning: examples", "model load s", "vectors cold/warm s", "ready (model+warm) s",
                "ask p50 ms", "ask p95 ms", "/ words p50/p95", "naive / ask p50/p95", "RSS +MB"]
        lines = []
        for f in with_meaning:
            m = f.meaning
            p50, p95 = percentile(m.ask_ms, 50), percentile(m.ask_ms, 95)
            lines.append([f"{f.size:,}", f"{m.model_s:.2f}", f"{m.cold_s:.1f}/{m.warm_s:.3f}", f"{m.ready_s:.2f}",
                          f"{p50:.2f}", f"{p95:.2f}",
                          f"{p50 / percentile(f.ask_ms, 50):.1f}x / {p95 / percentile(f.ask_ms, 95):.1f}x",
                          f"{percentile(f.naive_ms, 50) / p50:.0f}x / {percentile(f.naive_ms, 95) / p95:.0f}x",
                          f"{m.rss_mb:.0f}"])
        out += "\n\n" + aligned(head, lines)
    return out


def aligned(head: list[str], lines: list[list[str]]) -> str:
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(head)]
    out = [" | ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)


def details(rows: list[Figures]) -> str:
    out = []
    for f in rows:
        shares = ", ".join(f"{k} {h}/{n}" for k, (h, n) in sorted(f.answered.items()))
        loads = " ".join(f"{s:.3f}" for s in f.load_s)
        out.append(f"{f.size:>7,}: {f.counts['organisations']} organisations; loads {loads} s; "
                   f"{len(f.ask_ms)} asks, {len(f.naive_ms)} naive; answered {shares}")
    return "\n".join(out)


def check_targets(rows: list[Figures]) -> bool:
    at = next((f for f in rows if f.size == TARGET_SIZE), None)
    if at is None:
        print(f"targets apply at {TARGET_SIZE:,} examples: not measured in this run")
        return True
    ask50, ask95 = percentile(at.ask_ms, 50), percentile(at.ask_ms, 95)
    speed50, speed95 = percentile(at.naive_ms, 50) / ask50, percentile(at.naive_ms, 95) / ask95
    checks = [
        (f"ask p95 {ask95:.2f} ms <= {TARGET_P95_MS:g} ms", ask95 <= TARGET_P95_MS),
        (f"speed-up {speed50:.1f}x/{speed95:.1f}x (p50/p95) >= {TARGET_SPEEDUP:g}x",
         min(speed50, speed95) >= TARGET_SPEEDUP),
        (f"load+index {at.load_best:.2f} s <= {TARGET_LOAD_S:g} s "
         f"({at.load_best / at.yaml_s:.2f}x a plain C yaml.load of the same files)", at.load_best <= TARGET_LOAD_S),
    ]
    if at.meaning:
        m = at.meaning
        p95 = percentile(m.ask_ms, 95)
        naive = min(percentile(at.naive_ms, 50) / percentile(m.ask_ms, 50), percentile(at.naive_ms, 95) / p95)
        checks += [
            (f"with meaning: ask p95 {p95:.2f} ms <= {TARGET_MEANING_P95_MS:g} ms", p95 <= TARGET_MEANING_P95_MS),
            (f"speed-up {naive:.1f}x >= {TARGET_SPEEDUP:g}x", naive >= TARGET_SPEEDUP),
            (f"model + warm vectors {m.ready_s:.2f} s <= {TARGET_MEANING_READY_S:g} s",
             m.ready_s <= TARGET_MEANING_READY_S),
        ]
    print(f"targets at {TARGET_SIZE:,}: " + "; ".join(
        f"{text} {'PASS' if ok else 'FAIL'}" for text, ok in checks))
    return all(ok for _, ok in checks)


def sizes(value: str) -> list[int]:
    try:
        numbers = [int(v.replace("_", "")) for v in value.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a list of numbers like 100,1000") from None
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError("sizes must be 1 or more")
    return numbers


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return int(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=sizes, default=[100, 1_000, 10_000], metavar="N,N,…",
                        help="numbers of examples (default 100,1000,10000)")
    parser.add_argument("--questions", type=positive, default=200, metavar="N",
                        help="questions per size (default 200)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=positive, default=3, metavar="N", help="loads to time (best counts)")
    parser.add_argument("--rounds", type=positive, default=3, metavar="N", help="timed passes over the questions")
    parser.add_argument("--naive-budget", type=float, default=10.0, metavar="S",
                        help="seconds per size for the naive baseline (at least 30 questions)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the index build and the searches (to stderr)")
    parser.add_argument("--no-meaning", dest="meaning", action="store_false",
                        help="words only: skip the sentence model (its cold embedding takes a minute at 10,000)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write the generated data here and keep it")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:      # the child: one size, one JSON line
        figures = measure(args.size, args.measure, args.repeat, args.rounds, args.naive_budget,
                          args.profile, args.meaning)
        print(json.dumps(asdict(figures)))
        return 0

    material = Material.from_sample(SAMPLE)
    with tempfile.TemporaryDirectory(prefix="verbinder-bench-") as temp:
        base = args.keep or Path(temp)
        rows = [run_size(size, args, material, base) for size in args.sizes]
    print()
    print(table(rows))
    print()
    print(details(rows))
    print()
    return 0 if check_targets(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
