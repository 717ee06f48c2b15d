"""What each rule an entry cites says (RULES.md), so the assessed person reads why, not a code."""

from django.utils.translation import gettext_lazy as _

RULE_TEXTS = {
    "ATT-04": _("Late arrivals: from the 4th in a month 20 CNY each; over 60 min is an absence"),
    "ATT-05": _("Cumulative late minutes in the month: fined by band"),
    "ATT-06": _("Early leave: 20 CNY each; 60 min in a month is a day of absence"),
    "WO-05": _("Escalation chain: customer not contacted in time, everyone in the chain is fined"),
    "KPI-01": _("Install not done within 2 days of dispatch or the agreed time"),
    "KPI-02": _("Customer not contacted, or site not reached, within the set time"),
    "KPI-03": _("Unsolved repair not escalated to technical support in time"),
    "KPI-04": _("Renewal visit not made in time, leading to a complaint"),
    "KPI-05": _("Install visit without full tools, work badge or tidy dress"),
    "KPI-06": _("Customer complaint verified as the employee's fault"),
    "KPI-07": _("Each point deducted costs 100 CNY"),
    "KPI-08": _("2 or more points deducted in one month: automatic separation"),
    "KPI-09": _("3 or more points deducted within 3 months: automatic separation"),
    "KPI-12": _("A vendor engineer breaking client rules more than 3 times is replaced"),
    "BEH-01": _("Behaviour violation learned in a callback"),
    "BEH-02": _("More than 3 behaviour violations in one month: dismissal"),
    "BEH-03": _("Group leaders and above keep their phone on 24 h"),
}


def rule_text(rule_id: str) -> str:
    return str(RULE_TEXTS.get(rule_id, ""))
