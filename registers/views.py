"""Stock-take pages (INS-07): the list with overdue counts, counting on the phone, losses with the
police case receipt and follow-up."""

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.errors import DomainError, ValidationErrors
from registers.models import Loss, StockTake
from registers.queries import (
    access_loss,
    access_stocktake,
    can_keep_registers,
    can_manage_equipment,
    communities_for,
    equipment_for,
    losses_for,
    stocktakes_for,
)
from registers.services import (
    add_equipment,
    add_follow_up,
    file_police_receipt,
    record_count,
    retire_equipment,
)


@login_required
def stocktakes(request):
    """Stock-takes the user sees, overdue ones first and in red; open losses below."""
    today = clock.today()
    show = request.GET.get("show", "open")
    qs = stocktakes_for(request.user)
    if show == "open":
        qs = qs.filter(status=StockTake.Status.OPEN).order_by("due_on", "community__name")
    elif show == "overdue":
        qs = qs.filter(status=StockTake.Status.OPEN, due_on__lt=today).order_by("due_on")
    else:
        show = "all"
        qs = qs.order_by("-due_on", "community__name")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for stocktake in page:
        stocktake.overdue = stocktake.is_overdue(today)
    open_losses = losses_for(request.user).exclude(status=Loss.Status.CLOSED)[:50]
    return render(
        request,
        "registers/stocktakes.html",
        {"page": page, "show": show, "open_losses": open_losses, "today": today},
    )


@login_required
def stocktake_detail(request, pk: int):
    stocktake = access_stocktake(request.user, pk)
    editable = stocktake.status == StockTake.Status.OPEN and can_keep_registers(request.user)
    lines = list(stocktake.lines.select_related("item"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not editable:
            raise Http404
        counts = {line.pk: request.POST.get(f"count_{line.pk}", "") for line in lines}
        notes = {line.pk: request.POST.get(f"note_{line.pk}", "") for line in lines}
        try:
            record_count(stocktake, by=request.user, counts=counts, notes=notes)
        except ValidationErrors as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = {"": exc.message}
        else:
            messages.success(request, _("Stock-take recorded."))
            return redirect("registers:stocktake", pk=stocktake.pk)
        for line in lines:
            line.entered = counts[line.pk]
            line.entered_note = notes[line.pk]
            line.error = errors.get(f"line_{line.pk}", "")
    losses = {loss.line_id: loss for loss in stocktake.losses.all()}
    for line in lines:
        line.loss_row = losses.get(line.pk)
    return render(
        request,
        "registers/stocktake_detail.html",
        {
            "stocktake": stocktake,
            "lines": lines,
            "editable": editable,
            "overdue": stocktake.is_overdue(clock.today()),
            "form_error": errors.get(""),
        },
        status=400 if errors else 200,
    )


@login_required
def loss_detail(request, pk: int):
    loss = access_loss(request.user, pk)
    return render(
        request,
        "registers/loss_detail.html",
        {"loss": loss, "can_edit": can_keep_registers(request.user)},
    )


def _loss_action(request, pk: int, action) -> object:
    loss = access_loss(request.user, pk)
    if not can_keep_registers(request.user):
        raise Http404
    try:
        action(loss)
    except DomainError as exc:
        return render(
            request,
            "registers/loss_detail.html",
            {"loss": access_loss(request.user, pk), "can_edit": True, "error": exc.message},
            status=400,
        )
    messages.success(request, _("Saved."))
    return redirect("registers:loss", pk=loss.pk)


@require_POST
@login_required
def loss_receipt_upload(request, pk: int):
    return _loss_action(
        request,
        pk,
        lambda loss: file_police_receipt(
            loss,
            by=request.user,
            receipt=request.FILES.get("police_receipt"),
            case_no=request.POST.get("police_case_no", ""),
        ),
    )


@require_POST
@login_required
def loss_follow_up(request, pk: int):
    return _loss_action(
        request,
        pk,
        lambda loss: add_follow_up(
            loss,
            by=request.user,
            note=request.POST.get("note", ""),
            close=request.POST.get("close") == "1",
        ),
    )


@login_required
def loss_receipt(request, pk: int):
    """The police case receipt, only for those who see the loss."""
    loss = access_loss(request.user, pk)
    if not loss.police_receipt:
        raise Http404
    name = Path(loss.police_receipt.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        loss.police_receipt.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


@login_required
def equipment(request):
    """INS-07: the equipment kept in each community, which the stock-takes count."""
    manage = can_manage_equipment(request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not manage:
            raise Http404
        raw = request.POST.get("community", "")
        community = (
            communities_for(request.user).filter(pk=int(raw)).first()
            if raw.isdigit() and len(raw) < 12
            else None
        )
        try:
            if community is None:
                raise DomainError(_("Choose the community."), field="community")
            add_equipment(
                community,
                by=request.user,
                name=request.POST.get("name", ""),
                serial=request.POST.get("serial", ""),
                expected_quantity=request.POST.get("expected_quantity", ""),
            )
        except ValidationErrors as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = {exc.field or "": exc.message}
        else:
            messages.success(request, _("Equipment registered."))
            return redirect("registers:equipment")
    items = equipment_for(request.user).filter(active=True).order_by("community__path", "name")
    return render(
        request,
        "registers/equipment.html",
        {
            "page": Paginator(items, 100).get_page(request.GET.get("page")),
            "manage": manage,
            "communities": communities_for(request.user),
            "values": request.POST if request.method == "POST" else {},
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_POST
@login_required
def equipment_retire(request, pk: int):
    item = equipment_for(request.user).filter(pk=pk).first()
    if item is None or not can_manage_equipment(request.user):
        raise Http404
    retire_equipment(item, by=request.user)
    return redirect("registers:equipment")
