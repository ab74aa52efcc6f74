"""Personal data out before anything else: shaped data by patterns, person names by a learned word model.

Everything that enters the system as free text passes ``get_redactor().redact`` before it is stored,
logged, sent to a language model or shown (see docs/privacy.md).
"""
from .patterns import SERVICE_NUMBERS, bsn_valid, iban_valid
from .redactor import KINDS, Redaction, Redactor, get_redactor
from .spans import Span

__all__ = ["KINDS", "Redaction", "Redactor", "Span", "SERVICE_NUMBERS", "bsn_valid", "get_redactor", "iban_valid"]
