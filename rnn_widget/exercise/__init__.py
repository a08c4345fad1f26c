"""Homework (issue 7): an `RNNWidget` with blanks, checked in Python, with hints and a score.

``make("tom_yeh", blanks=["h2", "y2", "h3"])`` (or ``Exercise.from_preset``) opens an exercise;
``Exercise(network, inputs, blanks=...)`` makes one of any network. Blank names are described in
`names` and docs/protocol.md ("Exercises"). The page never gets an open blank's value (`redact`),
hints are computed from the model (`hints`), variants are drawn per student (`variants`).
"""

from __future__ import annotations

from .answers_file import ANSWERS_FILE
from .exercise import AUTO, Exercise
from .names import Location, Names
from .slots import DEFAULT_ATTEMPTS, DEFAULT_TOLERANCE, AnswerError, AnswersHidden
from .variants import hand_friendly, user_seed, variant


def make(preset, blanks, **options) -> Exercise:
    """An exercise on a preset (name or `Preset`): ``make("tom_yeh", blanks=["h2", "y2", "h3"])``.
    Options as `Exercise`: tolerance, attempts, hide_downstream, follow_through, seed, answers_file."""
    return Exercise.from_preset(preset, blanks=blanks, **options)


def answer_key(preset, blanks, seed=AUTO, **options) -> dict:
    """The teacher's key for one student: ``answer_key("tom_yeh", ["h2"], seed="alice")`` gives
    {slot: value} of the variant that student with user name "alice" gets."""
    # the key is the teacher's: no answers file is read or written
    ex = make(preset, blanks, seed=seed, **{**options, "answers_file": None})
    try:
        return ex.reveal_answers()
    finally:
        ex.close()


__all__ = [
    "Exercise",
    "make",
    "answer_key",
    "AnswerError",
    "AnswersHidden",
    "Location",
    "Names",
    "variant",
    "user_seed",
    "hand_friendly",
    "AUTO",
    "ANSWERS_FILE",
    "DEFAULT_ATTEMPTS",
    "DEFAULT_TOLERANCE",
]
