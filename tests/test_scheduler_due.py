"""When each announcement is due, with the clock passed in: leads, DST, all-day events, downtime."""

from __future__ import annotations

from datetime import datetime

from bot.core.dates import NETWORK_TZ
from bot.knowledge.leads import Lead
from bot.knowledge.model import Event, Team
from bot.scheduler.due import due_at, next_moment, rooms_of

TEAMS = {"a": Team("a", "Team A", "#a:example.org"), "b": Team("b", "Team B", "#b:example.org")}
DEFAULT = (Lead(7, "d"), Lead(1, "d"))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NETWORK_TZ)


def event(start: str, *leads: str, teams=("a",), all_day=False, id="e") -> Event:
    return Event(id, "Bijeenkomst", at(start), all_day=all_day, teams=teams,
                 announce=tuple(Lead.parse(lead) for lead in leads) if leads else None)


def due(now: str, *events: Event, sent=None) -> list[tuple[str, str, str]]:
    return [(d.event, d.room, str(d.lead)) for d in due_at(at(now), events, TEAMS, ["!net:example.org"],
                                                            DEFAULT, sent or {})]


def test_each_lead_kind_falls_on_its_moment():
    e = event("2027-01-20T14:00", "1w", "2d", "3h", "30m")
    assert [str(lead.before(e.start)) for lead in e.announce] == [
        "2027-01-13 14:00:00+01:00", "2027-01-18 14:00:00+01:00", "2027-01-20 11:00:00+01:00",
        "2027-01-20 13:30:00+01:00"]
    assert due("2027-01-13T13:59", e) == []
    assert due("2027-01-13T14:00", e) == [("e", "#a:example.org", "1w")]
    assert due("2027-01-20T13:45", e) == [("e", "#a:example.org", "30m")]
    assert due("2027-01-20T14:00", e) == []                   # begun: never announced any more


def test_a_day_lead_keeps_the_wall_clock_time_across_both_dst_switches():
    autumn = event("2026-10-26T10:00", "1d", "24h")        # Sunday 25 October: clocks go back
    assert str(Lead(1, "d").before(autumn.start)) == "2026-10-25 10:00:00+01:00"
    across = event("2026-10-25T10:00", "1d", "24h")
    assert str(Lead(1, "d").before(across.start)) == "2026-10-24 10:00:00+02:00"
    assert str(Lead(24, "h").before(across.start)) == "2026-10-24 11:00:00+02:00"
    spring = event("2027-03-28T10:00", "1d", "24h")        # Sunday 28 March: clocks go forward
    assert str(Lead(1, "d").before(spring.start)) == "2027-03-27 10:00:00+01:00"
    assert str(Lead(24, "h").before(spring.start)) == "2027-03-27 09:00:00+01:00"
    assert due("2027-03-27T09:30", spring) == [("e", "#a:example.org", "24h")]
    assert due("2027-03-27T10:00", spring) == [("e", "#a:example.org", "1d")]


def test_an_all_day_event_starts_at_midnight_in_amsterdam():
    week = event("2027-11-08T00:00", "1d", all_day=True)
    assert due("2027-11-06T23:59", week) == []
    assert due("2027-11-07T00:00", week) == [("e", "#a:example.org", "1d")]


def test_after_a_week_down_only_the_shortest_passed_lead_goes_out():
    e = event("2027-01-20T14:00", "7d", "1d", "2h")
    assert due("2027-01-20T12:30", e) == [("e", "#a:example.org", "2h")]     # not three
    [only] = due_at(at("2027-01-20T12:30"), [e], TEAMS, [], DEFAULT, {})
    assert [str(lead) for lead in only.skipped] == ["7d", "1d"]                # and says which it skipped


def test_what_was_sent_counts_its_longer_leads_as_done():
    e = event("2027-01-20T14:00", "7d", "1d")
    sent = {("e", "#a:example.org"): [Lead(1, "d")]}
    assert due("2027-01-19T15:00", e, sent=sent) == []
    assert due("2027-01-19T15:00", e, sent={("e", "#a:example.org"): [Lead(7, "d")]}) == [
        ("e", "#a:example.org", "1d")]


def test_all_means_every_team_and_the_network_rooms():
    e = event("2027-01-20T14:00", "1d", teams=("all",))
    assert rooms_of(e, TEAMS, ["!net:example.org", "#a:example.org"]) == [
        "#a:example.org", "#b:example.org", "!net:example.org"]
    assert len(due("2027-01-19T14:00", e)) == 3


def test_the_config_default_serves_events_without_leads():
    e = event("2027-01-20T14:00")
    assert due("2027-01-13T14:00", e) == [("e", "#a:example.org", "7d")]


def test_the_next_moment_to_look_again():
    e = event("2027-01-20T14:00", "7d", "1d")
    assert next_moment(at("2027-01-01T00:00"), [e], DEFAULT) == at("2027-01-13T14:00")
    assert next_moment(at("2027-01-13T14:00"), [e], DEFAULT) == at("2027-01-19T14:00")
    assert next_moment(at("2027-01-19T14:00"), [e], DEFAULT) is None
    assert next_moment(at("2027-01-01T00:00"), [], DEFAULT) is None
