"""Pages of the core app: home, health, policy, audit log, API tokens."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from core import clock
from core.errors import DomainError, ValidationErrors
from core.models import ApiToken, AuditEntry, PolicyVersion, WorkerHeartbeat
from core.policy import PARAMETERS, policy_for
from core.services import change_policy, create_api_token, revoke_api_token
from core.workcalendar import missing_years
from people.models import Company
from people.queries import (
    can_edit_policy,
    can_read_audit,
    can_read_policy,
    customers_for,
    people_for,
    person_of,
    role_of,
    units_for,
)
from people.roles import Role

WORKER_STALE_AFTER = timedelta(seconds=150)
# Who is warned on the home page that a year of the working calendar is missing (ATT-08).
CALENDAR_KEEPERS = {Role.OPS_MANAGER, Role.HR_ADMIN}


@require_GET
def healthz(request):
    """200 with database and worker status; 503 when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # any driver error means the database is down
        database = "error"
    worker, last_seen = "unknown", None
    if database == "ok":
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
        if beat is not None:
            last_seen = beat.seen_at.isoformat()
            worker = "ok" if clock.now() - beat.seen_at <= WORKER_STALE_AFTER else "stale"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {
            "status": "ok" if status == 200 else "error",
            "database": database,
            "worker": worker,
            "worker_last_seen": last_seen,
        },
        status=status,
    )


@login_required
def home(request):
    person = person_of(request.user)
    context = {
        "person": person,
        "people_count": people_for(request.user).filter(active=True).count(),
        "unit_count": units_for(request.user).count(),
        "customer_count": customers_for(request.user).count(),
        "can_policy": can_read_policy(request.user),
        "can_audit": can_read_audit(request.user),
        "missing_calendar_years": missing_years(clock.today())
        if request.user.is_superuser or role_of(request.user) in CALENDAR_KEEPERS
        else [],
    }
    return render(request, "core/home.html", context)


def _scope_company(request) -> Company | None:
    raw = request.POST.get("company") or request.GET.get("company")
    if not raw:
        return None
    try:
        return Company.objects.get(pk=int(raw))
    except (ValueError, Company.DoesNotExist):
        raise Http404 from None


@login_required
def policy_page(request):
    """Every parameter with its rule, value, unit and description; the ops manager edits here."""
    if not can_read_policy(request.user):
        raise Http404
    company = _scope_company(request)
    today = clock.today()
    errors: dict[str, str] = {}
    submitted: dict[str, str] = {}
    effective_raw = request.POST.get("effective_from", today.isoformat())
    if request.method == "POST":
        if not can_edit_policy(request.user):
            raise Http404
        submitted = {spec.key: request.POST.get(spec.key, "") for spec in PARAMETERS}
        try:
            effective_from = date.fromisoformat(effective_raw)
        except ValueError:
            errors["effective_from"] = _("Enter a date as YYYY-MM-DD.")
        if not errors:
            try:
                version = change_policy(
                    submitted,
                    by=request.user,
                    effective_from=effective_from,
                    company=company,
                    comment=request.POST.get("comment", ""),
                )
            except ValidationErrors as exc:
                errors = exc.errors
            else:
                if version is None:
                    messages.info(request, _("Nothing changed."))
                else:
                    messages.success(
                        request,
                        _("Policy saved: {count} values change from {date}.").format(
                            count=len(version.values), date=version.effective_from
                        ),
                    )
                url = request.path + (f"?company={company.pk}" if company else "")
                return redirect(url)
    policy = policy_for(company, on=today)
    rows = []
    for spec in PARAMETERS:
        rows.append(
            {
                "spec": spec,
                "value": submitted.get(spec.key, policy.raw(spec.key)),
                "is_default": policy.sources.get(spec.key) is None,
                "error": errors.get(spec.key),
            }
        )
    versions = (
        PolicyVersion.objects.filter(company=company)
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:50]
    )
    history = AuditEntry.objects.filter(
        action="policy.version.created", object_id__in=[str(v.pk) for v in versions]
    ).order_by("-at", "-pk")
    return render(
        request,
        "core/policy.html",
        {
            "rows": rows,
            "errors": errors,
            "effective_from": effective_raw,
            "company": company,
            "companies": Company.objects.all(),
            "can_edit": can_edit_policy(request.user),
            "history": history,
            "upcoming": PolicyVersion.objects.filter(company=company, effective_from__gt=today),
        },
    )


@login_required
def audit_page(request):
    if not can_read_audit(request.user):
        raise Http404
    entries = AuditEntry.objects.select_related("actor")
    action = request.GET.get("action", "").strip()
    object_type = request.GET.get("object_type", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    types = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    return render(
        request,
        "core/audit.html",
        {
            "page": page,
            "action": action,
            "object_type": object_type,
            "actor": actor,
            "object_types": sorted(set(types)),
        },
    )


@login_required
def tokens_page(request):
    new_secret = None
    error = None
    if request.method == "POST":
        try:
            _token, new_secret = create_api_token(request.user, name=request.POST.get("name", ""))
        except DomainError as exc:
            error = exc.message
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request, "core/tokens.html", {"tokens": tokens, "new_secret": new_secret, "error": error}
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        revoke_api_token(token, by=request.user)
        messages.success(request, _("Token revoked."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("tokens")


@require_POST
def switch_language(request):
    """The language switch: a cookie for this browser, and the person's saved preference (used
    for his notifications and on other devices)."""
    response = set_language(request)
    person = person_of(request.user)
    language = request.POST.get("language")
    if person is not None and language in dict(settings.LANGUAGES) and person.language != language:
        person.language = language
        person.save(update_fields=["language"])
    return response
