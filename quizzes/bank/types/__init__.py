"""Question types: one small strategy class per kind (CTFd's BaseChallenge, made plainer):
``base`` (the contract, errors, limits, shared checks), ``choice``, ``answers`` (true/false,
short answer, numerical), ``matching``, ``essay`` (essay, description).

This package is the contract between the question bank, the import/export formats and
the attempts. Each kind defines the shape of ``QuestionVersion.data``, the shape of a
cadre's response, how to grade it, and what the browser may see before review.

Data shapes (``QuestionVersion.data``), ids are short strings stable within a version
(``validate`` assigns "a", "b", ... / "p1", "p2", ... where they are missing):

    single / multiple:
        {"choices": [{"id": "a", "html": "...", "fraction": 1.0, "feedback": "..."}, ...],
         "shuffle": true,
         "all_or_nothing": false}          # multiple only: false = partial credit by weights
        fraction: share of the points this choice earns, in [-1, 1] (negative = penalty).
        single: at least one choice has 1.0 (others may be partial).
        multiple: the positive fractions sum to 1.0 (± 0.01; partial credit is taken relative
        to their exact sum, so 3 x 33.33% earns full marks); all-or-nothing: the choices with a
        positive fraction are the correct set.
    truefalse:
        {"answer": true, "feedback_true": "...", "feedback_false": "..."}
        feedback_true is shown to whoever answered "true", feedback_false to "false".
    shortanswer:
        {"answers": [{"text": "Hồ Chí Minh", "fraction": 1.0, "feedback": "..."}],
         "case_sensitive": false, "accent_insensitive": false}
        text is plain text (NFC, spaces collapsed); at least one answer has 1.0. Matching
        always ignores surrounding and repeated spaces. With "wildcards": true (Moodle's
        short answers, set by the Moodle importers), '*' in an answer matches any text and
        '\\*' is a star, and the first answer that matches counts, as Moodle grades it.
    numerical:
        {"answers": [{"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": "..."}]}
        a GIFT range {#1..5} is value 3, tolerance 2.
    matching:
        {"pairs": [{"id": "p1", "prompt": "...", "answer": "..."}], "shuffle": true}
        prompt and answer are HTML; a pair with an empty prompt is an extra wrong answer.
        The answer list is always shown shuffled; "shuffle" is kept for GIFT round trips.
    essay, description:
        {}

Response shapes (what an attempt stores for one question):

    single: {"choice": "a"}            multiple: {"choices": ["a", "c"]}
    truefalse: {"value": true}         shortanswer: {"text": "..."}
    numerical: {"value": "3,14"}       matching: {"pairs": {"p1": "p3", ...}}  (prompt id -> answer's pair id)
    essay: {"text": "..."}             description: {}

``grade`` returns a fraction in [0, 1] (negative totals clamp to 0); points = fraction x version.points.
``public`` returns {"kind": ..., ...}: single/multiple {"choices": [{"id", "html"}]}, matching
{"prompts": [{"id", "html"}], "answers": [{"id", "html"}]}, the others nothing more.
Texts in data are expected sanitized already (``quizzes.bank.services`` does it on save).
"""
from __future__ import annotations

from quizzes.bank.models import QuestionKind
from quizzes.bank.types.answers import Numerical, ShortAnswer, TrueFalse, answer_key
from quizzes.bank.types.base import (
    MAX_CHOICES,
    MAX_ESSAY_RESPONSE,
    MAX_HTML,
    MAX_TEXT_RESPONSE,
    InvalidQuestion,
    InvalidResponse,
    QuestionType,
    finite_float,
    format_number,
    parse_number,
)
from quizzes.bank.types.choice import MultipleChoice, SingleChoice
from quizzes.bank.types.essay import Description, Essay
from quizzes.bank.types.matching import Matching

__all__ = ["MAX_CHOICES", "MAX_ESSAY_RESPONSE", "MAX_HTML", "MAX_TEXT_RESPONSE", "TYPES", "Description", "Essay",
           "InvalidQuestion", "InvalidResponse", "Matching", "MultipleChoice", "Numerical", "QuestionType",
           "ShortAnswer", "SingleChoice", "TrueFalse", "answer_key", "finite_float", "format_number", "get_type",
           "parse_number"]

TYPES: dict[QuestionKind, QuestionType] = {
    cls.kind: cls() for cls in (SingleChoice, MultipleChoice, TrueFalse, ShortAnswer, Numerical, Matching,
                                Essay, Description)
}


def get_type(kind: QuestionKind | str) -> QuestionType:
    return TYPES[QuestionKind(kind)]
