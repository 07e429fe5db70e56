from django.urls import path, re_path

from . import legal, views

app_name = "core"
urlpatterns = [
    path("fortschritt/<uuid:job_id>/", views.job_detail, name="job"),
    path("healthz", views.healthz, name="healthz"),
    re_path(r"^(?P<page>impressum|datenschutz|barrierefreiheit)/$", legal.page, name="legal"),
]
