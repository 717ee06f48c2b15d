"""Role-aware navigation for every page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from leave.queries import APPROVER_ROLES, pending_approvals_count
from notifications.queries import unread_count_for
from people.queries import can_read_audit, can_read_policy, person_of
from people.roles import CLIENT_ROLES, COMPANY_WIDE, UNIT_WIDE, Role


def nav_items_for(user) -> list[tuple[str, str]]:
    """(url name, label) pairs the user may open, in menu order."""
    person = person_of(user)
    role = person.role if person else None
    items = [("home", _("Home"))]
    items.append(("people:list", _("People") if role != Role.ENGINEER else _("My profile")))
    items.append(("people:org", _("Organisation")))
    if role != Role.VENDOR_CONTACT:
        items.append(("people:customers", _("Customers")))
    items.append(("attendance:home", _("Attendance")))
    if (person is not None and role != Role.VENDOR_CONTACT) or user.is_superuser:
        items.append(("workorders:board", _("Orders")))
    if role in (Role.ENGINEER, Role.GROUP_LEADER):
        items.append(("workorders:mine", _("My orders")))
    items.extend(_work_items(role))
    if can_read_policy(user):
        items.append(("policy", _("Policy")))
    if can_read_audit(user):
        items.append(("audit", _("Audit log")))
    if person is not None:
        items.append(("leave:list", _("Requests")))
        pending = pending_approvals_count(user)
        if pending or role in APPROVER_ROLES:
            label = _("Approvals ({count})").format(count=pending) if pending else _("Approvals")
            items.append(("leave:inbox", label))
        unread = unread_count_for(user)
        label = _("Notifications ({count})").format(count=unread) if unread else _("Notifications")
        items.append(("notifications:inbox", label))
    items.append(("tokens", _("API tokens")))
    if user.is_staff:
        items.append(("admin:index", _("Master data")))
    return items


CALLBACK_ROLES = {
    Role.CUSTOMER_SERVICE,
    Role.DISPATCH_CENTRE,
    Role.OPS_MANAGER,
    Role.STATION_HEAD,
    Role.STATION_MANAGER,
} | CLIENT_ROLES
DASHBOARD_ROLES = COMPANY_WIDE | UNIT_WIDE


def _work_items(role) -> list[tuple[str, str]]:
    """Inspections, callbacks, assessment, statements, reports, registers and dashboards."""
    if role is None:
        return []
    items = []
    if role in (Role.ENGINEER, Role.GROUP_LEADER):
        items.append(("inspections:mine", _("My inspections")))
    elif role != Role.VENDOR_CONTACT:
        items.append(("inspections:tickets", _("Inspections")))
    if role in CALLBACK_ROLES:
        items.append(("callbacks:queue", _("Callbacks")))
    if role not in CLIENT_ROLES and role != Role.VENDOR_CONTACT:
        if role in (Role.ENGINEER, Role.GROUP_LEADER):
            items.append(("assessment:me", _("My assessment")))
        else:
            items.append(("assessment:ledger", _("Assessment")))
        items.append(("statements:index", _("Statements")))
    if role in (Role.ENGINEER, Role.GROUP_LEADER):
        items.append(("reports:mine", _("My reports")))
    elif role in COMPANY_WIDE | UNIT_WIDE:
        items.append(("reports:overview", _("Staff reports")))
    if role not in CLIENT_ROLES and role != Role.VENDOR_CONTACT:
        items.append(("registers:stocktakes", _("Registers")))
    if role in DASHBOARD_ROLES:
        items.append(("dashboards:company", _("Dashboards")))
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    person = person_of(user)
    items = []
    for name, label in nav_items_for(user):
        url = reverse(name)
        active = request.path == url if name == "home" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    # Only the most specific match is current: /orders/mine/ is "My orders", not also "Orders".
    longest = max((len(i["url"]) for i in items if i["active"]), default=0)
    for item in items:
        item["active"] = item["active"] and len(item["url"]) == longest
    return {
        "nav_items": items,
        "nav_person_name": person.name if person else user.get_username(),
        "nav_role_label": person.get_role_display()
        if person
        else (_("Administrator") if user.is_superuser else ""),
    }
