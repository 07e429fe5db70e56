from django.urls import path

from . import views

app_name = "workgroups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("neu/", views.group_create, name="group_create"),
    path("<int:group_id>/", views.group_detail, name="group"),
    path("<int:group_id>/bearbeiten/", views.group_edit, name="group_edit"),
    path("<int:group_id>/beitreten/", views.group_join, name="join"),
    path("<int:group_id>/mitglieder/<int:user_id>/", views.member_action, name="member_action"),
    path("<int:group_id>/dokumente/", views.document_upload, name="document_upload"),
    path("<int:group_id>/dokumente/<int:document_id>/loeschen/", views.document_remove, name="document_remove"),
    path("dokumente/<int:version_id>/", views.document_download, name="document_download"),
    path("termine/neu/", views.meeting_create, name="meeting_create"),
    path("termine/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("termine/<int:meeting_id>/bearbeiten/", views.meeting_edit, name="meeting_edit"),
    path("termine/<int:meeting_id>/termin.ics", views.meeting_ics, name="meeting_ics"),
    path("termine/<int:meeting_id>/anmelden/", views.register, name="register"),
    path("termine/<int:meeting_id>/abmelden/", views.cancel, name="cancel"),
    path("termine/<int:meeting_id>/einladen/", views.meeting_invite, name="invite"),
    path("termine/<int:meeting_id>/anwesenheit/", views.attendance, name="attendance"),
    path("termine/<int:meeting_id>/protokoll/", views.minutes, name="minutes"),
    path("termine/<int:meeting_id>/protokoll/punkte/", views.minutes_item_add, name="minutes_item_add"),
    path(
        "termine/<int:meeting_id>/protokoll/punkte/<int:item_id>/loeschen/",
        views.minutes_item_remove,
        name="minutes_item_remove",
    ),
    path("aufgaben/<int:item_id>/erledigt/", views.action_done, name="action_done"),
    path("aktuelles/", views.news_list, name="news"),
    path("aktuelles/neu/", views.news_create, name="news_create"),
    path("aktuelles/<int:news_id>/bearbeiten/", views.news_edit, name="news_edit"),
    path("aktuelles/<int:news_id>/loeschen/", views.news_remove, name="news_remove"),
    path("kalender/", views.calendar_page, name="calendar"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="feed"),
    path("gebuehren/", views.fees, name="fees"),
]
