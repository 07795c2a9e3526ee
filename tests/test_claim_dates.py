"""Rule C: claim dates — explicit, relative, inherited, none — and the date cursor (kg.extract.dates)."""

from __future__ import annotations

import time

import pytest

from kg.extract.anchors import reference_lookup
from kg.extract.dates import (
    DateCursor,
    date_clause,
    event_head,
    find_date_mentions,
    infer_year,
    is_secondary,
    shift_date,
)
from kg.model import DateValue, Span


def span(start: str, end: str | None = None) -> Span:
    def value(iso: str) -> DateValue:
        return DateValue(iso, {10: "day", 7: "month", 4: "year"}[len(iso)])  # type: ignore[arg-type]

    return Span(value(start), value(end) if end else None)


def run(paragraphs: list[list[str]], event_span: Span, label: str = "Battle of Testing") -> list[tuple[str | None, str]]:
    """(date, kind) of every clause, the cursor running on across paragraphs."""
    cursor, out = DateCursor(), []
    history: list[tuple[str, DateValue | None]] = []
    for paragraph in paragraphs:
        dated = False
        for clause in paragraph:
            result = date_clause(clause, cursor, dated, event_span, label, reference_lookup(history))
            history.append((clause, result.date))
            out.append((result.date.iso if result.date else None, result.kind))
            cursor, dated = result.cursor, dated or result.reached
    return out


IDLIB = span("2014-03-05", "2014-05-25")

SINGLE = [
    pytest.param("The rebels began the operation on 5 March", IDLIB, "2014-03-05", "explicit", id="on D Month"),
    pytest.param("On 4 April, four rebels were reportedly killed", IDLIB, "2014-04-04", "explicit", id="On D Month,"),
    pytest.param("On the night of 3 April, rebels attacked", IDLIB, "2014-04-03", "explicit", id="night of"),
    pytest.param("At dawn on 17 September, Hooker's I Corps attacked", span("1862-09-17"), "1862-09-17", "explicit",
                 id="At dawn on"),
    pytest.param("The invasion began on September 1, 1939, when the battleship opened fire", span("1939-09-01"),
                 "1939-09-01", "explicit", id="US style with year"),
    pytest.param("On 1 September 1939, German forces crossed the border", span("1939-09-01"), "1939-09-01", "explicit",
                 id="D Month YYYY"),
    pytest.param("On 19 July 2012, rebel fighters entered several districts", span("2012-07-19", "2016-12-22"),
                 "2012-07-19", "explicit", id="year given"),
    pytest.param("In early May, the rebels regrouped", IDLIB, "2014-05", "explicit", id="early month"),
    pytest.param("In April, the army mounted repeated counter-attacks", IDLIB, "2014-04", "explicit", id="In Month"),
    pytest.param("In late September 2012, rebel groups launched what they called a decisive offensive",
                 span("2012-07-19", "2016-12-22"), "2012-09", "explicit", id="late Month YYYY"),
    pytest.param("Opinion polls in June showed the CDU/CSU well ahead", span("2002-09-22"), "2002-06", "explicit",
                 id="in Month mid-clause"),
    pytest.param("By July 2014, its fighters had driven them out", span("2014-07-14", "2017-09-10"), "2014-07", "explicit",
                 id="By Month YYYY"),
    pytest.param("In 1940, the occupation authorities began mass arrests", span("1939-09-01", "1939-10-06"), "1940",
                 "explicit", id="in YYYY"),
    pytest.param("A slow-moving low-pressure system brought heavy rain on 6 and 7 August", span("2002-08"), "2002-08-06",
                 "explicit", id="two days: the first"),
    pytest.param("312 millimetres of rain fell in 24 hours between 12 and 13 August, a German record", span("2002-08"),
                 "2002-08-12", "explicit", id="between D and D"),
    pytest.param("ISIL fighters overran the checkpoint of Abu Grein, west of Sirte, on 5 May",
                 span("2016-05-12", "2016-12-06"), "2016-05-05", "explicit", id="before the span is kept"),
    pytest.param("Rebel groups had taken about half of Deir ez-Zor by the end of 2013", span("2014-07-14", "2017-09-10"),
                 None, "none", id="end of YYYY is no date"),
    pytest.param("In the summer of 2017, the Syrian Army advanced east", span("2014-07-14", "2017-09-10"), None, "none",
                 id="summer of YYYY is no date"),
    pytest.param("At about 11:30, French troops attacked the farm", span("1815-06-18"), None, "none", id="time of day"),
    pytest.param("Two days before the battle, Napoleon defeated the Prussian army at Ligny", span("1815-06-18"),
                 "1815-06-16", "relative", id="before the battle: from the event"),
    pytest.param("Heavy rain overnight had soaked the ground, and on the morning of 18 June Napoleon delayed his attack",
                 span("1815-06-18"), None, "none", id="date of a second happening"),
    pytest.param("The 4th Panzer Division was repulsed on 1 October 1939 with heavy losses", span("1939-09-01"),
                 "1939-10-01", "explicit", id="after the span is kept"),
]


@pytest.mark.parametrize(("clause", "event_span", "date", "kind"), SINGLE)
def test_date_of_a_first_clause(clause: str, event_span: Span, date: str | None, kind: str) -> None:
    assert run([[clause]], event_span) == [(date, kind)]


SEQUENCES = [
    pytest.param(
        [["The rebels began the operation on 5 March",
          "three days later it was reported that the rebels were trying to cut the road",
          "A day after the report of the offensive the SOHR reported that a commander was assassinated"],
         ["Free Syrian Army units charted moderate gains since the start of their operation",
          "On 12 March, pro-opposition sources claimed the rebels cut the M-5 highway",
          "13 days later it was reported that the rebels seized 15 Syrian Army checkpoints",
          "According to Col. Afif al-Suleimani, the Army withdrew many of its soldiers"]],
        IDLIB, "2014 Idlib offensive",
        [("2014-03-05", "explicit"), ("2014-03-08", "relative"), ("2014-03-09", "relative"),
         (None, "none"), ("2014-03-12", "explicit"), ("2014-03-25", "relative"), ("2014-03-25", "inherited")],
        id="Idlib: relative chain, none opens a paragraph",
    ),
    pytest.param(
        [["On 8 April, rebels detonated two suicide cars, followed by clashes and three days later reportedly took an "
          "Army checkpoint, but Syrian Army units took it back the next day",
          "Despite this setback, the rebels captured the al-Sayyad checkpoint the same day"]],
        IDLIB, "2014 Idlib offensive",
        [("2014-04-08", "explicit"), ("2014-04-12", "relative")],
        id="the cursor moves inside a clause",
    ),
    pytest.param(
        [["On 4 April, four rebels were reportedly killed",
          "A day later, the SOHR reported that the rebels seized a checkpoint at Khan Shaykhoun over night"]],
        IDLIB, "2014 Idlib offensive",
        [("2014-04-04", "explicit"), ("2014-04-05", "relative")],
        id="over night does not shift",
    ),
    pytest.param(
        [["On 24 May, rebels launched an offensive", "The following day, rebels captured the al-Salam checkpoint",
          "Four rebels were killed during the takeover of the Khazanat base on the 25th"],
         ["On 27 October, Al-Nusra stormed government positions around Idlib",
          "Later that same day, the army recaptured all buildings"]],
        IDLIB, "2014 Idlib offensive",
        [("2014-05-24", "explicit"), ("2014-05-25", "relative"), ("2014-05-25", "explicit"),
         ("2014-10-27", "explicit"), ("2014-10-27", "relative")],
        id="on the 25th; Later that same day",
    ),
    pytest.param(
        [["On 12 December, a relief attempt began"], ["On 10 January, the Soviets opened Operation Ring",
                                                       "Paulus surrendered the next day"]],
        span("1942-08-23", "1943-02-02"), "Battle of Stalingrad",
        [("1942-12-12", "explicit"), ("1943-01-10", "explicit"), ("1943-01-11", "relative")],
        id="rolling over December",
    ),
    pytest.param(
        [["On 13 September, German troops launched their first major assault, and the next day the 13th Guards Rifle "
          "Division began crossing the Volga",
          "For weeks the two sides fought over the Mamayev Kurgan hill"]],
        span("1942-08-23", "1943-02-02"), "Battle of Stalingrad",
        [("1942-09-13", "explicit"), ("1942-09-14", "inherited")],
        id="first main happening; the cursor moves on",
    ),
    pytest.param(
        [["Heavy rain overnight had soaked the ground, and on the morning of 18 June Napoleon delayed his attack",
          "At about 11:30, French troops attacked the fortified farm of Hougoumont"],
         ["Later that afternoon, Marshal Ney led a series of massed cavalry charges",
          "At about 18:00 the French finally captured the farmhouse"],
         ["That evening, Wellington and Blücher met near the inn"],
         ["Three days later, Napoleon abdicated in Paris"]],
        span("1815-06-18"), "Battle of Waterloo",
        [(None, "none"), ("1815-06-18", "inherited"), ("1815-06-18", "relative"), ("1815-06-18", "inherited"),
         ("1815-06-18", "relative"), ("1815-06-21", "relative")],
        id="Waterloo: times are not dates",
    ),
    pytest.param(
        [["The first televised debate took place on 25 August, and a second one followed two weeks later",
          "According to snap polls, most viewers thought that Schröder had won the second debate"],
         ["On election night, Stoiber claimed victory on the basis of early projections"]],
        span("2002-09-22"), "2002 German federal election",
        [("2002-08-25", "explicit"), ("2002-09-08", "inherited"), ("2002-09-22", "relative")],
        id="two weeks later; On election night",
    ),
    pytest.param(
        [["In January 1943, the occupation authorities began mass arrests", "A week later, the first transports left",
          "Three weeks later, the camps were full"]],
        span("1942-08-23", "1943-02-02"), "Battle of Stalingrad",
        [("1943-01", "explicit"), (None, "none"), (None, "none")],
        id="no day offset from a month",
    ),
    pytest.param(
        [["On 5 May, the rebels attacked", "About nine hours later, the army counter-attacked",
          "The previous day, the army had been reinforced", "a week later, the offensive resumed",
          "The following week, the town fell"]],
        IDLIB, "2014 Idlib offensive",
        [("2014-05-05", "explicit"), ("2014-05-05", "relative"), ("2014-05-04", "relative"), ("2014-05-11", "relative"),
         ("2014-05-18", "relative")],
        id="hours, previous day, a week",
    ),
    pytest.param(
        [["On 18 June, the staff proposed that the operation be abandoned",
          "Hitler rejected the proposal, which had been drafted in May",
          "The battle began on the evening of 4 July, when German infantry seized high ground",
          "At 22:30, Soviet artillery bombarded the German positions, and massive air battles would take place on 5 July",
          "German forces made good progress from 5 to 7 July",
          "Early the next morning, German units resumed their attacks", "Next day, Hitler called off the offensive",
          "In the winter of 1943–44, the Red Army reached the Dnieper"]],
        span("1943-07-05", "1943-08-23"), "Battle of Kursk",
        [("1943-06-18", "explicit"), ("1943-06-18", "inherited"), ("1943-07-04", "explicit"), ("1943-07-04", "inherited"),
         ("1943-07-05", "explicit"), ("1943-07-08", "relative"), ("1943-07-09", "relative"), (None, "none")],
        id="relative clause, modal second happening, ranges, vague season",
    ),
    pytest.param(
        [["On July 12, 1943, the II SS Panzer Corps attacked at Prokhorovka", "Finally, on August 3, the Soviets attacked",
          "In January 1944, the siege of Leningrad was lifted", "On 6 November, Kiev had been liberated"]],
        span("1943-07-05", "1943-08-23"), "Battle of Kursk",
        [("1943-07-12", "explicit"), ("1943-08-03", "explicit"), ("1944-01", "explicit"), ("1944-11-06", "explicit")],
        id="US style; a named year moves the cursor",
    ),
    pytest.param(
        [["On 9 May, the army attacked", "The rebels, who had captured the town on 3 May, withdrew on 7 May",
          "The SOHR reported that on 10 May, rebels shelled the base"]],
        IDLIB, "2014 Idlib offensive",
        [("2014-05-09", "explicit"), ("2014-05-07", "explicit"), ("2014-05-10", "explicit")],
        id="date after a relative clause; date in reported speech",
    ),
    pytest.param(
        [["The offensive was planned for months"], ["The next day, the rebels attacked"]],
        IDLIB, "2014 Idlib offensive",
        [(None, "none"), (None, "none")],
        id="relative with no cursor gives no date",
    ),
]


@pytest.mark.parametrize(("paragraphs", "event_span", "label", "expected"), SEQUENCES)
def test_dates_of_a_sequence(paragraphs: list[list[str]], event_span: Span, label: str,
                             expected: list[tuple[str | None, str]]) -> None:
    assert run(paragraphs, event_span, label) == expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        pytest.param("On 4 April", ["day"], id="day"),
        pytest.param("on 6 August, but the army closed the corridor again less than a month later, on 4 September",
                     ["day", "day"], id="vague offset ignored"),
        pytest.param("after the 2014 rebel offensive at Latakia was launched", [], id="year as modifier"),
        pytest.param("the 11th-century minaret", [], id="century"),
        pytest.param("the 13th Guards Rifle Division on the 25th", ["ordinal"], id="ordinal, not a unit"),
        pytest.param("Hilal (born 5 May 1970) was killed", [], id="parenthesised date"),
        pytest.param("a week-long ceasefire ended on 19 September", ["day"], id="week-long"),
        pytest.param("The rebels may attack in May", ["month"], id="may the verb"),
        pytest.param("twenty-one days later", ["relative"], id="number words"),
        pytest.param("On 10, 11 and 12 May", ["day"], id="list of days"),
        pytest.param("By September 7, his army was concentrated", ["day"], id="By Month D"),
        pytest.param("Lee withdrew on the night of September 18–19", ["day"], id="night of Month D–D"),
        pytest.param("1,400 people were taken out over the following week", [], id="a week as a duration"),
    ],
)
def test_find_date_mentions(text: str, kinds: list[str]) -> None:
    assert [m.kind for m in find_date_mentions(text)] == kinds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Heavy rain had soaked the ground, and on the morning of 18 June", True, id="and on the morning of"),
        pytest.param("fire on the Westerplatte and the next day", True, id="and the next day"),
        pytest.param("Rebels took most of Kessab on 24 March", False, id="own date"),
        pytest.param("Shelling hit Austria, Romania, and Russia on 5 May", False, id="Oxford comma list"),
        pytest.param("Heavy rain fell, and the army attacked on 5 May", True, id="second main clause"),
    ],
)
def test_is_secondary(text: str, expected: bool) -> None:
    assert is_secondary(text, find_date_mentions(text)[0].start) is expected


@pytest.mark.parametrize(
    ("month", "cursor", "expected"),
    [
        pytest.param(1, DateCursor(DateValue("1942-12-12"), 1942, 12), 1943, id="December to January"),
        pytest.param(6, DateCursor(DateValue("2014-07-02"), 2014, 7), 2014, id="short flashback"),
        pytest.param(1, DateCursor(), 1943, id="first date of a span over a year end"),
        pytest.param(4, DateCursor(), 1942, id="background month before the span"),
        pytest.param(9, DateCursor(None, 2013, None), 2013, id="year context"),
    ],
)
def test_infer_year(month: int, cursor: DateCursor, expected: int) -> None:
    assert infer_year(month, 10, cursor, span("1942-08-23", "1943-02-02")) == expected


@pytest.mark.parametrize(
    ("base", "offset", "unit", "expected"),
    [
        pytest.param("2014-02-27", 3, "day", "2014-03-02", id="over a month end"),
        pytest.param("2016-12-30", 2, "day", "2017-01-01", id="over a year end"),
        pytest.param("2014-04", 3, "day", None, id="day offset from a month"),
        pytest.param("2014-11-05", 2, "month", "2015-01", id="months"),
        pytest.param("2014-11-05", 0, "same-month", "2014-11", id="that month"),
    ],
)
def test_shift_date(base: str, offset: int, unit: str, expected: str | None) -> None:
    precision = {10: "day", 7: "month"}[len(base)]
    got = shift_date(DateValue(base, precision), offset, unit)  # type: ignore[arg-type]
    assert (got.iso if got else None) == expected


@pytest.mark.parametrize(
    ("label", "head"),
    [("Battle of Waterloo", "battle"), ("2014 Idlib offensive", "offensive"), ("Battle of Aleppo (2012-2016)", "battle"),
     ("2002 German federal election", "election")],
)
def test_event_head(label: str, head: str) -> None:
    assert event_head(label) == head


@pytest.mark.parametrize(
    "text",
    [pytest.param("1" * 100_000, id="digits"), pytest.param("5 March " * 12_000, id="dates"),
     pytest.param("three days later " * 10_000, id="offsets"), pytest.param(", and " * 20_000 + "on 5 May", id="commas")],
)
def test_date_clause_is_fast_on_pathological_input(text: str) -> None:
    start = time.perf_counter()
    date_clause(text, DateCursor(), False, IDLIB)
    assert time.perf_counter() - start < 1.0


# A relative date that names its reference counts from that happening: the latest earlier
# claim that mentions it (noun or verb form), else the event's start (rule C).
REFERENCES = [
    pytest.param(
        [["On 3 June, aircraft struck the bridge at Zvornik", "On 6 June, the brigade regrouped north of the river",
          "Two days after the strike, engineers began repairs"]],
        span("1995-06-01", "1995-07-30"),
        [("1995-06-03", "explicit"), ("1995-06-06", "explicit"), ("1995-06-05", "relative")],
        id="verb form 'struck' names the strike",
    ),
    pytest.param(
        [["On 2 May, partisans attacked the depot at Drvar"], ["On 9 May, the garrison was relieved",
                                                              "Three days after the attack, the partisans withdrew"]],
        span("1944-05-01", "1944-06-30"),
        [("1944-05-02", "explicit"), ("1944-05-09", "explicit"), ("1944-05-05", "relative")],
        id="across a paragraph",
    ),
    pytest.param(
        [["On 10 June, the rebels regrouped", "A week after the ambush, they withdrew to the hills"]],
        span("1995-06-01", "1995-07-30"),
        [("1995-06-10", "explicit"), ("1995-06-08", "relative")],
        id="unnamed before: the event's start",
    ),
    pytest.param(
        [["On 12 April, the ministry issued a report on the shelling", "On 15 April, fighting resumed",
          "A day after the report, the envoy arrived"]],
        span("1993-04-01", "1993-05-30"),
        [("1993-04-12", "explicit"), ("1993-04-15", "explicit"), ("1993-04-13", "relative")],
        id="noun named before",
    ),
]


@pytest.mark.parametrize(("paragraphs", "event_span", "expected"), REFERENCES)
def test_relative_date_counts_from_the_named_happening(paragraphs: list[list[str]], event_span: Span,
                                                        expected: list[tuple[str | None, str]]) -> None:
    assert run(paragraphs, event_span, "Battle of Testing") == expected


# A date that names something else than the clause's first main happening.
NOT_OWN = [
    pytest.param("The 6 October Brigade takes its name from a ceasefire signed on 6 October 1973",
                 span("1991-03-01", "1991-05-01"), (None, "none"), id="name with a date; date of a participle"),
    pytest.param("The Liberation Front traces its origins to a rising crushed in May 1956",
                 span("1991-03-01", "1991-05-01"), (None, "none"), id="month in a participle"),
    pytest.param("The agreement was signed on 6 October 1973", span("1973-10-01"), ("1973-10-06", "explicit"),
                 id="a passive verb is the main happening"),
    pytest.param("Rebels attacked on 4 March", span("1991-03-01", "1991-05-01"), ("1991-03-04", "explicit"),
                 id="subject and verb"),
    pytest.param("On March 23 Grant moved south", span("1863-03-01", "1863-07-04"), ("1863-03-23", "explicit"),
                 id="US style before a name is a date"),
]


@pytest.mark.parametrize(("clause", "event_span", "expected"), NOT_OWN)
def test_date_of_a_modifier_or_a_name_is_not_the_clause_date(clause: str, event_span: Span,
                                                             expected: tuple[str | None, str]) -> None:
    assert run([[clause]], event_span) == [expected]
