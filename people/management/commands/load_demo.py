from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from people.demo import DEMO_PASSWORD, demo_needed, load_demo
from workorders.demo import load_demo_orders


class Command(BaseCommand):
    help = "Load the demo organisation when the database has no people yet."

    def handle(self, *args, **options):
        if not demo_needed():
            self.stdout.write(_("The database already has people; demo data not loaded."))
            return
        logins = load_demo()
        load_demo_orders()
        self.stdout.write(
            _("Demo organisation loaded. Logins (password {password}):").format(
                password=DEMO_PASSWORD
            )
        )
        for username, label in logins.items():
            self.stdout.write(f"  {username:<12} {label}")
