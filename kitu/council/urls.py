"""The council information system's pages: public pages per town under /rat/<slug>/, the councillors'
pages, and the council office's work under /sitzungsdienst/<slug>/. Each views module lists its own."""

from __future__ import annotations

from .views import councillor, meetings, papers, public, register

app_name = "council"
urlpatterns = [
    *public.urlpatterns,
    *councillor.urlpatterns,
    *register.urlpatterns,
    *papers.urlpatterns,
    *meetings.urlpatterns,
]
