from django.urls import path

from . import views

app_name = "assets"
urlpatterns = [
    path("", views.asset_list, name="list"),
    path("neu/", views.asset_new, name="new"),
    path("austauschplan/", views.plan, name="plan"),
    path("austauschplan/bedarf-melden/", views.into_campaign, name="into_campaign"),
    path("<int:asset_id>/", views.asset_detail, name="detail"),
    path("<int:asset_id>/status/", views.asset_status, name="status"),
]
