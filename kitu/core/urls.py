from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("fortschritt/<uuid:job_id>/", views.job_detail, name="job"),
    path("healthz", views.healthz, name="healthz"),
]
