"""Registers over the API, scoped like the pages (outside the scope: 404): stock-takes and
losses (INS-07), machine-room entries and lent-out items (SEC-04)."""

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import paginate

from core import clock
from core.errors import DomainError, ValidationErrors
from core.pagination import Id, Pagination
from registers.api_confidentiality import router as confidentiality_router
from registers.queries import (
    access_entry,
    access_loan,
    access_loss,
    access_stocktake,
    can_keep_registers,
    entries_for,
    escorts_for,
    loans_for,
    sites_for,
    stocktakes_for,
)
from registers.schemas import (
    CountIn,
    EntryIn,
    FollowUpIn,
    LoanFilters,
    LoanIn,
    LoanOut,
    LossOut,
    RoomEntryOut,
    StockTakeFilters,
    StockTakeOut,
)
from registers.services import add_follow_up, file_police_receipt, record_count
from registers.services_security import lend_item, register_entry, return_item, sign_out_entry

router = Router(tags=["registers"])
router.add_router("/", confidentiality_router)


def _writer(request) -> None:
    if not can_keep_registers(request.auth):
        raise HttpError(403, _("Only our staff keep the registers."))


def _stocktake(request, pk: int):
    return access_stocktake(request.auth, pk)


@router.get("/stocktakes", response=list[StockTakeOut])
@paginate(Pagination)
def list_stocktakes(request, filters: Query[StockTakeFilters]):
    """INS-07: stock-takes of the communities the caller sees; `overdue=true` the late ones."""
    qs = stocktakes_for(request.auth).order_by("due_on", "pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(status="open", due_on__lt=clock.today())
    return qs


@router.get("/stocktakes/{int:stocktake_id}", response=StockTakeOut)
def get_stocktake(request, stocktake_id: Id):
    return _stocktake(request, stocktake_id)


@router.post("/stocktakes/{int:stocktake_id}/count", response=StockTakeOut)
def count(request, stocktake_id: Id, payload: CountIn):
    """INS-07: every line's counted quantity; a shortfall becomes a loss."""
    stocktake = access_stocktake(request.auth, stocktake_id)
    _writer(request)
    counts = {line.line_id: line.counted for line in payload.lines}
    notes = {line.line_id: line.note for line in payload.lines}
    if len(counts) != len(payload.lines):
        raise DomainError(_("A line is counted twice."), field="lines")
    record_count(stocktake, by=request.auth, counts=counts, notes=notes)
    return _stocktake(request, stocktake_id)


@router.get("/losses/{int:loss_id}", response=LossOut)
def get_loss(request, loss_id: Id):
    return access_loss(request.auth, loss_id)


@router.post("/losses/{int:loss_id}/receipt", response=LossOut)
def upload_receipt(
    request, loss_id: Id, police_receipt: File[UploadedFile], police_case_no: Form[str] = ""
):
    """INS-07: archive the police case receipt (multipart: `police_receipt`, `police_case_no`)."""
    loss = access_loss(request.auth, loss_id)
    _writer(request)
    return file_police_receipt(
        loss, by=request.auth, receipt=police_receipt, case_no=police_case_no
    )


@router.post("/losses/{int:loss_id}/follow-up", response=LossOut)
def follow_up(request, loss_id: Id, payload: FollowUpIn):
    loss = access_loss(request.auth, loss_id)
    _writer(request)
    return add_follow_up(loss, by=request.auth, note=payload.note, close=payload.close)


@router.get("/machine-room-entries", response=list[RoomEntryOut])
@paginate(Pagination)
def list_entries(request, inside: bool = False):
    """SEC-04: the machine-room register; `inside=true` who has not signed out."""
    qs = entries_for(request.auth)
    return qs.filter(time_out__isnull=True) if inside else qs


@router.post("/machine-room-entries", response={201: RoomEntryOut})
def create_entry(request, payload: EntryIn):
    _writer(request)
    unit = sites_for(request.auth).filter(pk=payload.unit_id).first()
    if unit is None:
        raise DomainError(_("Unknown site."), field="unit_id")
    escort = None
    if payload.escort_id is not None:
        escort = escorts_for(request.auth).filter(pk=payload.escort_id).first()
        if escort is None:
            raise DomainError(_("This person cannot escort."), field="escort_id")
    try:
        entry = register_entry(
            unit,
            by=request.auth,
            escort=escort,
            **payload.model_dump(exclude={"unit_id", "escort_id"}),
        )
    except ValidationErrors as exc:
        # The service names its argument (escort); the API answers with the body's name.
        raise ValidationErrors(
            {("escort_id" if k == "escort" else k): v for k, v in exc.errors.items()}
        ) from None
    return Status(201, access_entry(request.auth, entry.pk))


@router.post("/machine-room-entries/{int:entry_id}/sign-out", response=RoomEntryOut)
def entry_out(request, entry_id: Id):
    entry = access_entry(request.auth, entry_id)
    _writer(request)
    sign_out_entry(entry, by=request.auth)
    return access_entry(request.auth, entry_id)


def _loan(request, pk: int):
    return access_loan(request.auth, pk)


@router.get("/loans", response=list[LoanOut])
@paginate(Pagination)
def list_loans(request, filters: Query[LoanFilters]):
    """SEC-04: equipment and media lent out; `out=true` not returned, `overdue=true` late."""
    now = clock.now()
    qs = loans_for(request.auth)
    if filters.out:
        qs = qs.filter(returned_at__isnull=True)
    if filters.overdue:
        qs = qs.filter(returned_at__isnull=True, due_back__lt=now)
    return qs


@router.post("/loans", response={201: LoanOut})
def create_loan(request, payload: LoanIn):
    _writer(request)
    unit = sites_for(request.auth).filter(pk=payload.unit_id).first()
    if unit is None:
        raise DomainError(_("Unknown site."), field="unit_id")
    loan = lend_item(unit, by=request.auth, **payload.model_dump(exclude={"unit_id"}))
    return Status(201, _loan(request, loan.pk))


@router.post("/loans/{int:loan_id}/return", response=LoanOut)
def loan_returned(request, loan_id: Id):
    loan = access_loan(request.auth, loan_id)
    _writer(request)
    return_item(loan, by=request.auth)
    return _loan(request, loan_id)
