"""Assessment operations (RULES §5–7), one module per sub-domain: entries from facts and by hand
(`entries`), objections (`objections`, KPI-11) and threshold decisions (`decisions`, KPI-08,
KPI-09, BEH-02, KPI-12). Every state change is audited."""

from assessment.services.common import (
    ASSESSORS,
    DECIDERS,
    MANUAL_RULES,
    assessment_policy,
)
from assessment.services.decisions import confirm_decision, evaluate_thresholds, reject_decision
from assessment.services.entries import (
    FACT_SOURCES,
    Fact,
    add_manual_entry,
    attendance_facts,
    breach_facts,
    confirm_entry,
    generate_entries,
)
from assessment.services.objections import decide_objection, file_objection, objection_deadline

__all__ = [
    "ASSESSORS",
    "DECIDERS",
    "FACT_SOURCES",
    "MANUAL_RULES",
    "Fact",
    "add_manual_entry",
    "assessment_policy",
    "attendance_facts",
    "breach_facts",
    "confirm_decision",
    "confirm_entry",
    "decide_objection",
    "evaluate_thresholds",
    "file_objection",
    "generate_entries",
    "objection_deadline",
    "reject_decision",
]
