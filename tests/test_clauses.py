"""Rule B: a paragraph → sentences → clauses split at ';' (kg.extract.clauses)."""

from __future__ import annotations

import time

import pytest

from kg.extract.clauses import clean_clause, is_abbreviation, split_clauses, split_sentences

CASES = [
    pytest.param(
        "The rebels began the operation on 5 March; three days later it was reported that the rebels were trying.",
        ["The rebels began the operation on 5 March", "three days later it was reported that the rebels were trying"],
        id="semicolon",
    ),
    pytest.param(
        "According to Col. Afif al-Suleimani, head of Idlib's rebel Military Council, the Army withdrew. The rebels then advanced.",
        ["According to Col. Afif al-Suleimani, head of Idlib's rebel Military Council, the Army withdrew",
         "The rebels then advanced"],
        id="Col.",
    ),
    pytest.param(
        "Maj. Gen. Joseph K. F. Mansfield, the commander of the XII Corps, was mortally wounded. At about 9:00, Sedgwick advanced.",
        ["Maj. Gen. Joseph K. F. Mansfield, the commander of the XII Corps, was mortally wounded",
         "At about 9:00, Sedgwick advanced"],
        id="Maj. Gen. and initials",
    ),
    pytest.param(
        "At about 15:30, A. P. Hill's Light Division arrived from Harpers Ferry; Burnside's corps was driven back.",
        ["At about 15:30, A. P. Hill's Light Division arrived from Harpers Ferry", "Burnside's corps was driven back"],
        id="A. P. Hill",
    ),
    pytest.param(
        "Lawrence O'B. Branch, one of Hill's brigade commanders, was shot dead.",
        ["Lawrence O'B. Branch, one of Hill's brigade commanders, was shot dead"],
        id="O'B. initial",
    ),
    pytest.param(
        "Aircraft of the U.S. Army struck the base. It was the first strike.",
        ["Aircraft of the U.S. Army struck the base", "It was the first strike"],
        id="U.S. inside",
    ),
    pytest.param(
        "The strike was carried out by the U.S. The next day, the base fell.",
        ["The strike was carried out by the U.S", "The next day, the base fell"],
        id="U.S. at sentence end",
    ),
    pytest.param(
        'they were driven back, and the cry "La Garde recule!" spread panic through the French army.',
        ['they were driven back, and the cry "La Garde recule!" spread panic through the French army'],
        id="exclamation in quotes",
    ),
    pytest.param(
        'Wellington said that it had been "the nearest-run thing you ever saw in your life". Three days later, Napoleon abdicated.',
        ['Wellington said that it had been "the nearest-run thing you ever saw in your life"',
         "Three days later, Napoleon abdicated"],
        id="full stop after quote",
    ),
    pytest.param(
        'He said: "We will fight. We will win." The next day the army attacked.',
        ['He said: "We will fight. We will win."', "The next day the army attacked"],
        id="sentences inside quotes",
    ),
    pytest.param(
        "On 15 April, 21 rebels (including a defected officer; a battalion commander) were killed.",
        ["On 15 April, 21 rebels (including a defected officer; a battalion commander) were killed"],
        id="semicolon in parentheses",
    ),
    pytest.param(
        "The next day, six car bombs were detonated by the rebels: Four at checkpoints and two at the Khazanat Army base.",
        ["The next day, six car bombs were detonated by the rebels: Four at checkpoints and two at the Khazanat Army base"],
        id="colon does not split",
    ),
    pytest.param(
        "and the connection was lost with 25 rebels around Al-Hamedya camp It was also reported that the Hazzm Movement had received missiles.",
        ["and the connection was lost with 25 rebels around Al-Hamedya camp",
         "It was also reported that the Hazzm Movement had received missiles"],
        id="missing full stop",
    ),
    pytest.param(
        "In Dresden the river reached a record level of 9.40 metres on 17 August. Thousands of soldiers reinforced the dikes.",
        ["In Dresden the river reached a record level of 9.40 metres on 17 August", "Thousands of soldiers reinforced the dikes"],
        id="decimal number",
    ),
    pytest.param(
        "About c. 1,500 men crossed. 500 more followed on 3 May.",
        ["About c. 1,500 men crossed", "500 more followed on 3 May"],
        id="circa and a digit opening a sentence",
    ),
    pytest.param("Four rebels were killed on the 25th.", ["Four rebels were killed on the 25th"], id="one sentence"),
    pytest.param("The army withdrew. al-Nusra Front fighters then entered the town.",
                 ["The army withdrew", "al-Nusra Front fighters then entered the town"], id="lowercase al- opens a sentence"),
    pytest.param("Tanks, guns, etc. were captured.", ["Tanks, guns, etc. were captured"], id="etc. mid-sentence"),
    pytest.param(";;; ;", [], id="only semicolons"),
]


@pytest.mark.parametrize(("paragraph", "expected"), CASES)
def test_split_clauses(paragraph: str, expected: list[str]) -> None:
    assert split_clauses(paragraph) == expected


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        pytest.param("said Col. Afif", "Col.", True, id="Col."),
        pytest.param("Joseph K. F. Mansfield", "K.", True, id="initial K."),
        pytest.param("the rebels withdrew. The", "withdrew.", False, id="word"),
        pytest.param("fighting for ISIL. The", "ISIL.", False, id="acronym without dots"),
        pytest.param("the U.S. Army", "U.S.", True, id="U.S. Army"),
        pytest.param("by the U.S. The next day", "U.S.", False, id="U.S. then a sentence"),
    ],
)
def test_is_abbreviation(text: str, word: str, expected: bool) -> None:
    dot = text.index(word) + len(word) - 1  # the word's closing full stop
    assert is_abbreviation(text, dot) is expected


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        pytest.param(" The army advanced. ", "The army advanced", id="full stop"),
        pytest.param('The town had been "cleansed of terrorists".', 'The town had been "cleansed of terrorists"', id="quote"),
        pytest.param("What happened?", "What happened?", id="question mark kept"),
    ],
)
def test_clean_clause(clause: str, expected: str) -> None:
    assert clean_clause(clause) == expected


def test_split_sentences_keeps_everything() -> None:
    text = "On 4 April, four rebels were killed. It was also reported that Baboulin was captured. At least 18 soldiers died."
    assert " ".join(split_sentences(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(";" * 100_000, id="semicolons"),
        pytest.param("1" * 100_000, id="digits"),
        pytest.param('"' * 100_000, id="quotes"),
        pytest.param("(" * 100_000, id="brackets"),
        pytest.param("A. " * 30_000, id="initials"),
        pytest.param("camp It was " * 10_000, id="lost stops"),
    ],
)
def test_split_clauses_is_fast_on_pathological_input(text: str) -> None:
    start = time.perf_counter()
    split_clauses(text)
    assert time.perf_counter() - start < 2.0
