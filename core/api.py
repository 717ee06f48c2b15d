"""Policy, API tokens and the audit log over the API."""

from datetime import date

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import Router, Status
from ninja.pagination import paginate

from core import clock
from core.models import ApiToken, AuditEntry, PolicyVersion
from core.pagination import Id, Pagination
from core.policy import DEFAULTS, PARAMETERS, policy_for
from core.schemas import (
    AuditOut,
    PolicyOut,
    PolicyVersionIn,
    PolicyVersionOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from core.services import change_policy, create_api_token, revoke_api_token
from people.models import Company
from people.queries import can_edit_policy, can_read_audit, can_read_policy

router = Router()


def _company(company_id: int | None) -> Company | None:
    if company_id is None:
        return None
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise Http404
    return company


@router.get("/policy", response=PolicyOut, tags=["policy"])
def get_policy(request, company_id: Id | None = None, on: date | None = None):
    """The policy in force on a day (today by default), every parameter with rule and unit."""
    if not can_read_policy(request.auth):
        raise Http404
    day = on or clock.today()
    policy = policy_for(_company(company_id), on=day)
    params = []
    for spec in PARAMETERS:
        with translation.override("zh-hans"):
            zh = str(spec.description)
        with translation.override("en"):
            en = str(spec.description)
        params.append(
            {
                "key": spec.key,
                "rule_id": spec.rule_id,
                "kind": str(spec.kind),
                "unit": spec.unit,
                "value": policy.raw(spec.key),
                "default": DEFAULTS[spec.key],
                "minimum": spec.minimum,
                "maximum": spec.maximum,
                "description_zh": zh,
                "description_en": en,
                "version_id": policy.sources.get(spec.key),
            }
        )
    return {"company_id": company_id, "on": day, "parameters": params}


@router.get("/policy/versions", response=list[PolicyVersionOut], tags=["policy"])
@paginate(Pagination)
def list_policy_versions(request, company_id: Id | None = None):
    if not can_read_policy(request.auth):
        raise Http404
    return (
        PolicyVersion.objects.filter(company_id=company_id)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


@router.post("/policy/versions", response={201: PolicyVersionOut, 200: PolicyOut}, tags=["policy"])
def create_policy_version(request, payload: PolicyVersionIn):
    """Change values from a date. Unknown keys, wrong types and out-of-range values are refused
    together, per field, and nothing is stored. Unchanged values return the policy with 200."""
    if not can_edit_policy(request.auth):
        raise Http404
    company = _company(payload.company_id)
    version = change_policy(
        payload.values,
        by=request.auth,
        effective_from=payload.effective_from,
        company=company,
        comment=payload.comment,
    )
    if version is None:
        return Status(
            200, get_policy(request, company_id=payload.company_id, on=payload.effective_from)
        )
    return Status(201, version)


@router.get("/tokens", response=list[TokenOut], tags=["tokens"])
def list_tokens(request):
    return ApiToken.objects.filter(user=request.auth)


@router.post("/tokens", response={201: TokenCreatedOut}, tags=["tokens"])
def create_token(request, payload: TokenIn):
    """Create a personal token; the `token` field is shown only in this answer."""
    token, secret = create_api_token(request.auth, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": secret})


@router.delete("/tokens/{int:token_id}", response=TokenOut, tags=["tokens"])
def delete_token(request, token_id: Id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth)
    return revoke_api_token(token, by=request.auth)


@router.get("/audit", response=list[AuditOut], tags=["audit"])
@paginate(Pagination)
def list_audit(
    request, action: str | None = None, object_type: str | None = None, object_id: str | None = None
):
    if not can_read_audit(request.auth):
        raise Http404
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action__startswith=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    return entries
