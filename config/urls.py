from django.urls import include, path

from kitu.core import urls as core_urls
from kitu.tasks import views as task_views

from . import views
from .api import api

# The start page is the task inbox (kitu.tasks) and the progress page needs the accounts policy; both keep
# their names "core:home" and "core:job" next to core's own pages, put together here because core imports
# no domain app.
core_patterns = [
    path("", task_views.home, name="home"),
    path("fortschritt/<uuid:job_id>/", views.job_detail, name="job"),
    *core_urls.urlpatterns,
]

urlpatterns = [
    # the API first: its requests (the order path, issue 23.3) need not be tried against every page's patterns
    path("api/v1/", api.urls),
    path("", include((core_patterns, "core"))),
    path("aufgaben/", include("kitu.tasks.urls")),
    path("konto/", include("kitu.accounts.urls")),
    path("mitglieder/", include("kitu.members.urls")),
    path("rahmenvertraege/", include("kitu.contracts.urls")),
    path("katalog/", include("kitu.catalog.urls")),
    path("bedarfsbuendelung/", include("kitu.bundling.urls")),
    path("arbeitskreise/", include("kitu.workgroups.urls")),
    path("bestellungen/", include("kitu.orders.urls")),
    path("maengel/", include("kitu.defects.urls")),
    path("leistungen/", include("kitu.billing.urls")),
    path("eingangsrechnungen/", include("kitu.payables.urls")),
    path("kleinwettbewerbe/", include("kitu.competitions.urls")),
    path("servicedesk/", include("kitu.servicedesk.urls")),
    path("jahreszahlen/", include("kitu.governance.figures.urls")),
    path("fachverfahren/", include("kitu.procedures.urls")),
    path("inventar/", include("kitu.assets.urls")),
    path("genossenschaft/", include("kitu.governance.urls")),
    path("open311/v2/", include("kitu.defects.open311.urls")),
    path("", include("kitu.council.urls")),
    path("oparl/v1/", include("kitu.council.oparl.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "kitu.core.errorpages.bad_request"
handler403 = "kitu.core.errorpages.permission_denied"
handler404 = "kitu.core.errorpages.page_not_found"
handler500 = "kitu.core.errorpages.server_error"
