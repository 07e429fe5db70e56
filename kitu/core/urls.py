from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("fortschritt/<uuid:job_id>/", views.job_detail, name="job"),
    path("healthz", views.healthz, name="healthz"),
]
