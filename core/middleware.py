"""Security headers Django's SecurityMiddleware does not set, and the page language."""

from django.conf import settings
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
