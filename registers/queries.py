"""Reads of the registers, scoped by the units the user sees (people/queries.py units_for);
anything outside is 404. Client and vendor roles read, only our staff write."""

from django.db.models import QuerySet
from django.http import Http404

from people.models import Person
from people.queries import person_of, sees_everything, units_for
from people.roles import CLIENT_ROLES, Role
from registers.models import Loan, Loss, MachineRoomEntry, StockTake

READ_ONLY_ROLES = CLIENT_ROLES | {Role.VENDOR_CONTACT}


def can_keep_registers(user) -> bool:
    """Our staff record counts, entries and loans; clients and vendors only read."""
    if getattr(user, "is_superuser", False):
        return person_of(user) is not None
    me = person_of(user)
    return me is not None and me.role not in READ_ONLY_ROLES


def _visible_units(user):
    return units_for(user).values("pk")


def stocktakes_for(user) -> QuerySet[StockTake]:
    qs = StockTake.objects.select_related("community", "counted_by")
    if sees_everything(user):
        return qs
    return qs.filter(community__in=_visible_units(user))


def access_stocktake(user, pk: int) -> StockTake:
    stocktake = stocktakes_for(user).filter(pk=pk).first()
    if stocktake is None:
        raise Http404
    return stocktake


def losses_for(user) -> QuerySet[Loss]:
    qs = Loss.objects.select_related("line__item", "stocktake__community", "recorded_by")
    if sees_everything(user):
        return qs
    return qs.filter(stocktake__community__in=_visible_units(user))


def access_loss(user, pk: int) -> Loss:
    loss = losses_for(user).filter(pk=pk).first()
    if loss is None:
        raise Http404
    return loss


def entries_for(user) -> QuerySet[MachineRoomEntry]:
    qs = MachineRoomEntry.objects.select_related("unit", "escort", "recorded_by")
    if sees_everything(user):
        return qs
    return qs.filter(unit__in=_visible_units(user))


def access_entry(user, pk: int) -> MachineRoomEntry:
    entry = entries_for(user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def loans_for(user) -> QuerySet[Loan]:
    qs = Loan.objects.select_related("unit", "lent_by", "returned_to")
    if sees_everything(user):
        return qs
    return qs.filter(unit__in=_visible_units(user))


def access_loan(user, pk: int) -> Loan:
    loan = loans_for(user).filter(pk=pk).first()
    if loan is None:
        raise Http404
    return loan


def sites_for(user):
    """Units where a register may be kept: the units the user sees, except communities."""
    return units_for(user).exclude(kind="community").order_by("path")


def escorts_for(user) -> QuerySet[Person]:
    """Who may escort (SEC-04): active staff of the user's own employer (himself included)."""
    me = person_of(user)
    qs = Person.objects.filter(active=True).exclude(role__in=list(READ_ONLY_ROLES))
    if sees_everything(user):
        return qs.order_by("name")
    if me is None:
        return qs.none()
    return qs.filter(employer=me.employer_id).order_by("name")


def security_requests_for(user):
    """SEC-02/SEC-03 requests: one's own, those one decides, and those of the people one sees
    (managers)."""
    from django.db.models import Q

    from people.queries import people_for
    from registers.models import SecurityRequest

    qs = SecurityRequest.objects.select_related("person", "approver")
    if sees_everything(user):
        return qs
    me = person_of(user)
    if me is None:
        return qs.none()
    return qs.filter(
        Q(person=me) | Q(approver=me) | Q(person__in=people_for(user).values("pk"))
    ).distinct()


def access_security_request(user, pk: int):
    request = security_requests_for(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def can_record_agreements(user) -> bool:
    from people.roles import PEOPLE_EDITORS

    return bool(getattr(user, "is_superuser", False)) or (
        person_of(user) is not None and person_of(user).role in PEOPLE_EDITORS
    )


EQUIPMENT_KEEPERS = {
    Role.OPS_MANAGER,
    Role.STATION_HEAD,
    Role.STATION_MANAGER,
    Role.AREA_SUPERVISOR,
    Role.GROUP_LEADER,
}


def can_manage_equipment(user) -> bool:
    """Who registers and retires the equipment of communities (INS-07)."""
    me = person_of(user)
    return me is not None and (me.role in EQUIPMENT_KEEPERS or bool(user.is_superuser))


def equipment_for(user):
    from registers.models import EquipmentItem

    qs = EquipmentItem.objects.select_related("community")
    if sees_everything(user):
        return qs
    return qs.filter(community__in=_visible_units(user))


def communities_for(user):
    return units_for(user).filter(kind="community").order_by("path")
