"""Errors raised by the domain rules.

A rule error carries a message meant for the citizen or the officer, in
Vietnamese, saying what is wrong and what to do. Callers show ``.message``
as-is next to the field; ``.code`` is a short, stable, machine-readable reason
so that callers and tests need not compare message texts.
"""

from __future__ import annotations


class RuleError(ValueError):
    """A value broke a domain rule; ``message`` is user-facing Vietnamese text."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __repr__(self) -> str:
        return f"RuleError({self.message!r}, code={self.code!r})"
