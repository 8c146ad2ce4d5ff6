"""Letters from the log: Bescheide and reminders as PDF/A, each made from one event and verifiable against it.

``facts`` turns the event a letter is made from (and what the read models and the composition root know
about the grant, the addressee and the office) into plain values; ``render`` fills the Jinja2 templates
(the office's own folder first, then the shipped defaults in ``templates/``) and prints the HTML to
PDF/A with WeasyPrint. The footer of every page names the log position and SHA-256 of the source event
and the letter's short verification code.
"""

from exports.letters.facts import (
    KINDS,
    Addressee,
    GrantBasics,
    LetterFacts,
    Office,
    Source,
    letter_facts,
    verification_code,
)
from exports.letters.render import LetterRenderer

__all__ = [
    "KINDS",
    "Addressee",
    "GrantBasics",
    "LetterFacts",
    "LetterRenderer",
    "Office",
    "Source",
    "letter_facts",
    "verification_code",
]
