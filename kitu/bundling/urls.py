from django.urls import path

from . import views

app_name = "bundling"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("neu/", views.campaign_create, name="create"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/bearbeiten/", views.campaign_edit, name="edit"),
    path("<int:campaign_id>/positionen/", views.item_add, name="item_add"),
    path("<int:campaign_id>/positionen/<int:item_id>/entfernen/", views.item_remove, name="item_remove"),
    path("<int:campaign_id>/status/<slug:action>/", views.transition, name="transition"),
    path("<int:campaign_id>/meldung/", views.report, name="report"),
    path("<int:campaign_id>/ausschreibungsmengen.xlsx", views.tender_export, name="tender_export"),
    path("<int:campaign_id>/angebote/", views.offers, name="offers"),
    path("<int:campaign_id>/angebote/vorlage.xlsx", views.offers_template, name="offers_template"),
    path("<int:campaign_id>/angebote/import/", views.offers_import, name="offers_import"),
    path("<int:campaign_id>/angebote/<int:offer_id>/entfernen/", views.offer_remove, name="offer_remove"),
    path("<int:campaign_id>/angebote/lose/", views.offer_lot_add, name="offer_lot_add"),
    path("<int:campaign_id>/angebote/lose/<int:lot_id>/entfernen/", views.offer_lot_remove, name="offer_lot_remove"),
    path("<int:campaign_id>/optimierung/", views.optimise, name="optimise"),
    path("<int:campaign_id>/optimierung/<int:run_id>/", views.run_detail, name="run"),
    path("<int:campaign_id>/optimierung/<int:run_id>/zuschlag.xlsx", views.run_export, name="run_export"),
    path("<int:campaign_id>/vergabe/", views.award, name="award"),
]
