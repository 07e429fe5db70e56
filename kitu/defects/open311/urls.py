from django.urls import path

from . import views

app_name = "open311"
urlpatterns = [
    path("discovery.<str:fmt>", views.discovery, name="discovery"),
    path("services.<str:fmt>", views.service_list, name="services"),
    path("services/<str:code>.<str:fmt>", views.service_definition, name="service"),
    path("requests.<str:fmt>", views.requests_view, name="requests"),
    path("requests/<int:request_id>.<str:fmt>", views.request_detail, name="request"),
    path("tokens/<str:token_id>.<str:fmt>", views.token, name="token"),
]
