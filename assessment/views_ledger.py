"""Assessment pages (KPI-11): the engineer's month on his phone with an objection per entry, the
ledger of the assessment group, entry detail, objections inbox, findings by hand and the threshold
decisions (KPI-08/09, BEH-02, KPI-12). Thin: parse, call one query or service, render."""

import mimetypes
from datetime import timedelta
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import queries
from assessment.evidence import evidence_for
from assessment.forms import ManualEntryForm, ObjectionForm, parse_month
from assessment.labels import rule_text
from assessment.models import Decision, Entry, Objection
from assessment.services import (
    add_manual_entry,
    confirm_decision,
    confirm_entry,
    decide_objection,
    file_objection,
    reject_decision,
)
from assessment.services.common import HAND_RULES, assessment_policy, check_finding
from assessment.services.objections import objection_open
from attendance.exports import notice_label
from core import clock
from core.errors import DomainError
from core.models import AuditEntry
from core.policy import PolicyBook
from people.models import OrgUnit
from people.queries import access_person, people_for, person_of, units_for


def _add_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _require(allowed: bool) -> None:
    """Pages of the assessment group: anyone else gets 404, like anything outside his scope."""
    if not allowed:
        raise Http404


def _rows(entries):
    return [
        {"entry": e, "evidence": evidence_for(e), "rule_text": rule_text(e.rule_id)}
        for e in entries
    ]


# --- the assessed person's month (KPI-11) ---------------------------------------------------------


@login_required
def my_month(request):
    """The month of the logged-in person (`?month=YYYY-MM`); the assessment group may look at
    someone in his scope with `?person=<pk>`."""
    month = parse_month(request.GET.get("month")) or clock.today().replace(day=1)
    if request.GET.get("person"):
        try:
            person = access_person(request.user, int(request.GET["person"]))
        except ValueError:
            raise Http404 from None
    else:
        person = person_of(request.user)
        if person is None:
            raise Http404
    view = queries.person_month(person, month, viewer=request.user)
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    rows = [
        {
            "row": row,
            "entry": row.entry,
            "evidence": evidence_for(row.entry),
            "rule_text": rule_text(row.entry.rule_id),
        }
        for row in view.rows
    ]
    return render(
        request,
        "assessment/my_month.html",
        {
            "view": view,
            "rows": rows,
            "notice": notice_label(view.notice_level),
            "previous": previous,
            "following": following,
            "is_self": person_of(request.user) == person,
        },
    )


@login_required
def object_entry(request, pk: int):
    """KPI-11: the assessed person objects to one of his entries with text and attachments."""
    entry = queries.access_entry(request.user, pk)
    me = person_of(request.user)
    if me is None or me.pk != entry.person_id:
        raise Http404
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            file_objection(
                entry,
                by=request.user,
                text=form.cleaned_data["text"],
                attachments=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Your objection is filed; the assessment group decides."))
            return redirect(f"{reverse('assessment:me')}?month={entry.month:%Y-%m}")
    return render(
        request,
        "assessment/object_form.html",
        {
            "entry": entry,
            "form": form,
            "rule_text": rule_text(entry.rule_id),
            "evidence": evidence_for(entry),
        },
    )


@login_required
def attachment(request, pk: int):
    """An objection's file, only for those who see the entry."""
    found = queries.access_attachment(request.user, pk)
    name = Path(found.file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.name or name,
        content_type=content_type,
    )


# --- the ledger of the assessment group ----------------------------------------------------------


@login_required
def ledger(request):
    """Entries the user may see, by month, station, rule, state and person (engineers: their
    own only)."""
    month = parse_month(request.GET.get("month"))
    unit = None
    if request.GET.get("station", "").isdigit():
        unit = units_for(request.user).filter(pk=int(request.GET["station"])).first()
    person_id = int(request.GET["person"]) if request.GET.get("person", "").isdigit() else None
    rule_id = request.GET.get("rule", "").strip().upper()[:10]
    state = request.GET.get("state", "")
    state = state if state in Entry.State.values else ""
    entries = queries.filter_entries(
        queries.entries_for(request.user),
        month=month,
        unit=unit,
        rule_id=rule_id,
        state=state,
        person_id=person_id,
    )
    totals = entries.exclude(state=Entry.State.WITHDRAWN).aggregate(
        points=Sum("points"), fine=Sum("fine"), count=Count("pk")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/ledger.html",
        {
            "page": page,
            "rows": _rows(page.object_list),
            "totals": totals,
            "filters": {
                "month": f"{month:%Y-%m}" if month else "",
                "station": unit.pk if unit else "",
                "rule": rule_id,
                "state": state,
                "person": person_id or "",
            },
            "stations": units_for(request.user).filter(kind=OrgUnit.Kind.STATION),
            "people": people_for(request.user).order_by("name"),
            "states": Entry.State.choices,
            "rules": sorted(
                set(queries.entries_for(request.user).values_list("rule_id", flat=True))
            ),
            "is_assessor": queries.is_assessor(request.user),
        },
    )


@login_required
def entry_detail(request, pk: int):
    entry = queries.access_entry(request.user, pk)
    me = person_of(request.user)
    objections = entry.objections.select_related("filed_by", "decided_by").prefetch_related(
        "attachments"
    )
    return render(
        request,
        "assessment/entry_detail.html",
        {
            "entry": entry,
            "rule_text": rule_text(entry.rule_id),
            "evidence": evidence_for(entry),
            "objections": objections,
            "decisions": entry.decisions.all(),
            "history": AuditEntry.objects.filter(
                object_type="assessment.entry", object_id=str(entry.pk)
            ).order_by("at", "pk"),
            "can_confirm": queries.is_assessor(request.user)
            and entry.state == Entry.State.PROPOSED,
            "is_self": me is not None and me.pk == entry.person_id,
            "can_object": me is not None
            and me.pk == entry.person_id
            and objection_open(entry, assessment_policy(PolicyBook(), entry.person, entry.month)),
        },
    )


@login_required
@require_POST
def confirm(request, pk: int):
    entry = queries.access_entry(request.user, pk)
    try:
        confirm_entry(entry, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Entry confirmed."))
    return redirect("assessment:entry", pk=entry.pk)


# --- objections (KPI-11) --------------------------------------------------------------------------


@login_required
def objections(request):
    """The assessment group's inbox: open objections first, then the latest decided."""
    _require(queries.is_assessor(request.user))
    found = queries.objections_for(request.user)
    return render(
        request,
        "assessment/objections.html",
        {
            "open": [_objection_row(o) for o in found.filter(decision="")],
            "decided": [_objection_row(o) for o in found.exclude(decision="")[:30]],
        },
    )


def _objection_row(objection: Objection) -> dict:
    return {
        "objection": objection,
        "entry": objection.entry,
        "evidence": evidence_for(objection.entry),
        "rule_text": rule_text(objection.entry.rule_id),
    }


@login_required
@require_POST
def decide(request, pk: int):
    """Uphold (`outcome=uphold`) or withdraw (`outcome=withdraw`) the entry, with a reason."""
    _require(queries.is_assessor(request.user))
    objection = queries.access_objection(request.user, pk)
    outcome = request.POST.get("outcome")
    if outcome not in {"uphold", "withdraw"}:
        messages.error(request, _("Uphold or withdraw the entry."))
        return redirect("assessment:objections")
    try:
        decide_objection(
            objection,
            by=request.user,
            upheld=outcome == "uphold",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Entry upheld.") if outcome == "uphold" else _("Entry withdrawn.")
        )
    return redirect("assessment:objections")


# --- findings by hand (KPI-05, BEH-03) ------------------------------------------------------------


@login_required
def manual(request):
    _require(queries.is_assessor(request.user))
    people = people_for(request.user).filter(active=True).order_by("name")
    initial = {"month": f"{clock.today():%Y-%m}"}
    if request.GET.get("person", "").isdigit():
        initial["person"] = int(request.GET["person"])
    form = ManualEntryForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            check_finding(form.cleaned_data["person"], form.cleaned_data["rule_id"])
            entry = add_manual_entry(
                form.cleaned_data["person"],
                month=form.cleaned_data["month"],
                rule_id=form.cleaned_data["rule_id"],
                by=request.user,
                evidence_text=form.cleaned_data["evidence_text"],
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Finding recorded."))
            return redirect("assessment:entry", pk=entry.pk)
    return render(
        request,
        "assessment/manual_form.html",
        {"form": form, "rules": [(r, rule_text(r)) for r in HAND_RULES]},
    )


# --- threshold decisions (KPI-08, KPI-09, BEH-02, KPI-12) ----------------------------------------


@login_required
def decisions(request):
    _require(queries.is_assessor(request.user))
    state = request.GET.get("state", Decision.State.PROPOSED)
    found = queries.decisions_for(request.user).prefetch_related("entries")
    if state in Decision.State.values:
        found = found.filter(state=state)
    else:
        state = ""
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/decisions.html",
        {
            "page": page,
            "rows": [{"decision": d, "rule_text": rule_text(d.rule_id)} for d in page],
            "state": state,
            "states": Decision.State.choices,
            "can_decide": queries.is_decider(request.user),
        },
    )


@login_required
@require_POST
def decide_decision(request, pk: int):
    """HR or the operations manager confirms or rejects (with a reason) a proposed decision."""
    _require(queries.is_assessor(request.user))
    decision = queries.access_decision(request.user, pk)
    action = request.POST.get("action")
    note = request.POST.get("note", "")
    try:
        if action == "confirm":
            confirm_decision(decision, by=request.user, note=note.strip())
            messages.success(request, _("Decision confirmed; the people concerned are notified."))
        elif action == "reject":
            reject_decision(decision, by=request.user, note=note)
            messages.success(request, _("Decision rejected."))
        else:
            messages.error(request, _("Confirm or reject the decision."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:decisions")
