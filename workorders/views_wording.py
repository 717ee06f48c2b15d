"""WO-15 pages: the operations manager edits the customer wording per situation and language;
on the order page a customer notice is produced in the matching wording and kept on its
timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from people.queries import person_of, role_of
from people.roles import Role
from workorders import wording
from workorders.queries import ORDER_TAKERS, access_order
from workorders.services import record_notice, save_template, templates


def can_edit_wording(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or role_of(user) == Role.OPS_MANAGER


def can_send_notice(user, order) -> bool:
    me = person_of(user)
    if me is None or not order.customer_id:
        return False
    return me.role in ORDER_TAKERS or (order.engineer_id is not None and order.engineer_id == me.pk)


@login_required
def wording_page(request):
    """Every situation in every language, with the text in force; saving an empty text (or the
    default) goes back to the default."""
    if not can_edit_wording(request.user):
        raise Http404
    me = person_of(request.user)
    if request.method == "POST":
        try:
            save_template(
                situation=request.POST.get("situation", ""),
                language=request.POST.get("language", ""),
                text=request.POST.get("text", ""),
                by=me,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Wording saved."))
        return redirect("workorders:wording")
    texts = templates()
    rows = [
        {
            "situation": key,
            "label": label,
            "texts": [
                {
                    "language": language,
                    "name": name,
                    "text": texts[(key, language)],
                    "edited": texts[(key, language)] != wording.DEFAULTS[(key, language)],
                }
                for language, name in wording.LANGUAGES
            ],
        }
        for key, label in wording.SITUATIONS
    ]
    return render(
        request,
        "workorders/wording.html",
        {"rows": rows, "placeholders": ", ".join(wording.PLACEHOLDERS)},
    )


@login_required
@require_POST
def order_notice(request, pk: int):
    """Produce the customer notice in the chosen situation and language (WO-15); it is kept on
    the order's timeline with its text."""
    order = access_order(request.user, pk)
    if not can_send_notice(request.user, order):
        raise Http404
    try:
        record_notice(
            order,
            by=person_of(request.user),
            situation=request.POST.get("situation", ""),
            language=request.POST.get("language", "zh-hans"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Customer notice recorded."))
    return redirect("workorders:detail", pk=order.pk)
