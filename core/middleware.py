"""Security headers Django's SecurityMiddleware does not set, and the page language."""

import json

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Everything is served from our own origin: no CDN, no inline script.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/docs"):
            # Swagger UI (served locally by Ninja) sets inline styles.
            response.headers.setdefault(
                "Content-Security-Policy",
                CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
            )
        else:
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"
        )
        return response


class LanguageMiddleware:
    """zh-hans for everyone unless the person chose otherwise: the language switch (cookie) or
    the person's saved preference. The browser's Accept-Language is deliberately ignored: users
    of a Chinese company get Chinese pages whatever browser the IT department installed."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            person = (
                getattr(getattr(request, "user", None), "person", None)
                if getattr(request, "user", None) is not None and request.user.is_authenticated
                else None
            )
            language = getattr(person, "language", None)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def _nul_paths(value, path: list) -> list[str]:
    """Dotted paths of strings holding a NUL character."""
    if isinstance(value, str):
        return [".".join(str(p) for p in path) or "body"] if "\x00" in value else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _nul_paths(v, [*path, k])]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nul_paths(v, [*path, i])]
    return []


class RefuseNulMiddleware:
    """API input with a NUL character gets a field-level 422, the same on SQLite and PostgreSQL
    (PostgreSQL text cannot hold one; Django's forms already refuse it on pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            bad = [k for k, v in request.GET.lists() if any("\x00" in x for x in v)]
            content_type = request.META.get("CONTENT_TYPE", "")
            if (
                not bad
                and content_type.startswith("application/json")
                and b"\\u0000" in request.body
            ):
                try:
                    bad = _nul_paths(json.loads(request.body), [])
                except ValueError:
                    bad = []
            if bad:
                message = str(translation.gettext("Null characters are not allowed."))
                return JsonResponse(
                    {"detail": message, "errors": [{"field": f, "message": message} for f in bad]},
                    status=422,
                )
        return self.get_response(request)
