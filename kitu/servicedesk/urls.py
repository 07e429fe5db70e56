from django.urls import path

from . import office_views, views

app_name = "servicedesk"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("neu/", views.ticket_new, name="new"),
    path("uebersicht/", views.dashboard_page, name="dashboard"),
    path("mail-eingang/", views.mail_in, name="mail_in"),
    path("einstellungen/", office_views.overview, name="office"),
    path("einstellungen/teams/neu/", office_views.team_edit, name="team_new"),
    path("einstellungen/teams/<int:team_id>/", office_views.team_edit, name="team_edit"),
    path("einstellungen/servicelevel/", office_views.level_edit, name="level_edit"),
    path("einstellungen/textbausteine/neu/", office_views.canned_edit, name="canned_new"),
    path("einstellungen/textbausteine/<int:reply_id>/", office_views.canned_edit, name="canned_edit"),
    path(
        "einstellungen/textbausteine/<int:reply_id>/ausser-gebrauch/", office_views.canned_retire, name="canned_retire"
    ),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("tickets/<int:ticket_id>/nachricht/", views.comment, name="comment"),
    path("tickets/<int:ticket_id>/status/", views.status, name="status"),
    path("tickets/<int:ticket_id>/zuweisung/", views.assign, name="assign"),
    path("tickets/<int:ticket_id>/zeit/", views.time_record, name="time"),
    path("tickets/<int:ticket_id>/zusammenfuehren/", views.merge, name="merge"),
    path("tickets/<int:ticket_id>/bewertung/", views.rate, name="rate"),
    path("tickets/<int:ticket_id>/anlagen/<int:attachment_id>/", views.attachment, name="attachment"),
]
