from django.urls import path

from people import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("organisation/", views.org_page, name="org"),
    path("customers/", views.customers_list, name="customers"),
]
