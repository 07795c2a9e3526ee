"""Claims: the narrative → one :class:`~kg.model.ClaimRecord` per clause.

The steps, in order (each is a pure function of another module):

1. ``clauses.split_clauses``: each paragraph → its clauses (rule B).
2. ``mentions.find_mentions``: the places and actors of every clause, once per
   article so that "the city" can resolve to a place named before (rules F, G).
3. ``dates.date_clause``: each clause's date and date kind, with a cursor that runs
   through the whole article; inheritance only within a paragraph (rule C).
4. ``attribution``: stance (rule D), sources (rule E; "they said" resolves to the
   source or group of the clause before), then disputes (rule I).
5. ``casualties.find_casualties``: the casualty figures of each clause (rule H).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kg.extract import attribution, dates
from kg.extract.anchors import reference_lookup
from kg.extract.casualties import find_casualties
from kg.extract.clauses import split_clauses
from kg.extract.mentions import find_mentions
from kg.model import Article, ClaimRecord, DateValue, EventRecord, Gazetteer, SourceRecord


@dataclass(frozen=True)
class Clause:
    """A clause and where it stands."""

    text: str
    section: str
    paragraph: int  # index of its paragraph across the article


def article_clauses(article: Article) -> list[Clause]:
    """Every clause of the narrative, in article order (rules A, B)."""
    out: list[Clause] = []
    paragraph = 0
    for section in article.sections:
        for para in section.paragraphs:
            out.extend(Clause(text, section.title, paragraph) for text in split_clauses(para.text))
            paragraph += 1
    return out


def date_clauses(clauses: list[Clause], event: EventRecord) -> list[dates.ClauseDate]:
    """Each clause's date, with the cursor carried across paragraphs and sections (rule C)."""
    out: list[dates.ClauseDate] = []
    cursor = dates.DateCursor()
    paragraph, dated = -1, False
    history: list[tuple[str, DateValue | None]] = []
    for clause in clauses:
        if clause.paragraph != paragraph:
            paragraph, dated = clause.paragraph, False  # inheritance stops at a paragraph break
        # "A week after the strike": counted from the latest claim that mentions the strike.
        lookup = reference_lookup(history)
        result = dates.date_clause(clause.text, cursor, dated, event.span, event.label, lookup)
        out.append(result)
        history.append((clause.text, result.date))
        cursor, dated = result.cursor, dated or result.reached
    return out


def attribute_clauses(clauses: list[Clause], actors: list[tuple[str, ...]]) -> list[tuple[str, tuple[SourceRecord, ...]]]:
    """Each clause's (stance, sources); a pronoun source takes the antecedent before it."""
    out: list[tuple[str, tuple[SourceRecord, ...]]] = []
    antecedent: str | None = None
    person: str | None = None  # the last person named by a title or an appositive: "he said"
    known: list[str] = []
    for clause, named in zip(clauses, actors, strict=True):
        stance = attribution.find_stance(clause.text)
        sources = attribution.find_sources(clause.text, antecedent, person) if stance != "asserted" else ()
        out.append((stance, sources))
        named_person = attribution.last_person(clause.text, known) or next((s.name for s in sources if s.role), None)
        if named_person:
            person = named_person
            known = [*known[-19:], named_person]
        # The next clause's "they" is this clause's source, else the group that is its
        # subject, else the first group it names (rule E: "the source or group named before").
        group = attribution.group_of(attribution.clause_subject(clause.text))
        antecedent = sources[0].name if sources else group or (named[0] if named else antecedent)
    return out


def _elided_who(me: attribution.ClauseFacts, other: attribution.ClauseFacts) -> attribution.ClauseFacts:
    """"the SOHR said that 49 had been killed" after "100 ISIL fighters": a bare figure counts
    the people of the figure it disputes, so later figures compare with those people."""
    if not me.figures or not other.figures or any(f.who for f in me.figures):
        return me
    ref = other.figures[0]
    figures = tuple(replace(f, who=ref.who, side=ref.side) for f in me.figures)
    return replace(me, figures=figures)


def extract_claims(article: Article, event: EventRecord, gazetteer: Gazetteer) -> tuple[ClaimRecord, ...]:
    """The claims of an article's narrative, in order.

    :param article: the article, as :func:`kg.read.load_article` returns it.
    :param event: the event its infobox gives (its span dates bare days).
    :param gazetteer: names known across the build, for the mentions.
    :returns: one :class:`ClaimRecord` per clause.
    """
    clauses = article_clauses(article)
    mentions = find_mentions([c.text for c in clauses], event, gazetteer)
    dated = date_clauses(clauses, event)
    mentions = [mentions[i] if i < len(mentions) else ((), ()) for i in range(len(clauses))]
    attributed = attribute_clauses(clauses, [tuple(actors) for _, actors in mentions])
    casualties = [find_casualties(c.text) for c in clauses]
    facts = [
        attribution.ClauseFacts(c.text, c.paragraph, tuple(s.name for s in sources), stance,  # type: ignore[arg-type]
                                d.date.iso if d.date else None,
                                # no casualty record: let attribution read the figures itself
                                tuple(f for x in cas for f in attribution.make_figure(x.kind, x.who, x.count)) or None)
        for c, (stance, sources), d, cas in zip(clauses, attributed, dated, casualties, strict=True)
    ]
    claims: list[ClaimRecord] = []
    for i, clause in enumerate(clauses):
        places, actors = mentions[i]
        stance, sources = attributed[i]
        disputed = attribution.find_dispute(i, facts)
        if disputed is not None:
            facts[i] = _elided_who(facts[i], facts[disputed])
        claims.append(ClaimRecord(
            position=i,
            text=clause.text,
            section=clause.section,
            date=dated[i].date,
            date_kind=dated[i].kind,
            sources=sources,
            stance=stance,  # type: ignore[arg-type]
            places=tuple(places),
            actors=tuple(actors),
            casualties=casualties[i],
            disputes=(disputed,) if disputed is not None else (),
        ))
    return tuple(claims)
