"""`make run`: migrate, load the demo when empty, then run the web server and the worker together.

Ctrl-C (SIGINT) or SIGTERM stops both; if either exits, the other is stopped too.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from people.demo import DEMO_PASSWORD, ROLE_LOGINS, demo_needed, load_demo

# Each app's demo rows, in dependency order; each loader is idempotent.
DEMO_LOADERS = (
    "statements.demo.load_demo_wages",
    "workorders.demo.load_demo_orders",
    "callbacks.demo.load_demo_callbacks",
    "assessment.demo.load_demo_assessment",
    "inspections.demo.load_demo_inspections",
    "registers.demo.load_demo_registers",
    "reports.demo.load_demo_reports",
    "attendance.demo.load_demo_arrivals",
)


class Command(BaseCommand):
    help = "Run crewdesk: web server (gunicorn) and background worker (Huey) on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("CREWDESK_HOST", "127.0.0.1"))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("CREWDESK_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--no-demo", action="store_true", help="Do not load the demo organisation."
        )

    def handle(self, *args, port, host, web_workers, no_demo, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from finders
        call_command("migrate", interactive=False, verbosity=0)
        if not no_demo and demo_needed():
            load_demo()
            for loader in DEMO_LOADERS:
                import_string(loader)()
            self.stdout.write(_("Demo organisation loaded."))
        python = sys.executable
        web = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "crewdesk.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(web_workers),
                "--no-control-socket",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "5",
            ]
        )
        worker = subprocess.Popen([python, "manage.py", "run_huey", "--quiet"])
        children = [web, worker]
        url = f"http://{host}:{port}/"
        self.stdout.write(
            self.style.SUCCESS(_("crewdesk runs at {url} (Ctrl-C stops it)").format(url=url))
        )
        self.stdout.write(_("Demo logins, password {password}:").format(password=DEMO_PASSWORD))
        for username, role in ROLE_LOGINS.items():
            self.stdout.write(f"  {username:<12} {role.label}")
        self.stdout.flush()

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        code = 0
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    code = child.returncode or 1
                    stopping = True
            time.sleep(0.2)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write(_("crewdesk stopped."))
        sys.exit(code)
