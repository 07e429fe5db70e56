from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("neu/", views.member_create, name="create"),
    path("mitgliederliste/", views.register, name="register"),
    path("statistik/", views.statistics, name="statistics"),
    path("<int:member_id>/", views.member_detail, name="detail"),
    path("<int:member_id>/bearbeiten/", views.member_edit, name="edit"),
    path("<int:member_id>/bestellvorgaben/", views.order_settings, name="order_settings"),
    path("<int:member_id>/vorgaenge/neu/", views.event_add, name="event_add"),
    path("<int:member_id>/vorgaenge/<int:event_id>/dokument/", views.event_document, name="event_document"),
    path("<int:member_id>/<slug:slug>/neu/", views.subrecord_edit, name="subrecord_create"),
    path("<int:member_id>/<slug:slug>/<int:pk>/", views.subrecord_edit, name="subrecord_edit"),
    path("<int:member_id>/<slug:slug>/<int:pk>/loeschen/", views.subrecord_delete, name="subrecord_delete"),
]
