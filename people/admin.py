from django.contrib import admin

from core.admin import AuditedAdmin
from people.models import Company, Customer, OrgUnit, Person, Skill, Team


@admin.register(Company)
class CompanyAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "parent", "client"]
    list_filter = ["kind", "client"]
    search_fields = ["name", "code"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "unit", "leader"]
    search_fields = ["name"]
    autocomplete_fields = ["leader"]


@admin.register(Skill)
class SkillAdmin(AuditedAdmin):
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["staff_no", "name", "role", "employment_type", "unit", "team", "active"]
    list_filter = ["role", "employment_type", "active", "unit"]
    search_fields = ["name", "staff_no", "phone"]
    autocomplete_fields = ["manager", "user"]
    filter_horizontal = ["skills", "zones"]


@admin.register(Customer)
class CustomerAdmin(AuditedAdmin):
    list_display = ["account_no", "name", "unit", "client"]
    search_fields = ["name", "account_no", "address"]
