"""The what-if replay page for the operations manager and HR (issue 5 item 7): choose a month or
range, change numbers or upload a policy file, leave rules out; the worker replays it with
visible progress (core/jobs.py) and the result shows per rule and person what would differ,
who would cross a threshold and the fines in total, downloadable as Excel."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessment.replay import months_between
from assessment.replay_jobs import KIND, can_replay, replay_workbook
from assessment.replay_policy import (
    DISABLEABLE_RULES,
    REPLAY_PARAMS,
    RULE_TITLES,
    load_policy_file,
    parse_policy,
)
from core import clock
from core.errors import ValidationErrors
from core.jobs import access_job, jobs_for, start_job
from core.policy import policy_for
from core.policy_params import BY_KEY

MAX_MONTHS = 12
PEOPLE_SHOWN = 500


def _require(user) -> None:
    if not can_replay(user):
        raise Http404


def _month(text: str, field: str, errors: dict[str, str]) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        year, month = (int(part) for part in text.split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        errors[field] = _("Give a month as YYYY-MM.")
        return None


def _param_rows(values: dict[str, str], errors: dict[str, str]) -> list[dict]:
    policy = policy_for(None, on=clock.today())
    return [
        {
            "spec": BY_KEY[key],
            "name": f"p-{key}",
            "value": values.get(key, ""),
            "current": policy.raw(key),
            "error": errors.get(key, ""),
        }
        for key in REPLAY_PARAMS
    ]


@login_required
def replay_page(request):
    _require(request.user)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    disabled: list[str] = []
    today = clock.today()
    last_month = (today.replace(day=1) - date.resolution).replace(day=1)
    month_text, to_text = f"{last_month:%Y-%m}", ""
    if request.method == "POST":
        month_text = request.POST.get("month", "")
        to_text = request.POST.get("to", "")
        first = _month(month_text, "month", errors)
        if first is None and "month" not in errors:
            errors["month"] = _("Choose the month to replay.")
        last = _month(to_text, "to", errors) or first
        if first and last:
            count = len(months_between(first, last))
            if not count:
                errors["to"] = _("The last month is before the first.")
            elif count > MAX_MONTHS:
                errors["to"] = _("Replay at most {n} months at once.").format(n=MAX_MONTHS)
            elif last > today.replace(day=1):
                errors["to"] = _("Only past months and this month can be replayed.")
        data: dict = {"params": {}, "disabled_rules": []}
        upload = request.FILES.get("policy_file")
        if upload is not None:
            if upload.size > 64 * 1024:
                errors["file"] = _("The policy file is too large (at most 64 KB).")
            else:
                try:
                    from_file = load_policy_file(upload.read(), upload.name)
                except ValidationErrors as exc:
                    errors.update(exc.errors)
                else:
                    data = from_file.as_dict()
        for key in REPLAY_PARAMS:
            raw = request.POST.get(f"p-{key}", "").strip()
            if raw:
                values[key] = raw
                data["params"][key] = raw  # a number typed on the page wins over the file
        disabled = request.POST.getlist("disabled")
        data["disabled_rules"] = sorted(set(data["disabled_rules"]) | set(disabled))
        try:
            policy = parse_policy(data)
        except ValidationErrors as exc:
            errors.update(exc.errors)
        if not errors:
            job = start_job(
                KIND,
                {"first": first.isoformat(), "last": last.isoformat(), "policy": policy.as_dict()},
                by=request.user,
            )
            return redirect("job", job.pk)
    context = {
        "errors": errors,
        "month": month_text,
        "to": to_text,
        "rows": _param_rows(values, errors),
        "rules": [(rule, RULE_TITLES[rule], rule in disabled) for rule in DISABLEABLE_RULES],
        "recent": jobs_for(request.user).filter(kind=KIND).defer("result")[:10],
    }
    return render(request, "assessment/replay.html", context, status=400 if errors else 200)


def _done_job(user, job_id: int):
    _require(user)
    job = access_job(user, job_id)
    if job.kind != KIND:
        raise Http404
    return job


@login_required
def replay_result(request, job_id: int):
    job = _done_job(request.user, job_id)
    if job.status != job.Status.DONE:
        return redirect("job", job.pk)
    result = job.result
    differing = [p for p in result["people"] if p["differs"]]
    return render(
        request,
        "assessment/replay_result.html",
        {
            "job": job,
            "result": result,
            "people": differing[:PEOPLE_SHOWN],
            "people_differing": len(differing),
            "people_shown": min(len(differing), PEOPLE_SHOWN),
        },
    )


@login_required
def replay_excel(request, job_id: int):
    job = _done_job(request.user, job_id)
    if job.status != job.Status.DONE:
        raise Http404
    response = HttpResponse(
        replay_workbook(job.result),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"replay-{job.result['first']}-{job.result['last']}-{job.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
