"""extract: :class:`~kg.model.Article` → :class:`~kg.model.Extraction`.

Pure and deterministic; never imports rdflib. The steps, in order:

1. ``infobox.extract_event``: the front matter's tags, date and place → the event
   (label, span, places and what they lie in, the larger conflict, sides,
   units, categories).
2. ``claims.extract_claims``: the narrative → clauses, each with its date,
   sources, stance, mentions, casualties and disputes.

``gazetteer.build_gazetteer`` runs first over the whole build, so that each
article's extraction can use the names the other infoboxes know.
"""

from __future__ import annotations

from kg.extract.claims import extract_claims
from kg.extract.gazetteer import build_gazetteer
from kg.extract.infobox import extract_event
from kg.extract.lexicon import compact as compact_gazetteer
from kg.model import Article, Extraction, Gazetteer

__all__ = ["build_gazetteer", "compact_gazetteer", "extract", "extract_claims", "extract_event"]


def extract(article: Article, gazetteer: Gazetteer | None = None) -> Extraction:
    """Extract the event and its claims from one article.

    :param article: the article, as :func:`kg.read.load_article` returns it.
    :param gazetteer: names known across the build (default: none).
    :returns: the :class:`Extraction`.
    """
    gazetteer = gazetteer or Gazetteer()
    event = extract_event(article, gazetteer)
    claims = extract_claims(article, event, gazetteer)
    return Extraction(article=article, event=event, claims=claims)
