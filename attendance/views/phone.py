"""The engineer's one-tap phone page, the punch itself and the location consent (ATT-02, ATT-10)."""

import re
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance.arrival import can_open_desk
from attendance.forms import LocationConsentForm, PunchForm
from attendance.models import Punch
from attendance.queries import punches_between
from attendance.services import record_punch
from attendance.views.days import (
    _weekday_names,
    month_days,
    weeks_of,
)
from attendance.views.desk import today_arrival
from core import clock
from core.ratelimit import client_ip
from people.models import OrgUnit
from people.queries import person_of, units_for
from people.roles import CLIENT_ROLES, Role
from people.services import update_person

DEVICE_COOKIE = "crewdesk_device"
DEVICE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
DEVICE_COOKIE_AGE = 5 * 365 * 24 * 3600


def _device_id(request) -> tuple[str, bool]:
    """A stable id of this browser (ATT-02 same-device check); True when it is new."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if DEVICE_RE.match(value):
        return value, False
    return secrets.token_urlsafe(18), True


def _set_device(response, device: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _can_punch(person) -> bool:
    return person is not None and person.role not in CLIENT_ROLES | {Role.VENDOR_CONTACT}


@login_required
def phone_page(request):
    """ATT-02/ATT-10: one tap to sign in or out, today's punches and judgement, this month."""
    person = person_of(request.user)
    today = clock.today()
    context: dict[str, Any] = {
        "person": person,
        "today": today,
        "can_punch": _can_punch(person),
        "units": _station_links(request.user),
        "desk_link": can_open_desk(request.user),  # ATT-10 arrivals at the client's desk
        "month": today.replace(day=1),
        "weekday_names": _weekday_names(),
    }
    if context["can_punch"]:
        punches = list(punches_between(person, today, today))
        days = month_days(person, today, today, now=clock.now())
        context.update(
            {
                "punches": punches,
                "signing_in": len(punches) % 2 == 0,
                "today_view": next(d for d in days if d.date == today),
                "weeks": weeks_of(days),
                "punch_key": uuid.uuid4().hex,
                "ask_consent": person.location_consent is None,
                "consent_form": LocationConsentForm(),
                "arrival": today_arrival(person, at=clock.now()),
            }
        )
    response = render(request, "attendance/phone.html", context)
    device, new = _device_id(request)
    if new:
        _set_device(response, device)
    return response


def _station_links(user) -> list[OrgUnit]:
    me = person_of(user)
    if me is not None and me.role == Role.ENGINEER:
        return []
    return list(
        units_for(user)
        .filter(kind__in=[OrgUnit.Kind.REGION, OrgUnit.Kind.STATION])
        .order_by("path")[:50]
    )


@login_required
@require_POST
def punch(request):
    """Record a punch for the logged-in person only (ATT-02): source, device, browser, IP, and
    the location only when the person allowed it."""
    person = person_of(request.user)
    if not _can_punch(person):
        raise Http404
    form = PunchForm(request.POST)
    device, new = _device_id(request)
    if not form.is_valid():
        messages.error(request, _("The punch was not recorded: the location is not valid."))
    else:
        data = form.cleaned_data
        recorded = record_punch(
            person,
            at=clock.now(),
            source=Punch.Source.APP,
            by=request.user,
            device=device,
            user_agent=request.headers.get("User-Agent", ""),
            ip=client_ip(request),
            latitude=data["latitude"] if person.location_consent else None,
            longitude=data["longitude"] if person.location_consent else None,
            idempotency_key=f"app:{data['key']}" if data["key"] else None,
        )
        messages.success(
            request,
            _("Punch recorded at {time}.").format(
                time=timezone.localtime(recorded.at).strftime("%H:%M:%S")
            ),
        )
        if recorded.flagged:
            messages.warning(
                request,
                _(
                    "This phone was used by another person a moment ago: your supervisor will "
                    "review both punches (ATT-02)."
                ),
            )
    response = redirect("attendance:home")
    if new:
        _set_device(response, device)
    return response


@login_required
@require_POST
def location_consent(request):
    """PIPL: the person decides once whether punches keep his location; he may change it."""
    person = person_of(request.user)
    if not _can_punch(person):
        raise Http404
    form = LocationConsentForm(request.POST)
    if form.is_valid():
        update_person(person, by=request.user, changes={"location_consent": form.allowed})
        if form.allowed:
            messages.success(request, _("Your punches will keep your location, rounded to ~100 m."))
        else:
            messages.success(request, _("Your punches will not keep your location."))
    return redirect("attendance:home")


# --- a person's month ------------------------------------------------------------------------------
