from django.urls import path

from . import views

app_name = "competitions"
urlpatterns = [
    path("", views.competition_list, name="list"),
    path("neu/", views.competition_create, name="create"),
    path("buendel/neu/", views.bundle_create, name="bundle_create"),
    path("<int:competition_id>/", views.competition_detail, name="detail"),
    path("<int:competition_id>/versenden/", views.competition_send, name="send"),
    path("<int:competition_id>/angebot/", views.offer_submit, name="offer"),
    path("<int:competition_id>/angebot/zurueckziehen/", views.offer_withdraw, name="withdraw"),
    path("<int:competition_id>/angebote/<int:offer_id>/dokument/", views.offer_document, name="document"),
    path("<int:competition_id>/bewertung/", views.score, name="score"),
    path("<int:competition_id>/zuschlag/", views.award, name="award"),
    path("<int:competition_id>/vergabevermerk.pdf", views.award_note, name="award_note"),
]
