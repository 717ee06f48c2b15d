"""Setting up inspections: checklists built on a page (INS-09) and plans with their completion
(INS-01, INS-03..06). The operations manager edits; everyone else in scope reads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.errors import DomainError, ValidationErrors
from inspections import rules, services
from inspections.forms import ChecklistForm, ItemForm, PlanForm
from inspections.models import ChecklistItem, ChecklistTemplate
from inspections.queries import (
    can_edit_checklists,
    checklists_for,
    completion_by_person,
    completion_by_plan,
    missed_by_person,
    plans_for,
    tickets_for,
)
from people.queries import people_for, person_of
from people.roles import Role

ENGINEERS_SHOWN = 200  # the per-engineer table of the plans page; the API and KPI-10 see all


def _editor(request):
    if not can_edit_checklists(request.user):
        raise Http404
    return person_of(request.user) or request.user


def _errors_into(form, exc: DomainError) -> None:
    errors = exc.errors if isinstance(exc, ValidationErrors) else {exc.field or "": exc.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


@login_required
def checklists(request):
    form = ChecklistForm(request.POST or None)
    if request.method == "POST":
        by = _editor(request)
        if form.is_valid():
            try:
                template = services.create_checklist(
                    by=by,
                    name=form.cleaned_data["name"],
                    asset_kind=form.cleaned_data["asset_kind"],
                    client=form.cleaned_data["client"],
                )
            except DomainError as exc:
                _errors_into(form, exc)
            else:
                return redirect("inspections:checklist", pk=template.pk)
    templates = checklists_for(request.user).order_by("asset_kind", "client_id", "-version")
    return render(
        request,
        "inspections/checklists.html",
        {"templates": templates, "form": form, "can_edit": can_edit_checklists(request.user)},
    )


def _checklist(request, pk: int) -> ChecklistTemplate:
    template = checklists_for(request.user).filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


@login_required
def checklist(request, pk: int):
    """A checklist with its items; a draft is edited here: add, remove, reorder, publish."""
    template = _checklist(request, pk)
    can_edit = can_edit_checklists(request.user)
    form = ItemForm(request.POST or None)
    if request.method == "POST":
        by = _editor(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_item(
                    template,
                    by=by,
                    label=data["label"],
                    kind=data["kind"],
                    required=data["required"],
                    min_value=data["min_value"],
                    max_value=data["max_value"],
                    unit_label=data["unit_label"],
                    rule_id=data["rule_id"],
                )
            except DomainError as exc:
                _errors_into(form, exc)
            else:
                return redirect("inspections:checklist", pk=template.pk)
    return render(
        request,
        "inspections/checklist.html",
        {
            "template": template,
            "items": template.items.order_by("position", "pk"),
            "form": form,
            "can_edit": can_edit,
            "editable": can_edit and template.status == ChecklistTemplate.Status.DRAFT,
            "ticket_count": template.tickets.count(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def checklist_action(request, pk: int):
    """Publish a draft, start a new version, or remove/move an item."""
    template = _checklist(request, pk)
    by = _editor(request)
    action = request.POST.get("action", "")
    target = template
    try:
        if action == "publish":
            services.publish_checklist(template, by=by)
            messages.success(request, _("Checklist published."))
        elif action == "new_version":
            target = services.new_version(template, by=by)
        elif action in ("remove", "up", "down"):
            item = ChecklistItem.objects.filter(
                template=template, pk=request.POST.get("item") or 0
            ).first()
            if item is None:
                raise Http404
            if action == "remove":
                services.remove_item(item, by=by)
            else:
                services.move_item(item, by=by, up=action == "up")
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("inspections:checklist", pk=target.pk)


@login_required
def plans(request):
    """Plans with this month's completion (done / planned, KPI-10 input); the operations manager
    adds a plan (an impossible recurrence is refused) or generates tickets now."""
    form = PlanForm(request.POST or None)
    if request.method == "POST":
        by = _editor(request)
        if form.is_valid():
            try:
                services.save_plan(form.save(commit=False), by=by)
            except DomainError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("Plan saved."))
                return redirect("inspections:plans")
    today = clock.today()
    first, last = clock.month_bounds(today)
    completion = completion_by_plan(first, last, tickets_for(request.user))
    rows = []
    for plan in plans_for(request.user):
        done, planned = completion.get(plan.pk, (0, 0))
        rows.append(
            {
                "plan": plan,
                "per_period": services.per_period_of(plan, today),
                "done": done,
                "planned": planned,
                "rate": rules.completion_rate(done, planned),
            }
        )
    special = completion.get(None, (0, 0))
    engineers = list(
        people_for(request.user)
        .filter(active=True, role__in=[Role.ENGINEER, Role.GROUP_LEADER])
        .order_by("unit__path", "name")[:ENGINEERS_SHOWN]
    )
    ids = [p.pk for p in engineers]
    by_person = completion_by_person(ids, first, last)
    late = missed_by_person(ids, first, last, today=today)
    people_rows = [
        {
            "person": p,
            "done": by_person[p.pk][0],
            "planned": by_person[p.pk][1],
            "missed": late[p.pk],
            "rate": rules.completion_rate(*by_person[p.pk]),
        }
        for p in engineers
        if by_person[p.pk][1]
    ]
    return render(
        request,
        "inspections/plans.html",
        {
            "rows": rows,
            "special": special,
            "people_rows": people_rows,
            "form": form,
            "can_edit": can_edit_checklists(request.user),
            "month": first,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def plans_generate(request):
    _editor(request)
    today = clock.today()
    count = services.generate_upcoming(today)
    messages.success(request, _("{count} tickets generated.").format(count=count))
    return redirect("inspections:plans")
