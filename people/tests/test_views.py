"""Pages: login, role-aware navigation, scoping (404 for outsiders), edits with audit entries."""

import pytest
from django.urls import reverse

from core.models import AuditEntry, LoginAttempt
from people.models import Person

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-1"


def login(client, persona):
    client.force_login(persona.user)
    return client


def test_the_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_login_with_username_or_phone(client, org):
    response = client.post(reverse("login"), {"username": "engineer_a", "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    response = client.post(
        reverse("login"), {"username": org.engineer_a.phone, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", actor=org.engineer_a.user).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"username": "engineer_a", "password": "wrong"},
        {"username": "", "password": ""},
        {"username": "x" * 500, "password": "y"},
        {"password": "only"},
    ],
)
def test_malformed_or_wrong_logins_get_a_clear_error(client, org, data):
    response = client.post(reverse("login"), data)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


def test_logins_are_rate_limited(client, org, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "engineer_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "engineer_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.count() == 3


def test_pages_need_a_login(client):
    response = client.get(reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "has", "lacks"),
    [
        ("ops", ["/policy/", "/audit/", "/people/customers/"], []),
        ("engineer_a", ["/people/"], ["/policy/", "/audit/"]),
        ("manager_a", ["/policy/"], ["/audit/"]),
        ("vendor_contact", ["/people/"], ["/people/customers/", "/policy/"]),
        ("hr", ["/audit/"], []),
    ],
)
def test_navigation_depends_on_the_role(client, org, persona, has, lacks):
    login(client, getattr(org, persona))
    urls = [item["url"] for item in client.get(reverse("home")).context["nav_items"]]
    for url in has:
        assert url in urls
    for url in lacks:
        assert url not in urls


def test_an_engineer_of_station_a_gets_404_for_a_person_of_station_b(client, org):
    login(client, org.engineer_a)
    assert client.get(reverse("people:detail", args=[org.engineer_b.pk])).status_code == 404
    assert client.get(reverse("people:detail", args=[org.engineer_a.pk])).status_code == 200
    assert client.get(reverse("people:edit", args=[org.engineer_a.pk])).status_code == 404


def test_people_list_is_scoped_and_filtered(client, org):
    login(client, org.manager_a)
    names = {p.name for p in client.get(reverse("people:list")).context["page"]}
    assert org.engineer_a.name in names and org.engineer_b.name not in names
    response = client.get(reverse("people:list"), {"role": "group_leader"})
    assert [p.pk for p in response.context["page"]] == [org.leader_a.pk]
    response = client.get(
        reverse("people:list"), {"q": org.engineer_a.staff_no}, HTTP_HX_REQUEST="true"
    )
    assert response.templates[0].name == "people/_people_rows.html"


def test_customer_phones_are_masked_on_the_page(client, org):
    login(client, org.engineer_a)
    page = client.get(reverse("people:customers")).content.decode()
    assert "135****1203" in page and "13512341203" not in page
    login(client, org.cs)
    assert "13512341203" in client.get(reverse("people:customers")).content.decode()


def test_a_station_manager_edits_his_engineer_and_the_change_is_audited(client, org):
    login(client, org.manager_a)
    url = reverse("people:edit", args=[org.engineer_a.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"skills", "zones"}}
    data.update(role="group_leader", name="新名字")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    org.engineer_a.refresh_from_db()
    assert (org.engineer_a.role, org.engineer_a.name) == ("group_leader", "新名字")
    entry = AuditEntry.objects.get(action="people.person.updated")
    assert entry.changes["role"] == ["engineer", "group_leader"]
    assert entry.actor == org.manager_a.user


def test_a_station_manager_may_not_make_an_operations_manager(client, org):
    login(client, org.manager_a)
    url = reverse("people:edit", args=[org.engineer_a.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"skills", "zones"}}
    data["role"] = "ops_manager"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    org.engineer_a.refresh_from_db()
    assert org.engineer_a.role == "engineer"
    assert not AuditEntry.objects.filter(action="people.person.updated").exists()


def test_the_operations_manager_adds_a_person(client, org):
    login(client, org.ops)
    response = client.post(
        reverse("people:create"),
        {
            "username": "newbie",
            "password": "a-long-pass",
            "name": "新人",
            "staff_no": "N0001",
            "phone": "13800138000",
            "role": "engineer",
            "employment_type": "reserve",
            "employer": org.own.pk,
            "unit": org.station_a.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get(staff_no="N0001")
    assert person.user.check_password("a-long-pass")
    assert AuditEntry.objects.filter(
        action="people.person.created", object_id=str(person.pk)
    ).exists()


def test_policy_and_audit_pages_are_404_for_those_not_allowed(client, org):
    login(client, org.engineer_a)
    assert client.get(reverse("policy")).status_code == 404
    assert client.get(reverse("audit")).status_code == 404
    login(client, org.manager_a)
    assert client.get(reverse("policy")).status_code == 200
    assert client.post(reverse("policy"), {"wo.contact_within_minutes": "15"}).status_code == 404


def test_the_policy_page_saves_and_shows_errors_per_field(client, org):
    login(client, org.ops)
    page = client.get(reverse("policy"))
    data = {
        row["spec"].key: row["value"] for row in page.context["rows"] if row["spec"].kind != "bool"
    }
    data |= {
        row["spec"].key: "true"
        for row in page.context["rows"]
        if row["spec"].kind == "bool" and row["value"]
    }
    bad = data | {"wo.contact_within_minutes": "-5", "wo.chain_fine": "abc"}
    response = client.post(reverse("policy"), bad)
    assert response.status_code == 200
    assert set(response.context["errors"]) == {"wo.contact_within_minutes", "wo.chain_fine"}
    assert not AuditEntry.objects.filter(action="policy.version.created").exists()
    response = client.post(
        reverse("policy"), data | {"wo.contact_within_minutes": "15", "comment": "试行"}
    )
    assert response.status_code == 302
    history = client.get(reverse("policy")).context["history"]
    assert history[0].changes == {"wo.contact_within_minutes": [10, 15]}


def test_audit_page_lists_changes(client, org):
    login(client, org.hr)
    client.get(reverse("audit"))
    login(client, org.ops)
    assert client.get(reverse("audit"), {"action": "auth."}).status_code == 200


def test_the_english_page_is_english(client, org):
    login(client, org.ops)
    client.cookies["django_language"] = "en"
    assert 'lang="en"' in client.get(reverse("home")).content.decode()


def test_healthz_reports_database_and_worker(client, db):
    data = client.get("/healthz").json()
    assert data["status"] == "ok" and data["database"] == "ok"
    assert data["worker"] in {"ok", "stale", "unknown"}


def test_security_headers_are_set(client):
    response = client.get(reverse("login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_are_chinese_whatever_the_browser_asks(client, org):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page


def test_the_language_switch_is_remembered_for_the_person(client, org):
    login(client, org.engineer_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    org.engineer_a.refresh_from_db()
    assert org.engineer_a.language == "en"
    assert 'lang="en"' in client.get(reverse("home")).content.decode()
    client.cookies.clear()
    login(client, org.engineer_a)  # another device: the saved preference applies
    assert 'lang="en"' in client.get(reverse("home")).content.decode()
