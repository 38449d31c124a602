"""The command line, as an admin uses it: validate, ask (text, JSON, JSON Lines), console, run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.conftest import ROOT, SAMPLE


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_validate_sample_prints_counts():
    result = run("validate", "--knowledge", str(SAMPLE))
    assert result.returncode == 0
    assert "valid" in result.stdout and "examples" in result.stdout


def test_validate_broken_directory_lists_problems_and_exits_1(tmp_path: Path):
    (tmp_path / "contacts.yaml").write_text("contacts:\n  - id: eva\n    name: Eva\n    organisation: nope\n")
    result = run("validate", "--knowledge", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.startswith("contacts.yaml:4: contact field 'organisation': unknown organisation id 'nope'")


def test_ask_json_follows_the_contract():
    result = run("ask", "--json", "--limit", "3", "Wie heeft ervaring met de CQ-index?")
    assert result.returncode == 0
    answer = json.loads(result.stdout)
    assert answer["query"] == "Wie heeft ervaring met de CQ-index?"
    assert answer["topic"] == "de CQ-index"
    assert 1 <= len(answer["results"]) <= 3
    for item in answer["results"]:
        assert item["kind"] in ("contact", "example", "organisation")
        assert 0 <= item["score"] <= 100 and item["why"]
        assert ("examples" in item) == (item["kind"] == "contact")
    scores = [r["score"] for r in answer["results"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_no_match_is_an_empty_list_and_exit_0():
    result = run("ask", "--json", "wie heeft ervaring met mondzorg?")
    assert result.returncode == 0 and json.loads(result.stdout)["results"] == []


def test_a_blank_question_is_answered_not_skipped():
    blank = run("ask", "--json", " ")
    assert blank.returncode == 0 and json.loads(blank.stdout) == {"query": "", "topic": "", "results": []}
    text = run("ask", "")
    assert text.returncode == 0 and text.stdout.startswith("Hoi! Vraag me wie ervaring heeft")


def test_ask_reads_questions_from_stdin_as_json_lines():
    result = run("ask", "--json", "-", stdin="zorgkantoren\n\nwho knows about supervisory boards?\nmondzorg\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["zorgkantoren", "who knows about supervisory boards?", "mondzorg"]
    assert lines[0]["results"] and lines[1]["results"] and not lines[2]["results"]


def test_ask_text_is_the_chat_answer():
    result = run("ask", "who has experience with supervisory boards?")
    assert result.returncode == 0 and result.stdout.startswith("On supervisory boards I found:")


def test_ask_limit_sets_how_many_of_each_kind_the_text_shows():
    def people(*limit: str) -> int:
        text = run("ask", *limit, "zorgkantoren").stdout
        return sum(line[:2] in {f"{n}." for n in range(1, 10)} for line in text.splitlines())

    assert (people("--limit", "1"), people(), people("--limit", "9")) == (1, 3, 4)     # chat: three; all four
    assert len(json.loads(run("ask", "--json", "zorgkantoren").stdout)["results"]) == 5   # JSON: five


def test_bad_arguments_exit_2_with_a_message(tmp_path: Path):
    result = run("ask", "--limit", "zero", "x")
    assert result.returncode == 2 and "'zero' is not a whole number" in result.stderr
    (tmp_path / "teams.yaml").write_text("teams: [1]\n")
    result = run("ask", "--knowledge", str(tmp_path), "x")
    assert result.returncode == 2 and result.stderr.startswith("teams.yaml:1:")


def test_console_answers_piped_lines_one_block_each():
    result = run("console", stdin="wie heeft ervaring met zorgkantoren?\n!help\n")
    assert result.returncode == 0
    blocks = [b for b in result.stdout.split("\n\n") if b.strip()]
    assert blocks[0].startswith("Over zorgkantoren vond ik:")
    assert any("!vraag" in b for b in blocks[1:])


def test_the_same_questions_get_the_same_answers_at_every_start():
    # Python seeds its string hashing anew per process; nothing the matcher
    # ranks or explains may depend on the order of a set.
    questions = yaml.safe_load((ROOT / "tests/quality/questions.yaml").read_text(encoding="utf-8"))["questions"]
    lines = "".join(json.dumps(q["q"]) + "\n" for q in questions)
    answers = []
    for seed in ("1", "2"):
        result = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "-"], input=lines, capture_output=True,
                                text=True, cwd=ROOT, timeout=60, env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        answers.append(result.stdout)
    assert answers[0] == answers[1]


def test_console_stops_on_ctrl_c_while_waiting_for_a_line():
    # a suite started as a background job inherits SIGINT ignored, and so would the console: give it
    # the default a person's terminal gives, or the test measures how it was started
    console = subprocess.Popen([sys.executable, "-m", "bot", "console", "--knowledge", "knowledge"], cwd=ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        console.stdin.write("!help\n")
        console.stdin.flush()
        assert console.stdout.readline()
        time.sleep(0.5)   # answered; now it waits for the next line, stdin still open
        console.send_signal(signal.SIGINT)
        assert console.wait(timeout=5) == 0
    finally:
        console.kill()
        console.stdin.close()
        console.stdout.close()


def test_run_with_a_junk_store_says_which_file_and_exits_2(tmp_path: Path):
    store = tmp_path / "verbinder.sqlite3"
    store.write_text("not a database, just words\n" * 200)
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"homeserver": "http://127.0.0.1:9", "user_id": "@verbinder:example.org",
                                      "password": "x", "store": store.name, "knowledge": {"path": str(SAMPLE)}}))
    result = run("run", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{store}: not a Verbinder store (file is not a database).")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


PLEDGES_YAML = """\
needs:
  - id: halen-01
    text: Wie werkt al met Beelden van kwaliteit? We zoeken hulp bij de start.
    by: "@anna:example.org"
    organisation: topaz
offers:
  - id: brengen-07
    text: Wij gebruiken Beelden van kwaliteit al een paar jaar en helpen graag.
  - id: brengen-08
    text: Wij delen ons recept voor appeltaart
"""
PLEDGES_CSV = "\ufeffkind;text;by;organisation;id\r\nHalen;\"Koffie; \"\"echte\"\"\";@bert:example.org;;\r\n"


def export(*args: str) -> bytes:
    """`pledges export` as bytes: the CSV's BOM must reach the file as Excel sees it."""
    result = subprocess.run([sys.executable, "-m", "bot", "pledges", "export", *args], capture_output=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_pledges_import_then_export_round_trips_and_a_second_import_adds_nothing(tmp_path: Path):
    store = str(tmp_path / "verbinder.sqlite3")
    (tmp_path / "halen.yaml").write_text(PLEDGES_YAML, encoding="utf-8")
    (tmp_path / "lijst.csv").write_text(PLEDGES_CSV, encoding="utf-8")
    for name, count in (("halen.yaml", 3), ("lijst.csv", 1)):
        result = run("pledges", "import", str(tmp_path / name), "--store", store)
        assert (result.returncode, result.stdout) == (0, f"imported {count} pledge(s), 0 already there\n")
    exported = export("--store", store, "--format", "json")
    rows = [json.loads(line) for line in exported.decode("utf-8").splitlines()]
    assert [{key: row[key] for key in ("id", "ref", "kind", "status", "text", "by", "organisation")} for row in rows] == [
        {"id": "h1", "ref": "halen-01", "kind": "need", "status": "open",
         "text": "Wie werkt al met Beelden van kwaliteit? We zoeken hulp bij de start.", "by": "@anna:example.org",
         "organisation": "topaz"},
        {"id": "b2", "ref": "brengen-07", "kind": "offer", "status": "open",
         "text": "Wij gebruiken Beelden van kwaliteit al een paar jaar en helpen graag.", "by": None, "organisation": None},
        {"id": "b3", "ref": "brengen-08", "kind": "offer", "status": "open", "text": "Wij delen ons recept voor appeltaart",
         "by": None, "organisation": None},
        {"id": "h4", "ref": None, "kind": "need", "status": "open", "text": 'Koffie; "echte"', "by": "@bert:example.org",
         "organisation": None},
    ]
    assert all(row["created"].endswith("+00:00") for row in rows)
    for name, count in (("halen.yaml", 3), ("lijst.csv", 1)):
        result = run("pledges", "import", str(tmp_path / name), "--store", store)
        assert (result.returncode, result.stdout) == (0, f"imported 0 pledge(s), {count} already there\n")
    assert export("--store", store, "--format", "json") == exported


def test_pledges_export_csv_has_the_bom_and_the_contract_header(tmp_path: Path):
    store = tmp_path / "verbinder.sqlite3"
    (tmp_path / "lijst.csv").write_text(PLEDGES_CSV, encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"store": store.name}))
    assert run("pledges", "import", str(tmp_path / "lijst.csv"), "--config", str(config)).returncode == 0
    exported = export("--store", str(store), "--format", "csv", "--status", "all")
    assert exported.startswith(b"\xef\xbb\xbfid,ref,kind,status,text,by,organisation,created\r\n")
    assert exported.decode("utf-8").splitlines()[1].startswith('h1,,need,open,"Koffie; ""echte""",@bert:example.org,,')
    assert export("--store", str(store), "--format", "csv", "--status", "fulfilled").count(b"\r\n") == 1


def test_a_broken_pledge_file_imports_nothing_and_exits_1_with_file_and_line(tmp_path: Path):
    store = tmp_path / "verbinder.sqlite3"
    broken = tmp_path / "lijst.csv"
    broken.write_text("kind,text,by,organisation,id\nhalen,Goed,,,\nkopen,Fout,,,\n", encoding="utf-8")
    result = run("pledges", "import", str(broken), "--store", str(store))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == "lijst.csv:3: kind: 'kopen' is not one of: halen, brengen, need, offer\n"
    assert export("--store", str(store), "--format", "json") == b""


def test_pledges_without_a_store_or_with_a_junk_one_exit_2(tmp_path: Path):
    (tmp_path / "lijst.yaml").write_text(PLEDGES_YAML, encoding="utf-8")
    result = run("pledges", "import", str(tmp_path / "lijst.yaml"))
    assert (result.returncode, result.stderr) == (2, "give --store or --config\n")
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database, just words\n" * 200)
    result = run("pledges", "import", str(tmp_path / "lijst.yaml"), "--store", str(junk))
    assert result.returncode == 2 and result.stderr.startswith(f"{junk}: not a Verbinder store")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_pledges_match_prints_the_contract_json_lines(tmp_path: Path):
    store = str(tmp_path / "verbinder.sqlite3")
    (tmp_path / "lijst.yaml").write_text(PLEDGES_YAML, encoding="utf-8")
    assert run("pledges", "import", str(tmp_path / "lijst.yaml"), "--store", store).returncode == 0
    result = run("pledges", "match", "--store", store, "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["id"], line["ref"], line["kind"]) for line in lines] == [
        ("h1", "halen-01", "need"), ("b2", "brengen-07", "offer"), ("b3", "brengen-08", "offer")]
    [match] = lines[0]["matches"]
    assert set(match) == {"id", "ref", "score", "why"} and (match["id"], match["ref"]) == ("b2", "brengen-07")
    assert lines[2]["matches"] == []
    text = run("pledges", "match", "--store", store).stdout
    assert text.startswith("h1 (halen-01)  need  Wie werkt al met Beelden van kwaliteit?")
    assert "    → b2 (brengen-07)  score " in text
