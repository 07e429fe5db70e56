from django.urls import path

from .views import bodies, changes, office, pages, representatives, voting

app_name = "governance"
urlpatterns = [
    path("", pages.index, name="index"),
    path("beschluesse/", pages.register, name="register"),
    path("versammlungen/neu/", office.assembly_create, name="assembly_create"),
    path("organe/", bodies.manage, name="bodies"),
    path("organe/personen/", bodies.member_add, name="body_member_add"),
    path("organe/personen/<int:person_id>/ende/", bodies.member_end, name="body_member_end"),
    path("organe/beschluesse/", bodies.resolution_record, name="body_resolution_record"),
    path("organe/beschluesse/<int:resolution_id>/dokument/", bodies.resolution_document, name="resolution_document"),
    path("versammlungen/<int:assembly_id>/bearbeiten/", changes.assembly_edit, name="assembly_edit"),
    path("versammlungen/<int:assembly_id>/absagen/", changes.assembly_cancel, name="assembly_cancel"),
    path(
        "versammlungen/<int:assembly_id>/tagesordnung/<int:item_id>/", changes.agenda_item_edit, name="agenda_item_edit"
    ),
    path(
        "versammlungen/<int:assembly_id>/unterlagen/<int:document_id>/entfernen/",
        changes.document_remove,
        name="document_remove",
    ),
    path("versammlungen/<int:assembly_id>/", pages.assembly, name="assembly"),
    path("versammlungen/<int:assembly_id>/protokoll/", pages.minutes, name="minutes"),
    path("versammlungen/<int:assembly_id>/protokoll/hochladen/", office.minutes_upload, name="minutes_upload"),
    path("versammlungen/<int:assembly_id>/einladen/", office.invite, name="invite"),
    path("versammlungen/<int:assembly_id>/tagesordnung/", office.agenda_add, name="agenda_add"),
    path("versammlungen/<int:assembly_id>/unterlagen/", office.document_add, name="document_add"),
    path("versammlungen/<int:assembly_id>/antraege/", office.resolution_add, name="resolution_add"),
    path("versammlungen/<int:assembly_id>/vollmacht/", voting.proxy, name="proxy"),
    path("versammlungen/<int:assembly_id>/anmelden/<int:member_id>/", voting.attend, name="attend"),
    path("versammlungen/<int:assembly_id>/anwesend/<int:attendance_id>/", office.check_in, name="check_in"),
    path("versammlungen/<int:assembly_id>/beschluesse/<int:resolution_id>/abstimmen/", voting.vote, name="vote"),
    path(
        "versammlungen/<int:assembly_id>/beschluesse/<int:resolution_id>/quittung/",
        voting.receipt_lookup,
        name="receipt_lookup",
    ),
    path(
        "versammlungen/<int:assembly_id>/beschluesse/<int:resolution_id>/<str:to>/",
        office.transition,
        name="transition",
    ),
    path("unterlagen/<int:document_id>/", pages.document, name="document"),
    path("vertretungen/<int:member_id>/", representatives.manage, name="representatives"),
    path(
        "vertretungen/<int:member_id>/<int:representative_id>/entfernen/",
        representatives.remove,
        name="representative_remove",
    ),
    path("vollmachten/<int:representative_id>/", pages.authority, name="authority"),
]
