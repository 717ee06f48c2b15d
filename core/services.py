"""Writes of the core app: policy changes and API tokens, each audited."""

import hashlib
import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit, clock
from core.errors import DomainError, ValidationErrors
from core.models import ApiToken, PolicyVersion
from core.policy import policy_for, validate_values


@transaction.atomic
def change_policy(
    values: dict[str, Any],
    *,
    by: Any,
    effective_from: date,
    company: Any = None,
    comment: str = "",
) -> PolicyVersion | None:
    """Store a new policy version with the changed values; returns None when nothing changed.

    Only values that differ from the policy in force on `effective_from` are stored, so a company
    variant keeps following the default for everything it does not override. A version may not
    start in the past: closed periods keep the numbers they were judged by.
    """
    if effective_from < clock.today():
        raise ValidationErrors({"effective_from": _("The effective date cannot be in the past.")})
    parsed = validate_values(values, partial=True)
    current = policy_for(company, on=effective_from)
    changed = {k: v for k, v in parsed.items() if current.raw(k) != v}
    if not changed:
        return None
    same_day = (
        PolicyVersion.objects.filter(company=company, effective_from=effective_from)
        .order_by("-pk")
        .first()
    )
    base = dict(same_day.values) if same_day else {}
    version = PolicyVersion.objects.create(
        company=company,
        effective_from=effective_from,
        values={**base, **changed},
        comment=comment[:300],
        created_at=clock.now(),
        created_by=by if getattr(by, "pk", None) else None,
    )
    audit.record(
        version,
        "policy.version.created",
        by=by,
        changes={k: [current.raw(k), v] for k, v in changed.items()},
        data={"effective_from": effective_from, "company": str(company or ""), "comment": comment},
    )
    return version


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_api_token(user: Any, *, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; returns it with the full secret, shown to the user once."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name."), field="name")
    if len(name) > 80:
        raise DomainError(_("The name is too long (at most 80 characters)."), field="name")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, secret_hash=_hash(secret), created_at=clock.now()
    )
    audit.record(token, "api.token.created", by=user, data={"name": name, "prefix": prefix})
    return token, f"{settings.API_TOKEN_PREFIX}{prefix}_{secret}"


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by: Any) -> ApiToken:
    if token.revoked_at is not None:
        raise DomainError(_("This token is already revoked."))
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit.record(token, "api.token.revoked", by=by, data={"prefix": token.prefix})
    return token


def user_for_token(raw: str) -> Any:
    """The active user behind a presented token, or None. Constant-time secret comparison."""
    prefix_marker = settings.API_TOKEN_PREFIX
    if not raw or not raw.startswith(prefix_marker) or raw.count("_") < 2:
        return None
    prefix, _sep, secret = raw[len(prefix_marker) :].partition("_")
    token = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at=None).first()
    if token is None or not secrets.compare_digest(token.secret_hash, _hash(secret)):
        return None
    if not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
