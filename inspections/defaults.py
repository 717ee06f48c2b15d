"""The default checklists and plans shipped by migration 0002, loaded again when a database was
emptied after migrating (the demo loader, tests that flush tables)."""

import importlib

from django.apps import apps

from inspections.models import ChecklistTemplate, Plan


def ensure_defaults() -> None:
    if ChecklistTemplate.objects.exists() and Plan.objects.exists():
        return
    migration = importlib.import_module("inspections.migrations.0002_default_checklists_and_plans")
    migration.load(apps, None)
