"""Units in the order people count them: A-101, A-102 … A-1001, never A-1001 before A-101.

A plain string sort puts "A-1001" before "A-101"; natsort splits the digits out as numbers
and is the maintained package for exactly this, rather than a hand-made regular expression.
"""

from __future__ import annotations

from natsort import natsort_keygen, ns

__all__ = ["unit_order"]

# Case-insensitive, so "a-12" and "A-12" sit together as staff type them either way.
unit_order = natsort_keygen(alg=ns.IGNORECASE)
