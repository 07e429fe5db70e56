from django.urls import path

from . import views, views_joining, views_picker

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("neu/", views.member_create, name="create"),
    path("mitgliederliste/", views.register, name="register"),
    path("statistik/", views.statistics, name="statistics"),
    path("auswahl/", views_picker.picker, name="picker"),
    path("beitritt/", views_joining.apply, name="joining"),
    path("beitritt/gesendet/", views_joining.sent, name="joining_sent"),
    path("beitritt/bestaetigen/<str:code>/", views_joining.confirm, name="joining_confirm"),
    path("beitritt/zuruecknehmen/<str:code>/", views_joining.withdraw, name="joining_withdraw"),
    path("<int:member_id>/", views.member_detail, name="detail"),
    path("<int:member_id>/bearbeiten/", views.member_edit, name="edit"),
    path("<int:member_id>/bestellvorgaben/", views.order_settings, name="order_settings"),
    path("<int:member_id>/vorgaenge/neu/", views.event_add, name="event_add"),
    path("<int:member_id>/vorgaenge/<int:event_id>/dokument/", views.event_document, name="event_document"),
    path("<int:member_id>/<slug:slug>/neu/", views.subrecord_edit, name="subrecord_create"),
    path("<int:member_id>/<slug:slug>/<int:pk>/", views.subrecord_edit, name="subrecord_edit"),
    path("<int:member_id>/<slug:slug>/<int:pk>/loeschen/", views.subrecord_delete, name="subrecord_delete"),
]
