from django.urls import path

from .views import groups, meetings, news, personal

app_name = "workgroups"
urlpatterns = [
    path("", groups.group_list, name="list"),
    path("neu/", groups.group_create, name="group_create"),
    path("<int:group_id>/", groups.group_detail, name="group"),
    path("<int:group_id>/bearbeiten/", groups.group_edit, name="group_edit"),
    path("<int:group_id>/beitreten/", groups.group_join, name="join"),
    path("<int:group_id>/mitglieder/<int:user_id>/", groups.member_action, name="member_action"),
    path("<int:group_id>/dokumente/", groups.document_upload, name="document_upload"),
    path("<int:group_id>/dokumente/<int:document_id>/loeschen/", groups.document_remove, name="document_remove"),
    path("dokumente/<int:version_id>/", groups.document_download, name="document_download"),
    path("termine/neu/", meetings.meeting_create, name="meeting_create"),
    path("termine/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("termine/<int:meeting_id>/bearbeiten/", meetings.meeting_edit, name="meeting_edit"),
    path("termine/<int:meeting_id>/termin.ics", meetings.meeting_ics, name="meeting_ics"),
    path("termine/<int:meeting_id>/anmelden/", meetings.register, name="register"),
    path("termine/<int:meeting_id>/abmelden/", meetings.cancel, name="cancel"),
    path("termine/<int:meeting_id>/einladen/", meetings.meeting_invite, name="invite"),
    path("termine/<int:meeting_id>/anwesenheit/", meetings.attendance, name="attendance"),
    path("termine/<int:meeting_id>/protokoll/", meetings.minutes, name="minutes"),
    path("termine/<int:meeting_id>/protokoll/punkte/", meetings.minutes_item_add, name="minutes_item_add"),
    path(
        "termine/<int:meeting_id>/protokoll/punkte/<int:item_id>/loeschen/",
        meetings.minutes_item_remove,
        name="minutes_item_remove",
    ),
    path("aufgaben/<int:item_id>/erledigt/", meetings.action_done, name="action_done"),
    path("aktuelles/", news.news_list, name="news"),
    path("aktuelles/neu/", news.news_create, name="news_create"),
    path("aktuelles/<int:news_id>/bearbeiten/", news.news_edit, name="news_edit"),
    path("aktuelles/<int:news_id>/loeschen/", news.news_remove, name="news_remove"),
    path("kalender/", personal.calendar_page, name="calendar"),
    path("kalender/<str:token>.ics", personal.calendar_feed, name="feed"),
    path("gebuehren/", personal.fees, name="fees"),
]
