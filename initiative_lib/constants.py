"""Constants of measurement shared by every module (one home for each)."""

from __future__ import annotations

#: rates are reported per this many tokens ("per 1,000 tokens")
PER = 1000
