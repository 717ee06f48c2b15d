"""Roles and what each may see or do. Scoping itself lives in people/queries.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENGINEER = "engineer", _("Engineer")
    GROUP_LEADER = "group_leader", _("Group leader")
    STATION_HEAD = "station_head", _("Station head")
    STATION_MANAGER = "station_manager", _("Station manager")
    OPS_MANAGER = "ops_manager", _("Operations manager")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    TECH_SUPPORT = "tech_support", _("Technical support")
    AREA_SUPERVISOR = "area_supervisor", _("Area supervisor")
    DISPATCH_CENTRE = "dispatch_centre", _("Dispatch centre")
    CLIENT_PIC = "client_pic", _("Client person in charge")
    CLIENT_SPECIALIST = "client_specialist", _("Client customer specialist")
    VENDOR_CONTACT = "vendor_contact", _("Vendor contact")
    HR_ADMIN = "hr_admin", _("HR / administration")


# Who sees everyone of the operating company.
COMPANY_WIDE = {
    Role.OPS_MANAGER,
    Role.HR_ADMIN,
    Role.DISPATCH_CENTRE,
    Role.CUSTOMER_SERVICE,
    Role.TECH_SUPPORT,
}
# Who sees the organisation unit (station or area) he belongs to, with everything below it.
UNIT_WIDE = {Role.STATION_HEAD, Role.STATION_MANAGER, Role.AREA_SUPERVISOR}
CLIENT_ROLES = {Role.CLIENT_PIC, Role.CLIENT_SPECIALIST}
# SEC-05: customer phone numbers in full only for those who call customers from the desk.
FULL_PHONE_ROLES = {Role.CUSTOMER_SERVICE, Role.DISPATCH_CENTRE, Role.OPS_MANAGER}
# Who may edit people (within what he sees).
PEOPLE_EDITORS = {Role.OPS_MANAGER, Role.HR_ADMIN, Role.STATION_MANAGER, Role.STATION_HEAD}
# Who may change the policy and read the audit log.
POLICY_EDITORS = {Role.OPS_MANAGER}
POLICY_READERS = COMPANY_WIDE | UNIT_WIDE | {Role.GROUP_LEADER}
AUDIT_READERS = {Role.OPS_MANAGER, Role.HR_ADMIN}


class EmploymentType(models.TextChoices):
    OWN = "own", _("Own staff")
    OUTSOURCED = "outsourced", _("Outsourced")
    RESIDENT = "resident", _("Resident at client site")
    RESERVE = "reserve", _("Reserve")
