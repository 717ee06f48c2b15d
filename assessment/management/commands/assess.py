"""`crewdesk assess --month 2026-10 [--to 2026-12] [--policy FILE] [--json]` (issue 5 item 7).

Without --policy: the month's assessment under the current policy, per person (points, fines by
rule, thresholds crossed: KPI-08, KPI-09, BEH-02, KPI-12). With --policy: the what-if replay under
that policy file next to the current policy and the ledger, per person and rule, who would cross
a threshold and the fines in total. Reads only; the ledger is never touched. Errors exit with
status 1 and the message.
"""

import json
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from assessment.replay import Report, load_policy_file, replay
from core.errors import DomainError, ValidationErrors
from core.money import cny
from people.models import OrgUnit, Person


def parse_month(text: str, option: str) -> date:
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise CommandError(
            _("{option}: give a month as YYYY-MM, e.g. 2026-10 (got {value!r}).").format(
                option=option, value=text
            )
        ) from None


def width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(
            str(c) + " " * (w - width(str(c))) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def money(value: Decimal) -> str:
    return f"{cny(value):,.2f}"


def points(value: Decimal) -> str:
    return f"{value.normalize() + 0}"


def delta(value: Decimal) -> str:
    return ("+" if value > 0 else "") + money(value) if value else "0"


class Command(BaseCommand):
    help = (
        "The month's assessment under the current policy, or its what-if replay under a policy "
        "file (--policy), without touching the ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="first month, YYYY-MM")
        parser.add_argument("--to", help="last month of a range, YYYY-MM")
        parser.add_argument(
            "--policy", help="policy file (JSON or .toml) with params and disabled_rules"
        )
        parser.add_argument(
            "--station", help="only the people of this organisation unit (its code)"
        )
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument("--language", choices=["zh-hans", "en"], help="language of the table")

    def handle(self, *args, **options):
        with translation.override(options["language"] or translation.get_language()):
            self.run(options)

    def run(self, options) -> None:
        first = parse_month(options["month"], "--month")
        last = parse_month(options["to"], "--to") if options["to"] else first
        policy = None
        if options["policy"]:
            path = Path(options["policy"])
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise CommandError(
                    _("--policy: cannot read {path}: {error}").format(path=path, error=exc.strerror)
                ) from None
            try:
                policy = load_policy_file(content, path.name)
            except ValidationErrors as exc:
                raise CommandError(self.errors(exc)) from None
        person_ids = None
        if options["station"]:
            unit = OrgUnit.objects.filter(code=options["station"]).first()
            if unit is None:
                raise CommandError(
                    _("--station: no organisation unit has the code {code}.").format(
                        code=options["station"]
                    )
                )
            person_ids = Person.objects.filter(unit__path__startswith=unit.path).values_list(
                "pk", flat=True
            )
        try:
            report = replay(first, last, policy=policy, person_ids=person_ids)
        except ValidationErrors as exc:
            raise CommandError(self.errors(exc)) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        elif policy is None:
            self.write_assessment(report)
        else:
            self.write_replay(report)

    def errors(self, exc: ValidationErrors) -> str:
        lines = [_("The policy file is refused; nothing was stored:")]
        lines += [f"  {key}: {message}" for key, message in exc.errors.items()]
        return "\n".join(lines)

    def heading(self, report: Report) -> str:
        if report.first == report.last:
            return _("Assessment {month}").format(month=f"{report.first:%Y-%m}")
        return _("Assessment {first} to {last}").format(
            first=f"{report.first:%Y-%m}", last=f"{report.last:%Y-%m}"
        )

    def write_assessment(self, report: Report) -> None:
        """Under the current policy: points, fines by rule and thresholds per person."""
        rows = []
        for person in report.people:
            total = person.total("current")
            if not total.count and not person.thresholds["current"]:
                continue
            by_rule = ", ".join(
                f"{rule} {money(f['current'].fine)}"
                + (f" (−{points(f['current'].points)})" if f["current"].points else "")
                for rule, f in sorted(person.rules.items())
                if f["current"].count
            )
            rows.append(
                [
                    person.staff_no,
                    person.name,
                    person.unit,
                    points(total.points),
                    money(total.fine),
                    by_rule,
                    self.crossed(person.thresholds["current"]),
                ]
            )
        self.stdout.write(self.heading(report))
        self.stdout.write(
            table(
                [
                    _("Staff no."),
                    _("Name"),
                    _("Unit"),
                    _("Points"),
                    _("Fines (CNY)"),
                    _("By rule"),
                    _("Thresholds"),
                ],
                rows,
            )
        )
        totals = report.totals()["current"]
        self.stdout.write(
            _(
                "{people} people assessed, {listed} with entries; {points} points, fines {fine} CNY."
            ).format(
                people=report.people_assessed,
                listed=len(rows),
                points=points(totals.points),
                fine=money(totals.fine),
            )
        )
        differs = sum(
            1 for p in report.people if p.total("ledger").as_dict() != p.total("current").as_dict()
        )
        if differs:
            self.stdout.write(
                _(
                    "The ledger differs for {n} people: run the month's assessment again to bring it in line."
                ).format(n=differs)
            )

    def write_replay(self, report: Report) -> None:
        """Under the policy file: per rule and per person the difference against the current
        policy and the ledger, who would cross a threshold and the fines in total."""
        policy = report.policy
        self.stdout.write(self.heading(report))
        changed = ", ".join(f"{k} = {v}" for k, v in sorted(policy.params.items())) or "—"
        disabled = ", ".join(sorted(policy.disabled_rules)) or "—"
        self.stdout.write(_("Changed parameters: {params}").format(params=changed))
        self.stdout.write(_("Rules left out: {rules}").format(rules=disabled))
        self.stdout.write("")
        rule_rows = []
        for rule, row in report.rule_totals().items():
            ledger, current, replayed = row["ledger"], row["current"], row["replay"]
            rule_rows.append(
                [
                    rule,
                    points(current.points),
                    points(replayed.points),
                    money(ledger.fine),
                    money(current.fine),
                    money(replayed.fine),
                    delta(replayed.fine - current.fine),
                ]
            )
        header = [
            _("Rule"),
            _("Points now"),
            _("Points replayed"),
            _("Ledger (CNY)"),
            _("Now (CNY)"),
            _("Replayed (CNY)"),
            _("Difference"),
        ]
        totals = report.totals()
        rule_rows.append(
            [
                _("Total"),
                points(totals["current"].points),
                points(totals["replay"].points),
                money(totals["ledger"].fine),
                money(totals["current"].fine),
                money(totals["replay"].fine),
                delta(totals["replay"].fine - totals["current"].fine),
            ]
        )
        self.stdout.write(table(header, rule_rows))
        self.stdout.write("")
        counts = report.threshold_counts()
        self.stdout.write(
            table(
                [_("Threshold"), _("Ledger"), _("Now"), _("Replayed")],
                [
                    [rule, str(c["ledger"]), str(c["current"]), str(c["replay"])]
                    for rule, c in counts.items()
                ],
            )
        )
        changes = report.threshold_changes("current")
        for title, key in (
            (_("Would cross a threshold:"), "crossing"),
            (_("Would no longer cross:"), "no_longer"),
        ):
            if changes[key]:
                self.stdout.write("")
                self.stdout.write(title)
                for c in changes[key]:
                    self.stdout.write(
                        f"  {c['staff_no']} {c['name']}  {c['month']} {c['rule']} ({c['basis']})"
                    )
        people = []
        for person in report.people:
            current, replayed, ledger = (person.total(v) for v in ("current", "replay", "ledger"))
            if not person.differs:
                continue
            people.append(
                [
                    person.staff_no,
                    person.name,
                    f"{points(current.points)} → {points(replayed.points)}",
                    f"{money(current.fine)} → {money(replayed.fine)}",
                    delta(replayed.fine - current.fine),
                    delta(replayed.fine - ledger.fine),
                    f"{self.crossed(person.thresholds['current'])} → {self.crossed(person.thresholds['replay'])}",
                ]
            )
        self.stdout.write("")
        if people:
            self.stdout.write(
                table(
                    [
                        _("Staff no."),
                        _("Name"),
                        _("Points"),
                        _("Fines (CNY)"),
                        _("Difference"),
                        _("Against the ledger"),
                        _("Thresholds"),
                    ],
                    people,
                )
            )
        self.stdout.write(
            _("{changed} of {people} people assessed would be assessed differently.").format(
                changed=len(people), people=report.people_assessed
            )
        )

    def crossed(self, thresholds) -> str:
        return ", ".join(f"{c.rule_id} {c.month:%Y-%m}" for c in thresholds) or "—"
