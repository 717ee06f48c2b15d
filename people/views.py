"""Pages for people, organisation and customers; login with rate limiting."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from core.ratelimit import clear_failed_logins, client_ip, login_blocked, record_failed_login
from people.forms import LoginForm, NewPersonForm, PeopleFilterForm, PersonForm
from people.models import Person
from people.queries import (
    access_person,
    can_edit_person,
    companies_for,
    customer_phone_for,
    customers_for,
    people_for,
    person_of,
    teams_for,
    units_for,
)
from people.roles import PEOPLE_EDITORS
from people.services import M2M_FIELDS, create_person, update_person


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if login_blocked(username, client_ip(request)):
            form = self.get_form()
            form.errors.clear()
            return self.render_to_response(
                self.get_context_data(
                    form=form, blocked=_("Too many failed attempts. Try again in a few minutes.")
                ),
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        if username and self.request.POST.get("password"):
            record_failed_login(username, client_ip(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        clear_failed_logins(self.request.POST.get("username", ""), client_ip(self.request))
        response = super().form_valid(form)
        audit.record(form.get_user(), "auth.login", by=form.get_user(), ip=client_ip(self.request))
        return response


@login_required
def people_list(request):
    form = PeopleFilterForm(request.GET or None, user=request.user)
    people = people_for(request.user).order_by("staff_no")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            people = people.filter(
                Q(name__icontains=q) | Q(staff_no__icontains=q) | Q(phone__contains=q)
            )
        if data["unit"]:
            people = people.filter(unit__path__startswith=data["unit"].path)
        if data["team"]:
            people = people.filter(team=data["team"])
        if data["role"]:
            people = people.filter(role=data["role"])
        if data["employment_type"]:
            people = people.filter(employment_type=data["employment_type"])
        if data["active"] in {"0", "1"}:
            people = people.filter(active=data["active"] == "1")
    else:
        people = people.filter(active=True)
    page = Paginator(people, 25).get_page(request.GET.get("page"))
    me = person_of(request.user)
    can_create = request.user.is_superuser or (me is not None and me.role in PEOPLE_EDITORS)
    template = (
        "people/_people_rows.html"
        if request.headers.get("HX-Request")
        else "people/people_list.html"
    )
    return render(request, template, {"form": form, "page": page, "can_create": can_create})


@login_required
def person_detail(request, pk: int):
    person = access_person(request.user, pk)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "can_edit": can_edit_person(request.user, person),
            "skills": person.skills.all(),
            "zones": person.zones.all(),
        },
    )


def _form_changes(form) -> dict:
    return {
        name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data
    }


@login_required
def person_edit(request, pk: int):
    person = access_person(request.user, pk)
    if not can_edit_person(request.user, person):
        raise Http404
    form = PersonForm(
        request.POST or None, instance=Person.objects.get(pk=person.pk), editor=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_person(person, by=request.user, changes=_form_changes(form))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@login_required
def person_create(request):
    me = person_of(request.user)
    if not (request.user.is_superuser or (me is not None and me.role in PEOPLE_EDITORS)):
        raise Http404
    form = NewPersonForm(request.POST or None, editor=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k not in {"username", "password"}}
        fields = {k: v for k, v in fields.items() if k in M2M_FIELDS or v not in (None, "")} | {
            "active": form.cleaned_data["active"]
        }
        try:
            person = create_person(
                by=request.user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                fields=fields,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Person created."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@login_required
def org_page(request):
    units = list(units_for(request.user).order_by("path"))
    visible = {u.pk for u in units}
    counts = {}
    for unit_id in people_for(request.user).filter(active=True).values_list("unit_id", flat=True):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    rows = []
    for unit in units:
        parent_visible = unit.parent_id in visible
        rows.append(
            {
                "unit": unit,
                "indent": unit.depth if parent_visible or unit.parent_id is None else 0,
                "people": counts.get(unit.pk, 0),
            }
        )
    return render(
        request,
        "people/org.html",
        {
            "rows": rows,
            "teams": teams_for(request.user),
            "companies": companies_for(request.user),
        },
    )


@login_required
def customers_list(request):
    customers = customers_for(request.user).order_by("account_no")
    q = request.GET.get("q", "").strip()
    if q:
        customers = customers.filter(
            Q(name__icontains=q) | Q(account_no__icontains=q) | Q(address__icontains=q)
        )
    page = Paginator(customers, 25).get_page(request.GET.get("page"))
    for customer in page:
        customer.shown_phone = customer_phone_for(request.user, customer)
    return render(request, "people/customers.html", {"page": page, "q": q})
