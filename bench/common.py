"""What the benchmarks share: Django in this process on a fresh database, and figures."""

import os
import resource
from pathlib import Path


def setup_django(tmp: Path) -> None:
    """Django on a temporary var/ folder and, without DATABASE_URL, a SQLite file in `tmp`."""
    os.environ["CREWDESK_VAR_DIR"] = str(tmp)  # secret key, Huey queue, uploads
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crewdesk.settings")
    os.environ.setdefault("CREWDESK_LOG_LEVEL", "WARNING")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'crewdesk.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test Client
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(tmp / "bench.sqlite3")  # a file, not :memory:


def fresh_database() -> str:
    """Create and migrate a new database (as the test runner does); returns the configured
    name, which `drop_database` needs to restore the settings."""
    from django.db import connection

    configured = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return configured


def drop_database(configured: str) -> None:
    from django.db import connection

    connection.creation.destroy_test_db(configured, verbosity=0)


def analyze() -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load of set-up data, as autovacuum
    does within a minute in a running system (SQLite has no statistics to refresh)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
