"""The REST API: one NinjaAPI, token (Bearer) or session auth, JSON errors naming the field."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from assessment.api import router as assessment_router
from attendance.api import router as attendance_router
from attendance.api_punches import router as punches_router
from callbacks.api import router as callbacks_router
from core.api import router as core_router
from core.api_jobs import router as jobs_router
from core.errors import DomainError, ValidationErrors
from core.services import user_for_token
from dashboards.api import router as dashboards_router
from inspections.api import router as inspections_router
from leave.api import router as leave_router
from people.api import router as people_router
from registers.api import router as registers_router
from reports.api import router as reports_router
from statements.api import router as statements_router
from workorders.api import router as workorders_router


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionUserAuth(SessionAuth):
    """Logged-in browser sessions (CSRF checked on writes); returns the user like TokenAuth."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_authenticated else None


api = NinjaAPI(
    title="crewdesk API",
    version="1",
    description="Scoped by role and organisation. Authenticate with `Authorization: Bearer <token>` "
    "(create a token on the API tokens page) or a browser session.",
    auth=[TokenAuth(), SessionUserAuth()],
    urls_namespace="api",
)


def _field_of(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "filters")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors = [
        {
            "field": _field_of(e.get("loc", [])),
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors
    ]
    return api.create_response(
        request, {"detail": _("Invalid input."), "errors": errors}, status=422
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc):
    if isinstance(exc, ValidationErrors):
        errors = [{"field": k, "message": v} for k, v in exc.errors.items()]
    else:
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return api.create_response(request, {"detail": exc.message, "errors": errors}, status=400)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthorized(request, exc):
    return api.create_response(request, {"detail": _("Authentication required.")}, status=401)


api.add_router("/", people_router)
api.add_router("/", core_router)
api.add_router("/", jobs_router)
api.add_router("/", punches_router)
api.add_router("/", attendance_router)
api.add_router("/", leave_router)
api.add_router("/", workorders_router)
api.add_router("/", assessment_router)
api.add_router("/", callbacks_router)
api.add_router("/", statements_router)
api.add_router("/", inspections_router)
api.add_router("/", registers_router)
api.add_router("/", reports_router)
api.add_router("/", dashboards_router)
