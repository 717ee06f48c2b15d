"""The what-if replay run by the worker (core/jobs.py) for the operations manager's page, and
its result as an Excel workbook. The job reads only: the replay never touches the ledger."""

from datetime import date
from io import BytesIO
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from assessment.replay import VARIANTS, replay
from assessment.replay_policy import parse_policy
from assessment.services.common import DECIDERS
from core.jobs import job_progress, register_job_kind
from core.models import Job
from people.queries import people_for, role_of

KIND = "assessment.replay"


def register_replay_job() -> None:
    """Called by the app's ready() (and by the page's module, for the web process)."""
    register_job_kind(
        KIND,
        "assessment.replay_jobs.replay_job",
        label=gettext_lazy("What-if replay of the assessment"),
        result_template="assessment/_replay_result.html",
    )


def can_replay(user) -> bool:
    """The operations manager and HR (who confirm the threshold decisions) replay a month."""
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in DECIDERS


def replay_job(job: Job) -> dict[str, Any]:
    """params: first, last (YYYY-MM-01), policy ({"params", "disabled_rules"}). The people are
    those the starter may see, taken when the job runs."""
    user = get_user_model().objects.filter(pk=job.created_by_id).first()
    policy = parse_policy(job.params.get("policy") or {})
    person_ids = people_for(user).values_list("pk", flat=True) if user else []
    report = replay(
        date.fromisoformat(job.params["first"]),
        date.fromisoformat(job.params["last"]),
        policy=policy,
        person_ids=person_ids,
        on_progress=lambda done, total: job_progress(job, done, total),
    )
    return report.as_dict()


def variant_labels() -> dict[str, str]:
    return {
        "ledger": _("Ledger"),
        "current": _("Current policy"),
        "replay": _("Replayed policy"),
    }


def replay_workbook(result: dict[str, Any]) -> bytes:
    """Three sheets: per rule, per person and rule, thresholds per person and month."""
    labels = variant_labels()
    book = Workbook()
    bold = Font(bold=True)

    def sheet(ws, header, rows):
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"

    def figures(by_variant):
        cells = []
        for v in VARIANTS:
            f = by_variant[v]
            cells += [float(f["points"]), float(f["fine"]), f["count"]]
        return cells

    heads = []
    for v in VARIANTS:
        heads += [
            _("{variant}: points").format(variant=labels[v]),
            _("{variant}: fines (CNY)").format(variant=labels[v]),
            _("{variant}: entries").format(variant=labels[v]),
        ]
    diff_heads = [
        _("Difference against the current policy (CNY)"),
        _("Difference against the ledger (CNY)"),
    ]

    def diffs(by_variant):
        replayed = float(by_variant["replay"]["fine"])
        return [
            round(replayed - float(by_variant["current"]["fine"]), 2),
            round(replayed - float(by_variant["ledger"]["fine"]), 2),
        ]

    ws = book.active
    ws.title = _("Rules")[:31]
    sheet(
        ws,
        [_("Rule"), *heads, *diff_heads],
        [
            [rule, *figures(row), *diffs(row)]
            for rule, row in [*result["rules"].items(), (_("Total"), result["totals"])]
        ],
    )
    sheet(
        book.create_sheet(_("People")[:31]),
        [_("Staff no."), _("Name"), _("Unit"), _("Rule"), *heads, *diff_heads],
        [
            [p["staff_no"], p["name"], p["unit"], rule, *figures(row), *diffs(row)]
            for p in result["people"]
            for rule, row in [*p["rules"].items(), (_("Total"), p["totals"])]
        ],
    )
    threshold_rows = []
    for p in result["people"]:
        seen: dict[tuple[str, str], dict[str, str]] = {}
        for v in VARIANTS:
            for c in p["thresholds"][v]:
                seen.setdefault((c["month"], c["rule"]), {})[v] = c["basis"]
        for (month, rule), bases in sorted(seen.items()):
            threshold_rows.append(
                [p["staff_no"], p["name"], month, rule]
                + [_("yes") if v in bases else _("no") for v in VARIANTS]
                + [bases.get("replay") or bases.get("current") or bases.get("ledger")]
            )
    sheet(
        book.create_sheet(_("Thresholds")[:31]),
        [
            _("Staff no."),
            _("Name"),
            _("Month"),
            _("Rule"),
            *(labels[v] for v in VARIANTS),
            _("Basis"),
        ],
        threshold_rows,
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
