from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core import views as core_views
from core import views_jobs
from crewdesk.api import api
from people.views import LoginView

admin.site.site_header = _("crewdesk master data")
admin.site.site_title = "crewdesk"
admin.site.index_title = _("Master data")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", core_views.switch_language, name="set_language"),
    path("people/", include("people.urls")),
    path("attendance/import/", include("attendance.urls_import")),
    path("attendance/", include("attendance.urls", namespace="attendance")),
    path("requests/", include("leave.urls")),
    path("notifications/", include("notifications.urls")),
    path("orders/", include("workorders.urls")),
    path("assessment/", include("assessment.urls")),
    path("callbacks/", include("callbacks.urls")),
    path("statements/", include("statements.urls")),
    path("inspections/", include("inspections.urls")),
    path("registers/", include("registers.urls")),
    path("reports/", include("reports.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("policy/", core_views.policy_page, name="policy"),
    path("audit/", core_views.audit_page, name="audit"),
    path("tokens/", core_views.tokens_page, name="tokens"),
    path("tokens/<int:pk>/revoke/", core_views.token_revoke, name="token-revoke"),
    path("jobs/", views_jobs.job_list, name="jobs"),
    path("jobs/<int:pk>/", views_jobs.job_page, name="job"),
    path("jobs/<int:pk>/status/", views_jobs.job_status, name="job-status"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
