from django.urls import path, re_path

from .views import manage, public, townpage, work

app_name = "defects"
urlpatterns = [
    path("bearbeitung/", work.inbox, name="inbox"),
    path("bearbeitung/<int:report_id>/", work.case, name="case"),
    path("bearbeitung/<int:report_id>/notiz/", work.note, name="note"),
    path("bearbeitung/<int:report_id>/duplikat/", work.merge, name="merge"),
    path("bearbeitung/<int:report_id>/foto/<int:photo_id>/loeschen/", work.photo_delete, name="photo_delete"),
    path("verwaltung/", manage.overview, name="manage"),
    path("verwaltung/<int:member_id>/", manage.service, name="manage_service"),
    path("verwaltung/<int:member_id>/kategorie/neu/", manage.category, name="manage_category_new"),
    path("verwaltung/<int:member_id>/kategorie/<int:category_id>/", manage.category, name="manage_category"),
    path("verwaltung/<int:member_id>/schluessel/", manage.key_create, name="manage_key"),
    path("verwaltung/<int:member_id>/schluessel/<int:client_id>/sperren/", manage.key_revoke, name="manage_key_revoke"),
    path("verwaltung/<int:member_id>/rechtliches/", townpage.manage, name="manage_town_page"),
    path("bestaetigen/<str:code>/", public.confirm, name="confirm"),
    path("foto/<int:photo_id>/", public.photo, name="photo"),
    path("<slug:slug>/", public.town, name="town"),
    path("<slug:slug>/wappen/", townpage.coat_of_arms, name="arms"),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/(?P<page>impressum|datenschutz|barrierefreiheit)/$", townpage.legal, name="legal"
    ),
    path("<slug:slug>/meldung/<uuid:token>/", public.track, name="track"),
    path("<slug:slug>/meldung/<uuid:token>/foto/<int:photo_id>/", public.track_photo, name="track_photo"),
]
