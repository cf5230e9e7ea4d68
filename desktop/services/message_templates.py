"""Message templates: the placeholders they may use, checking them, and filling them in."""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

PLACEHOLDERS: dict[str, str] = {
    "customer_name": "The customer's name",
    "ticket_number": "The ticket number, e.g. T-A-10042",
    "device": "The device, e.g. Samsung Galaxy S24",
    "amount_due": "What the customer owes, in the shop currency",
    "shop_name": "The shop's name",
    "shop_phone": "The shop's phone number",
    "status": "The ticket's new status",
}

MAX_SUBJECT = 300
MAX_EMAIL_BODY = 10_000
MAX_SMS_BODY = 1_000


def template_problem(text: str) -> str | None:
    """Why ``text`` is not a usable template, or None when it is.

    Only the known placeholders are allowed, written plainly as ``{name}``; literal braces
    are written twice (``{{``).
    """
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        return "A { or } is not closed. Write {{ or }} for a brace in the text."
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            shown = "{" + field + "}"
            return f"Unknown placeholder {shown}. Use one of: {placeholder_list()}."
        if spec or conversion:
            return f"Write the placeholder as {{{field}}}, without anything after its name."
    return None


def placeholder_list() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its placeholders filled in.

    Never raises: a template that slipped past the check (say, synced from an older
    version) keeps the unknown part as written rather than failing at send time.
    """
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        return text
    out: list[str] = []
    for literal, field, spec, conversion in parts:
        out.append(literal)
        if field is None:
            continue
        if field in values and not spec and not conversion:
            out.append(values[field])
        else:
            suffix = (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            out.append("{" + field + suffix + "}")
    return "".join(out)
