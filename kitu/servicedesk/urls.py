from django.urls import path

from . import views

app_name = "servicedesk"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("neu/", views.ticket_new, name="new"),
    path("uebersicht/", views.dashboard_page, name="dashboard"),
    path("mail-eingang/", views.mail_in, name="mail_in"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("tickets/<int:ticket_id>/nachricht/", views.comment, name="comment"),
    path("tickets/<int:ticket_id>/status/", views.status, name="status"),
    path("tickets/<int:ticket_id>/zuweisung/", views.assign, name="assign"),
    path("tickets/<int:ticket_id>/zeit/", views.time_record, name="time"),
    path("tickets/<int:ticket_id>/zusammenfuehren/", views.merge, name="merge"),
    path("tickets/<int:ticket_id>/bewertung/", views.rate, name="rate"),
    path("tickets/<int:ticket_id>/anlagen/<int:attachment_id>/", views.attachment, name="attachment"),
]
