"""The `crewdesk` command: Django's management commands under the project's name, so
`uv run crewdesk assess --month 2026-10` works like `python manage.py assess --month 2026-10`."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crewdesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["crewdesk", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
