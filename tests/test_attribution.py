"""Rules D, E, I: stance, sources and disputes (kg.extract.attribution)."""

from __future__ import annotations

import time

import pytest

from kg.extract.attribution import (
    ClauseFacts,
    Figure,
    clean_source_name,
    figure_kinds,
    find_dispute,
    find_sources,
    find_stance,
    group_of,
    last_person,
    make_figure,
)
from kg.model import SourceRecord


@pytest.mark.parametrize(
    ("clause", "stance"),
    [
        pytest.param("Pro-government sources denied this claim and only reported several wounded", "denied", id="denied wins"),
        pytest.param("Pro-government sources denied all of this and claimed that the army was advancing", "denied",
                     id="denied over claimed"),
        pytest.param("On 12 March, pro-opposition sources claimed the rebels cut the M-5 highway", "claimed", id="claimed"),
        pytest.param("On 24 May, according to the SOHR, rebels launched an offensive and reportedly captured", "reported",
                     id="according to"),
        pytest.param("It was also reported that Baboulin town and al-Salhiya village were captured", "reported",
                     id="it was reported"),
        pytest.param("French losses were estimated at about 25,000 killed and wounded", "reported", id="were estimated"),
        pytest.param("The White House called the reported remarks \"outrageous\"", "reported", id="reported as adjective"),
        pytest.param("leaving an estimated 250,000 people under siege", "asserted", id="an estimated"),
        pytest.param("rebel groups launched what they called a decisive offensive on the city", "asserted", id="called"),
        pytest.param("Wellington told the diarist Thomas Creevey that the battle had been close", "asserted", id="told"),
        pytest.param("Two days later, Britain and France declared war on Germany", "asserted", id="declared war"),
        pytest.param("On 3 November, the army declared that it had taken full control", "reported", id="declared that"),
        pytest.param("ISIL proclaimed a worldwide caliphate", "asserted", id="proclaimed"),
        pytest.param("The bombing claimed the lives of 30 people", "asserted", id="claimed the lives"),
        pytest.param("ISIL claimed responsibility for the attack", "claimed", id="claimed responsibility"),
    ],
)
def test_find_stance(clause: str, stance: str) -> None:
    assert find_stance(clause) == stance


@pytest.mark.parametrize(
    ("clause", "antecedent", "expected"),
    [
        pytest.param("A day after the report of the offensive the SOHR reported that a commander was assassinated", None,
                     [SourceRecord("SOHR")], id="the SOHR after a relative date"),
        pytest.param("According to Col. Afif al-Suleimani, head of Idlib's rebel Military Council, the Army withdrew", None,
                     [SourceRecord("Afif al-Suleimani", "head of Idlib's rebel Military Council")], id="title and role"),
        pytest.param("On 19 September, the newspaper Schwäbisches Tagblatt reported that justice minister Herta "
                     "Däubler-Gmelin had compared", None, [SourceRecord("Schwäbisches Tagblatt")], id="the newspaper X"),
        pytest.param("The same day, a spokesman for the Bunyan al-Marsous operation said that Sirte had been liberated", None,
                     [SourceRecord("Bunyan al-Marsous")], id="spokesman for the X operation"),
        pytest.param("three days later, they said they had secured the city's port and airport", "GNA",
                     [SourceRecord("GNA")], id="they said"),
        pytest.param("Rebels denied this and said it had been hit by tank fire from the army", None,
                     [SourceRecord("Rebels")], id="one source for two cues"),
        pytest.param("bankers in Mosul later denied that any such theft had taken place", None,
                     [SourceRecord("bankers in Mosul")], id="later denied"),
        pytest.param("Turnout was 79.1 percent, according to the Federal Returning Officer", None,
                     [SourceRecord("Federal Returning Officer")], id="according to at the end"),
        pytest.param("The White House called the reported remarks \"outrageous\"", None, [SourceRecord("White House")],
                     id="called, made attributed by another cue"),
        pytest.param("At least 18 regular soldiers were reportedly killed in the clashes", None, [], id="reportedly: none"),
        pytest.param("13 days later it was reported that the rebels seized 15 checkpoints", None, [], id="passive: none"),
        pytest.param("The GNA also claimed that about 2,500 ISIL fighters had been killed", None, [SourceRecord("GNA")],
                     id="also claimed"),
        pytest.param("On 23 September 2017, a Russian general was killed by ISIL shelling, according to the Russian defence "
                     "ministry", None, [SourceRecord("Russian defence ministry")], id="according to after a comma"),
        pytest.param("In early December, the Syrian Observatory for Human Rights (SOHR) reported that 40 people had died",
                     None, [SourceRecord("Syrian Observatory for Human Rights")], id="acronym in brackets"),
        pytest.param("Lt. Col. J. R. Smith of the U.S. Army later reported that the figures were exaggerated", None,
                     [SourceRecord("J. R. Smith")], id="titled person of a unit"),
        pytest.param("On 3 June, the head of the SOHR, Rami Abdulrahman, said that 40 people were killed", None,
                     [SourceRecord("Rami Abdulrahman", "the head of the SOHR")], id="role before the name"),
        pytest.param("It was reported that the so-called Islamic State had withdrawn", None, [], id="so-called, passive"),
        pytest.param('"The city is ours," said Gen. Pavel Rotmistrov, the commander of the army', None,
                     [SourceRecord("Pavel Rotmistrov")], id="said after a quote"),
        pytest.param("According to him, the town had fallen", "Nujaifi", [SourceRecord("Nujaifi")], id="according to him"),
        pytest.param("According to a report by Human Rights Watch, 600 prisoners were shot", None,
                     [SourceRecord("Human Rights Watch")], id="a report by X"),
        pytest.param("On the same day, Turkish Deputy Prime Minister Numan Kurtulmus said that 130,000 Kurds fled", None,
                     [SourceRecord("Numan Kurtulmus")], id="capitalised title"),
        pytest.param("Russian Defence Ministry spokesman Igor Konashenkov said the strikes hit ISIL", None,
                     [SourceRecord("Igor Konashenkov")], id="descriptor before a name"),
    ],
)
def test_find_sources(clause: str, antecedent: str | None, expected: list[SourceRecord]) -> None:
    assert list(find_sources(clause, antecedent)) == expected


# Pronouns, appositives and coordinated subjects (rule E): sentences of other wars.
PRONOUN_SOURCES = [
    pytest.param("Marshal Ion Antonescu visited the front, where he declared that Odessa would fall", "Romanians", None,
                 [SourceRecord("Ion Antonescu")], id="he: the titled person of the clause, not the group before"),
    pytest.param("the following week, he publicly announced that the siege was over", "NATO", "Milan Babić",
                 [SourceRecord("Milan Babić")], id="he: the last person; an adverb is no part of the source"),
    pytest.param("he said that the town had fallen", "ISIL", None, [], id="he with no person named: no source"),
    pytest.param("On 4 May, the army launched an offensive on the pocket, which it declared over two days later", "UN", None,
                 [SourceRecord("army")], id="which it: the clause's subject"),
    pytest.param("The ministry first denied that the convoy had been hit, but on 3 June it said that two trucks burned",
                 "Red Cross", None, [SourceRecord("ministry")], id="it after a denial: the same subject"),
    pytest.param("they said that the bridge was mined", "Partisans", None, [SourceRecord("Partisans")],
                 id="they: the group named before"),
    pytest.param("Dragan Vuković, a local shopkeeper, said that shells had fallen on the market", None, None,
                 [SourceRecord("Dragan Vuković", "a local shopkeeper")], id="appositive between name and verb"),
    pytest.param("Jean Dupont, the defence minister, said that the troops would stay", None, None,
                 [SourceRecord("Jean Dupont", "the defence minister")], id="appositive with the"),
    pytest.param("NATO and the European Union announced new sanctions on Belgrade", "X", None,
                 [SourceRecord("NATO"), SourceRecord("European Union")], id="coordinated subject: two sources"),
]


@pytest.mark.parametrize(("clause", "antecedent", "person", "expected"), PRONOUN_SOURCES)
def test_find_sources_pronouns_and_appositives(clause: str, antecedent: str | None, person: str | None,
                                               expected: list[SourceRecord]) -> None:
    assert list(find_sources(clause, antecedent, person)) == expected


@pytest.mark.parametrize(
    ("text", "known", "person"),
    [
        pytest.param("On 3 May, Gen. Ratko Mladić entered the town", (), "Ratko Mladić", id="titled"),
        pytest.param("Ana Petrova, a Red Cross official, visited the camp", (), "Ana Petrova", id="appositive"),
        pytest.param("On 9 July, Karadžić arrived in Pale", ("Radovan Karadžić",), "Karadžić", id="surname of a known person"),
        pytest.param("On 9 July, the rebels arrived in Pale", (), None, id="none"),
    ],
)
def test_last_person(text: str, known: tuple[str, ...], person: str | None) -> None:
    assert last_person(text, known) == person


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        pytest.param("the SOHR", "SOHR", id="the"),
        pytest.param("Maj. Gen. Issam Zahreddine", "Issam Zahreddine", id="Maj. Gen."),
        pytest.param("Dr. Rami Abdulrahman", "Rami Abdulrahman", id="Dr."),
        pytest.param("Chancellor Gerhard Schröder", "Gerhard Schröder", id="spelled-out title"),
        pytest.param("Pro-government sources", "Pro-government sources", id="kept as written"),
        pytest.param("the Ministry of Defence", "Ministry of Defence", id="of kept in an organisation"),
    ],
)
def test_clean_source_name(name: str, clean: str) -> None:
    assert clean_source_name(name) == clean


@pytest.mark.parametrize(
    ("subject", "group"),
    [("GNA forces", "GNA"), ("the rebels", "rebels"), ("the ceasefire", None), ("they", None), ("The Free Syrian Army", "Free Syrian Army")],
)
def test_group_of(subject: str, group: str | None) -> None:
    assert group_of(subject) == group


def facts(*rows: tuple[str, int, tuple[str, ...], str, str | None]) -> list[ClauseFacts]:
    return [ClauseFacts(text, paragraph, sources, stance, date) for text, paragraph, sources, stance, date in rows]  # type: ignore[arg-type]


DAY = "2016-01-16"
DISPUTES = [
    pytest.param(facts(("Turkey said the jet had violated its airspace", 0, ("Turkey",), "reported", DAY),
                       ("Syria denied this and called the shootdown an act of aggression", 0, ("Syria",), "denied", DAY)),
                 1, 0, id="denial"),
    pytest.param(facts(("Syrian state media said that about 300 people had been killed", 0, ("Syrian state media",), "reported", DAY),
                       ("According to the SOHR, 135 people were killed and at least 400 civilians were abducted", 0, ("SOHR",),
                        "reported", DAY)),
                 1, 0, id="another source's figure"),
    pytest.param(facts(("Soviet accounts claimed that about 40,000 civilians were killed", 0, ("Soviet accounts",), "claimed", DAY),
                       ("later research suggested that the real figure was considerably lower", 0, (), "asserted", DAY)),
                 1, 0, id="the real figure"),
    pytest.param(facts(("According to the GNA, about 740 of its fighters were killed", 0, ("GNA",), "reported", DAY),
                       ("The GNA also claimed that about 2,500 ISIL fighters had been killed", 0, ("GNA",), "claimed", DAY)),
                 1, None, id="same source"),
    pytest.param(facts(("Pro-government sources only reported several wounded", 0, ("Pro-government sources",), "reported", DAY),
                       ("According to the SOHR, tens of fighters were killed and wounded", 0, ("SOHR",), "reported", "2016-01-20")),
                 1, None, id="another day"),
    pytest.param(facts(("According to the Official Records, 2,108 Union soldiers were killed", 0, ("Official Records",), "reported", DAY),
                       ("Confederate losses were estimated at 1,546 killed", 0, (), "reported", DAY)),
                 1, None, id="no source"),
    pytest.param([ClauseFacts("According to the SOHR, 20 soldiers were killed in Aleppo", 0, ("SOHR",), "reported", DAY,
                              (Figure("killed", "soldier", 20),)),
                  ClauseFacts("state media said 5 rebels were killed in Homs", 0, ("state media",), "reported", DAY,
                              (Figure("killed", "rebel", 5),))],
                 1, None, id="two tolls of different people"),
    pytest.param([ClauseFacts("Syrian state media said that about 300 people had been killed", 0, ("Syrian state media",),
                              "reported", DAY, make_figure("killed", "people", 300)),
                  ClauseFacts("According to the SOHR, 135 civilians were killed", 0, ("SOHR",), "reported", DAY,
                              make_figure("killed and wounded", "civilians", 135))],
                 1, 0, id="people and civilians may be one toll"),
    pytest.param([ClauseFacts("According to the French bulletin, only 1,305 French soldiers were killed", 0,
                              ("French bulletin",), "reported", DAY, make_figure("killed", "French soldiers", 1305)),
                  ClauseFacts("Austrian sources said that 2,000 Frenchmen had died", 0, ("Austrian sources",), "reported",
                              DAY, make_figure("killed", "Frenchmen", 2000))],
                 1, 0, id="French soldiers and Frenchmen"),
    pytest.param([ClauseFacts("According to the Official Records, 2,108 Union soldiers were killed", 0,
                              ("Official Records",), "reported", DAY, make_figure("killed", "Union soldiers", 2108)),
                  ClauseFacts("Southern papers said 1,546 Confederate soldiers were killed", 0, ("Southern papers",),
                              "reported", DAY, make_figure("killed", "Confederate soldiers", 1546))],
                 1, None, id="two sides' tolls"),
    pytest.param(facts(("The army captured the town", 0, (), "asserted", DAY),
                       ("The army denied them access to the town", 0, ("army",), "denied", DAY)),
                 1, None, id="denied access"),
    pytest.param(facts(("Aid convoys were denied access to the town", 0, (), "denied", DAY),),
                 0, None, id="first claim"),
    pytest.param(facts(("The army said it had retaken the town", 0, ("army",), "reported", DAY),
                       ("Rebels dismissed these claims as propaganda", 0, (), "asserted", DAY)),
                 1, 0, id="dismissed these claims"),
]


# Disputes linked by the happening and the source they name, not by position (rule I).
D2 = "2016-01-18"
DISPUTES_BY_HAPPENING = [
    pytest.param(facts(("According to a preliminary OSCE report, 40 villagers were killed in Račak", 0, ("OSCE report",),
                        "reported", DAY),
                       ("Belgrade said that 15 rebels had been killed", 0, ("Belgrade",), "reported", DAY),
                       ("The KLA denied the OSCE findings and said the village had been shelled", 0, ("KLA",), "denied", DAY)),
                 2, 0, id="denial that names its source"),
    pytest.param(facts(("Ministry officials said that the convoy had been attacked", 0, ("Ministry officials",), "reported", DAY),
                       ("The UN said that the road was closed", 0, ("UN",), "reported", DAY),
                       ("The rebels rejected the ministry's claims", 0, ("rebels",), "asserted", DAY)),
                 2, 0, id="rejection of the ministry's claims"),
    pytest.param([ClauseFacts("Hospital staff said that more than 60 civilians had been killed by an air strike on the market",
                              0, ("Hospital staff",), "reported", DAY, make_figure("killed", "civilians", 60)),
                  ClauseFacts("The army said it had hit a weapons depot", 0, ("army",), "reported", DAY),
                  ClauseFacts("On 20 January, the UN said that 1,200 people had fled the district", 1, ("UN",), "reported", D2),
                  ClauseFacts("In March, an inquiry by the ministry said that 22 civilians had died when the strike hit a fuel tank",
                              2, ("inquiry by the ministry",), "reported", "2016-03", make_figure("killed", "civilians", 22))],
                 3, 0, id="the same strike, another paragraph and day"),
    pytest.param([ClauseFacts("Hospital staff said that more than 60 civilians had been killed in the city", 0,
                              ("Hospital staff",), "reported", DAY, make_figure("killed", "civilians", 60)),
                  ClauseFacts("In March, an inquiry said that 22 civilians had died when the strike hit a fuel tank", 1,
                              ("inquiry",), "reported", "2016-03", make_figure("killed", "civilians", 22))],
                 1, None, id="another happening: no dispute"),
    pytest.param([ClauseFacts("According to the ministry, about 900 soldiers and policemen were killed", 0, ("ministry",),
                              "reported", None, make_figure("killed", "soldiers and policemen", 900)),
                  ClauseFacts("NATO said that several thousand Taliban fighters had been killed", 0, ("NATO",), "reported",
                              None, make_figure("killed", "Taliban fighters", None)),
                  ClauseFacts("According to a news agency, about 3,000 civilians were killed", 0, ("news agency",), "reported",
                              None, make_figure("killed", "civilians", 3000))],
                 2, None, id="fighters, soldiers and civilians are three tolls"),
]


@pytest.mark.parametrize(("clauses", "index", "expected"), DISPUTES + DISPUTES_BY_HAPPENING)
def test_find_dispute(clauses: list[ClauseFacts], index: int, expected: int | None) -> None:
    assert find_dispute(index, clauses) == expected


@pytest.mark.parametrize(
    ("clause", "kinds"),
    [
        pytest.param("2,108 Union soldiers were killed, 9,540 were wounded and 753 were missing", {"killed", "wounded", "missing"},
                     id="three kinds"),
        pytest.param("two tanks were disabled", set(), id="no people"),
        pytest.param("about 7,000 men were taken prisoner", {"captured"}, id="taken prisoner"),
    ],
)
def test_figure_kinds(clause: str, kinds: set[str]) -> None:
    assert figure_kinds(clause) == kinds


@pytest.mark.parametrize(
    "text",
    [pytest.param("said " * 20_000, id="cues"), pytest.param("1" * 100_000 + " killed", id="digits"),
     pytest.param("according to " * 10_000, id="according"), pytest.param(" " * 100_000 + "said", id="spaces")],
)
def test_attribution_is_fast_on_pathological_input(text: str) -> None:
    start = time.perf_counter()
    find_stance(text)
    find_sources(text, "X")
    figure_kinds(text)
    assert time.perf_counter() - start < 1.0
