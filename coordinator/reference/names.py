"""The committees' English names as catalog messages, so each language translates them.

`Committee.name_en` keeps the English name from committees.csv; pages, mails and feeds
show `present.committee_name`, which looks that name up in the reader's catalog. Marking
the names here puts them in the extraction (N_ is a keyword of `make translations`).
A test checks this list against committees.csv.
"""

from __future__ import annotations

from coordinator.cadence.errors import N_

COMMITTEE_NAMES: tuple[str, ...] = (
    N_("Integration and Support for Host Communities"),
    N_("Temporary Protection and Regularization"),
    N_("International Financing for Migrant-Hosting Countries"),
    N_("Combatting Xenophobia"),
    N_("Labor Mobility"),
    N_("Investing in Asylum"),
    N_("Refugee Resettlement"),
    N_("Family Reunification and Alternative Migration Pathways"),
    N_("Humane Border Management (name unconfirmed)"),
    N_("Countering Migrant Smuggling (name unconfirmed)"),
    N_("Countering Human Trafficking (name unconfirmed)"),
)
