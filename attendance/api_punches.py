"""Punches over the API (ATT-02, ATT-10): clock devices and integrations punch for the person
behind the token, retry safely with an idempotency key, and HR uploads punch files."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from attendance.models import Punch
from attendance.services import record_punch
from attendance.services_import import can_import_punches, store_upload
from core import clock
from core.api_jobs import JobOut
from core.errors import DomainError
from core.jobs import start_job
from core.pagination import Id, Pagination
from core.ratelimit import client_ip
from people.queries import access_person, people_for, person_of

router = Router(tags=["attendance"])

IMPORT_KEY_PREFIX = "import:"  # keys of imported punches (attendance/importing.py)
EARLIEST = date(1970, 1, 2)  # date filters are clamped so that no bound overflows a datetime
LATEST = date(9999, 12, 30)


class PunchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    at: datetime | None = Field(
        None,
        description="When the person punched; now when left out. Without a UTC offset the time "
        "is read in the company time zone. Refused when more than a few minutes ahead of the "
        "server or more than a day old (that needs a make-up punch request).",
    )
    idempotency_key: str | None = Field(
        None,
        min_length=1,
        max_length=80,
        pattern=r"^[\x21-\x7e]+$",
        description="Send the same key when retrying: the punch is then stored once, and the "
        "retry answers 200 with the first punch.",
    )
    device: str = Field("", max_length=120, description="The clock or phone, e.g. its serial.")
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    person_id: Id | None = Field(
        None, description="Optional, and only your own: nobody punches for someone else (ATT-02)."
    )
    staff_no: str | None = Field(
        None, max_length=30, description="Optional, and only your own staff number (ATT-02)."
    )


class PunchOut(Schema):
    id: int
    person_id: int
    person_name: str
    at: datetime
    source: str
    device: str
    idempotency_key: str | None
    flagged: bool
    flag_reason: str
    created_at: datetime

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name


class PunchFilters(Schema):
    person_id: Id | None = None
    date_from: date | None = None
    date_to: date | None = None


class ErrorOut(Schema):
    detail: str


class ImportStartedOut(JobOut):
    url: str


def _aware(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _check_window(at: datetime, now: datetime) -> None:
    """ATT-02: a device sends the punch when it happens (bounds in settings.PUNCH_MAX_*)."""
    try:
        ahead = at.astimezone(UTC) - now
    except (OverflowError, ValueError):
        raise DomainError(_("The time is out of range."), field="at") from None
    if ahead > timedelta(seconds=settings.PUNCH_MAX_FUTURE_SECONDS):
        raise DomainError(_("The time is in the future."), field="at")
    if -ahead > timedelta(seconds=settings.PUNCH_MAX_PAST_SECONDS):
        raise DomainError(
            _("The time is too long ago: ask for a make-up punch instead."), field="at"
        )


@router.post(
    "/attendance/punches",
    response={201: PunchOut, 200: PunchOut, 403: ErrorOut, 409: ErrorOut},
    summary="Punch for yourself",
)
def create_punch(request, payload: PunchIn):
    """Sign in or out as the person behind the credentials (ATT-02). 201 with the new punch;
    200 with the first punch when the idempotency key was used before; 403 when the body names
    someone else; 409 when the key was used for a punch at another time."""
    me = person_of(request.auth)
    if me is None:
        return Status(403, {"detail": _("Your login is not linked to a member of staff.")})
    if (payload.person_id is not None and payload.person_id != me.pk) or (
        payload.staff_no not in (None, "", me.staff_no)
    ):
        return Status(
            403,
            {
                "detail": _(
                    "You can punch only for yourself: punching for someone else is proxy "
                    "signing (ATT-02)."
                )
            },
        )
    key = payload.idempotency_key
    if key and key.startswith(IMPORT_KEY_PREFIX):
        raise DomainError(
            _("Keys starting with “{prefix}” are reserved.").format(prefix=IMPORT_KEY_PREFIX),
            field="idempotency_key",
        )
    at = _aware(payload.at) if payload.at is not None else None
    if key:
        existing = Punch.objects.select_related("person").filter(person=me, idempotency_key=key)
        replay = existing.first()
        if replay is not None:
            return _replay(replay, at)
    now = clock.now()
    if at is not None:
        _check_window(at, now)
    try:
        punch = record_punch(
            me,
            at=at or now,
            source=Punch.Source.API,
            by=request.auth,
            device=payload.device,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            ip=client_ip(request),
            latitude=payload.latitude,
            longitude=payload.longitude,
            idempotency_key=key,
        )
    except IntegrityError:  # the same key, sent twice at the same moment: the other one won
        replay = Punch.objects.select_related("person").filter(person=me, idempotency_key=key)
        if not key or replay.first() is None:
            raise
        return _replay(replay.first(), at)
    return Status(201, punch)


def _replay(punch: Punch, at: datetime | None):
    if at is not None and punch.at != at:
        return Status(
            409, {"detail": _("This idempotency key was already used for a punch at another time.")}
        )
    return Status(200, punch)


@router.get("/attendance/punches", response=list[PunchOut], summary="Punches you may see")
@paginate(Pagination)
def list_punches(request, filters: Query[PunchFilters]):
    """Your own punches; a manager also sees those of the people in his scope. Newest first."""
    punches = Punch.objects.select_related("person").filter(
        person__in=people_for(request.auth).values("pk")
    )
    if filters.person_id is not None:
        punches = punches.filter(person=access_person(request.auth, filters.person_id))
    if filters.date_from is not None:
        start = min(max(filters.date_from, EARLIEST), LATEST)
        punches = punches.filter(at__gte=timezone.make_aware(datetime.combine(start, time.min)))
    if filters.date_to is not None:
        end = min(max(filters.date_to, EARLIEST), LATEST) + timedelta(days=1)
        punches = punches.filter(at__lt=timezone.make_aware(datetime.combine(end, time.min)))
    return punches.order_by("-at", "-pk")


@router.post(
    "/attendance/imports",
    response={202: ImportStartedOut, 403: ErrorOut},
    summary="Import a punch file",
)
def create_import(request, file: File[UploadedFile], import_valid_rows: Form[bool] = False):
    """Upload a CSV or .xlsx export of a time clock or DingTalk. 202 with the job; poll
    GET /api/jobs/{id}. A file with a bad row stores nothing unless `import_valid_rows`; the
    job's result lists each bad row, column and reason."""
    if not can_import_punches(request.auth):
        return Status(403, {"detail": _("You may not import punches.")})
    name = store_upload(file)
    job = start_job(
        "attendance.import",
        {"file": name, "filename": file.name[:200], "import_valid_rows": import_valid_rows},
        by=request.auth,
    )
    job.url = reverse("job", args=[job.pk])
    return Status(202, job)
