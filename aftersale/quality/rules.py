"""The quality app's fixed parameters, in one place (the playbook has no survey section)."""

from __future__ import annotations

from datetime import timedelta

# A survey score at or below this opens a follow-up (回访) for the team lead.
LOW_SCORE = 2
# The team lead calls back within this time.
FOLLOW_UP_WITHIN = timedelta(hours=24)
# An unanswered survey is reminded once, this long after it was sent.
REMIND_AFTER = timedelta(hours=48)
# Scores counted as satisfied in CSAT.
SATISFIED_SCORES = (4, 5)
# SLA attainment: a case counts as on time when closed within this long of its creation.
SLA_CLOSE_WITHIN = timedelta(hours=24)
SLA_TARGET = 0.95
CSAT_TARGET = 0.85
