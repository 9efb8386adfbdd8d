"""The names the site and the brochure give to statuses, formats and kinds of link.

Defined once, marked for extraction (`sitegen catalogs`) and translated where shown:
both Jinja2 environments get `label(kind, key)` (outputs/html.py, outputs/brochure.py).
"""

from __future__ import annotations

from typing import Callable


def N_(message: str) -> str:
    """Marks a string for `sitegen catalogs` to extract; it is translated where shown."""
    return message


FORMAT_NAMES = {"in-person": N_("In person"), "online": N_("Online"), "hybrid": N_("Hybrid")}
"""Names of model.FORMATS, in the order the format filter offers them."""

FORMAT_DESCRIPTIONS = {"in-person": N_("In person"), "online": N_("Online"),
                       "hybrid": N_("Hybrid (in person and online)")}
"""How an item's page says how to take part."""

STATUS_NAMES = {"cancelled": N_("Cancelled"), "postponed": N_("Postponed"), "tentative": N_("Tentative")}
"""Badges of model.STATUSES; a confirmed item has none."""

LINK_NAMES = {"website": N_("Official website"), "registration": N_("Registration"),
              "contact": N_("Contact"), "document": N_("Document")}
"""Names of model.LINK_KINDS."""

_LABELS = {"format": FORMAT_NAMES, "format-description": FORMAT_DESCRIPTIONS, "status": STATUS_NAMES,
           "link": LINK_NAMES}


def labeller(gettext: Callable[[str], str]) -> Callable[[str, str], str]:
    """`label(kind, key)` in one language, for a Jinja2 environment: an unknown key is an error."""
    def label(kind: str, key: str) -> str:
        return gettext(_LABELS[kind][key])
    return label
