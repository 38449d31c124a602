"""Pledge files as coordinators bring them (YAML, or CSV as Excel writes it) and the export they take back."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot import pledge_files
from bot.pledge_files import PledgeFileError, export_rows, read_pledges, write_csv, write_json_lines
from bot.store.pledges import NewPledge, Pledge

CONTRACT_YAML = """\
needs:                       # halen
  - id: halen-01             # optional; kept as `ref`
    text: We willen af van de vaste nachtrondes …
    by: "@anna:example.org"  # optional
    organisation: topaz      # optional, an organisation id
offers:                      # brengen
  - id: brengen-07
    text: Wij vertellen graag hoe we bewoners laten uitslapen …
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PledgeFileError) as caught:
        read_pledges(path)
    return [str(problem) for problem in caught.value.problems]


def test_the_contract_yaml_reads_as_a_need_and_an_offer(tmp_path: Path):
    assert read_pledges(write(tmp_path, "lijst.yaml", CONTRACT_YAML)) == [
        NewPledge("need", "We willen af van de vaste nachtrondes …", "@anna:example.org", "topaz", ref="halen-01"),
        NewPledge("offer", "Wij vertellen graag hoe we bewoners laten uitslapen …", ref="brengen-07"),
    ]


def test_yaml_with_a_bom_and_empty_optional_fields(tmp_path: Path):
    path = write(tmp_path, "lijst.yml", b"\xef\xbb\xbfneeds:\n  - text: Hulp\n    by:\n    organisation:\noffers:\n")
    assert read_pledges(path) == [NewPledge("need", "Hulp")]


def test_every_yaml_problem_is_listed_with_its_line_and_nothing_is_returned(tmp_path: Path):
    path = write(tmp_path, "lijst.yaml", """\
need:
  - text: x
offers:
  - id: a
    txt: hallo
    by: anna
  - id: a
    text: ok
    organisation: Topaz
  - just words
""")
    assert problems(path) == [
        "lijst.yaml:1: unknown list 'need' (did you mean 'needs'?); the lists are needs: (halen) and offers: (brengen)",
        "lijst.yaml:4: missing 'text': what is needed or offered",
        "lijst.yaml:5: unknown field 'txt' (did you mean 'text'?); a pledge has text, by, organisation, id",
        "lijst.yaml:6: by: 'anna' is not a Matrix user id like @anna:example.org",
        "lijst.yaml:7: id 'a' is already used on line 4",
        "lijst.yaml:9: organisation: 'Topaz' is not a valid id (lowercase letters, digits and '-', e.g. 'topaz-addendum')",
        "lijst.yaml:10: expected a pledge (a mapping with text: and maybe id:, by:, organisation:), got text",
    ]


@pytest.mark.parametrize("content, expected", [
    ("needs: [\n", "lijst.yaml:2: YAML syntax error"),
    ("- text: x\n", "lijst.yaml:1: expected a mapping with the lists needs: and offers: at the top"),
    ("", "lijst.yaml:1: expected a mapping"),
    ("offers: Koffie\n", "lijst.yaml:1: offers: expected a list of pledges, got text"),
])
def test_a_yaml_file_of_the_wrong_shape_is_one_problem(tmp_path: Path, content: str, expected: str):
    [problem] = problems(write(tmp_path, "lijst.yaml", content))
    assert problem.startswith(expected)


def test_csv_as_excel_writes_it_with_commas(tmp_path: Path):
    # BOM, CRLF, columns in another order, doubled quotes, a separator and a line break inside quotes,
    # kinds in both languages and any case, empty rows (as Excel leaves them) skipped
    path = write(tmp_path, "lijst.csv", "\ufeffText,Kind,ID,By,Organisation\r\n"
                                        '"Hulp bij ""roosteren"", graag\r\nvoor twee teams",Halen,h-1,@anna:example.org,topaz\r\n'
                                        ",,,,\r\n"
                                        "\r\n"
                                        "Koffie,OFFER,,,\r\n"
                                        "Thee,brengen,,, \r\n"
                                        "Advies,need,,,\r\n")
    assert read_pledges(path) == [
        NewPledge("need", 'Hulp bij "roosteren", graag\nvoor twee teams', "@anna:example.org", "topaz", ref="h-1"),
        NewPledge("offer", "Koffie"), NewPledge("offer", "Thee"), NewPledge("need", "Advies"),
    ]


def test_csv_with_semicolons_as_a_dutch_excel_writes_it(tmp_path: Path):
    path = write(tmp_path, "lijst.csv", 'kind;text;by;organisation;id\nbrengen;"Koffie; en thee, ook";;;b-1\n')
    assert read_pledges(path) == [NewPledge("offer", "Koffie; en thee, ook", ref="b-1")]


def test_every_csv_problem_has_the_line_its_row_starts_on(tmp_path: Path):
    path = write(tmp_path, "lijst.csv", "kind,text,by,organisation,id\n"
                                        'halen,"twee\nregels",anna,,\n'       # lines 2-3
                                        "kopen,Koffie,,Topaz,\n"              # line 4
                                        "brengen,,,,x\n"                      # line 5
                                        "brengen,Thee,,,x\n"                  # line 6
                                        "halen,Hulp,,,,te veel\n")            # line 7
    assert problems(path) == [
        "lijst.csv:2: by: 'anna' is not a Matrix user id like @anna:example.org",
        "lijst.csv:4: kind: 'kopen' is not one of: halen, brengen, need, offer",
        "lijst.csv:4: organisation: 'Topaz' is not a valid id (lowercase letters, digits and '-', e.g. 'topaz-addendum')",
        "lijst.csv:5: missing 'text': what is needed or offered",
        "lijst.csv:6: id 'x' is already used on line 5",
        "lijst.csv:7: 6 values, but the header row names 5 columns (a value with the separator in it needs quotes)",
    ]


@pytest.mark.parametrize("header, expected", [
    ("kind,txt,by,organisation,id,opmerking", "unknown column 'txt' (did you mean 'text'?); unknown column 'opmerking';"
                                         " missing column 'text'"),
    ("kind,text,text,by,organisation,id", "column 'text' appears 2 times"),
    ("kind,text", "missing column 'by'; missing column 'organisation'; missing column 'id'"),
    ("", "missing column 'kind'"),
])
def test_a_wrong_header_row_is_one_problem_at_line_1(tmp_path: Path, header: str, expected: str):
    [problem] = problems(write(tmp_path, "lijst.csv", header + "\nhalen,Hulp,,,\n"))
    assert problem.startswith(f"lijst.csv:1: {expected}")
    assert problem.endswith("(the header row names the columns kind,text,by,organisation,id, in any order)")


def test_an_open_quote_is_a_problem_at_its_row(tmp_path: Path):
    path = write(tmp_path, "lijst.csv", 'kind,text,by,organisation,id\nhalen,Hulp,,,\nhalen,"open\nbrengen,x,,,\n')
    assert problems(path) == ["lijst.csv:3: cannot read this row as CSV (unexpected end of data); is a quote left open?"]


def test_bytes_that_are_not_utf8_are_a_problem_at_their_line(tmp_path: Path):
    path = write(tmp_path, "lijst.csv", "kind,text,by,organisation,id\nhalen,Caf\xe9,,,\n".encode("cp1252"))
    assert problems(path) == ["lijst.csv:2: not UTF-8 text (invalid continuation byte); save it as UTF-8"
                              " (in Excel: CSV UTF-8)"]


def test_a_file_too_large_missing_or_of_another_type_is_one_problem(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pledge_files, "MAX_BYTES", 100)
    assert problems(write(tmp_path, "groot.csv", "kind,text,by,organisation,id\n" + "halen,Hulp,,,\n" * 10)) == [
        "groot.csv:1: the file is larger than 100 bytes; is it the right file?"]
    assert problems(tmp_path / "weg.yaml") == ["weg.yaml:1: cannot read the file (No such file or directory)"]
    assert problems(write(tmp_path, "lijst.xlsx", b"PK")) == ["lijst.xlsx:1: expected a .yaml, .yml or .csv file"]


def test_a_long_value_is_cut_in_its_message(tmp_path: Path):
    [problem] = problems(write(tmp_path, "lijst.csv", "kind,text,by,organisation,id\n" + "x" * 100_000 + ",Hulp,,,\n"))
    assert problem.startswith("lijst.csv:2: kind: 'xxx") and len(problem) < 200


def pledge(number: int, kind: str, text: str, **extra) -> Pledge:
    moment = datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=timezone.utc)
    return Pledge(number, kind, text, extra.get("by"), extra.get("organisation"), None,
                  extra.get("status", "open"), moment, moment, extra.get("ref"))


PLEDGES = [pledge(1, "need", "Hulp bij \"roosteren\", graag\nvoor twee teams", by="@anna:example.org",
                  organisation="topaz", ref="halen-01"),
           pledge(2, "offer", "Koffie en ü", status="fulfilled")]


def test_export_rows_have_the_contract_columns_and_utc_times():
    assert export_rows(PLEDGES) == [
        {"id": "h1", "ref": "halen-01", "kind": "need", "status": "open",
         "text": "Hulp bij \"roosteren\", graag\nvoor twee teams", "by": "@anna:example.org", "organisation": "topaz",
         "created": "2026-03-04T05:06:07+00:00"},
        {"id": "b2", "ref": None, "kind": "offer", "status": "fulfilled", "text": "Koffie en ü", "by": None,
         "organisation": None, "created": "2026-03-04T05:06:07+00:00"},
    ]


def test_csv_export_is_utf8_with_a_bom_and_quoted_as_excel_reads_it():
    out = io.BytesIO()
    write_csv(export_rows(PLEDGES), out)
    assert out.getvalue().decode("utf-8") == (
        "\ufeffid,ref,kind,status,text,by,organisation,created\r\n"
        'h1,halen-01,need,open,"Hulp bij ""roosteren"", graag\nvoor twee teams",@anna:example.org,topaz,'
        "2026-03-04T05:06:07+00:00\r\n"
        "b2,,offer,fulfilled,Koffie en ü,,,2026-03-04T05:06:07+00:00\r\n")


def test_json_lines_export_has_the_same_keys_and_keeps_the_letters():
    out = io.BytesIO()
    write_json_lines(export_rows(PLEDGES), out)
    lines = out.getvalue().decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == export_rows(PLEDGES)
    assert '"text": "Koffie en ü"' in lines[1] and '"ref": null' in lines[1]



@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x.example","klik")', "+31 6 1234", "-cmd|' /C calc'!A0",
                                   "@SUM(1)", "'= al gequote", "kom kijken - gewoon"])
def test_a_text_a_spreadsheet_would_run_is_quoted_in_the_csv_and_comes_back_as_typed(tmp_path: Path, typed: str):
    out = io.BytesIO()
    write_csv(export_rows([pledge(1, "need", typed, by="@anna:example.org")]), out)
    [row] = csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig")))
    assert row["text"] == (typed if typed[0] not in "=+-@'" else "'" + typed)    # Excel shows it, runs nothing
    assert row["by"] == "@anna:example.org"                                      # a Matrix id stays as it is
    typed_up = io.StringIO()
    csv.writer(typed_up).writerows([["kind", "text", "by", "organisation", "id"], ["need", row["text"], "", "", ""]])
    [imported] = read_pledges(write(tmp_path, "terug.csv", typed_up.getvalue()))
    assert imported.text == typed
