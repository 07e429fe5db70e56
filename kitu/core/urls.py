from django.urls import path, re_path

from . import legal, views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    re_path(r"^(?P<page>impressum|datenschutz|barrierefreiheit)/$", legal.page, name="legal"),
]
