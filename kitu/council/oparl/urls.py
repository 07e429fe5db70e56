"""OParl 1.1: the standard read interface of council information systems (https://oparl.org/), public
data only, under /oparl/v1/. The entry point is ``system``; every other URL is found from there."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from . import views

app_name = "oparl"
urlpatterns: list[URLPattern] = [
    path("system", views.system, name="system"),
    path("body", views.bodies, name="bodies"),
    path("body/<slug:slug>", views.body, name="body"),
    path("body/<slug:slug>/file/<int:pk>/access", views.file_access, name="file_access"),
    path("body/<slug:slug>/file/<int:pk>/download", views.file_download, name="file_download"),
]
for _kind in ("meeting", "consultation"):
    urlpatterns.append(
        path(
            f"body/<slug:slug>/organization/<int:pk>/{_kind}",
            views.organization_list,
            {"kind": _kind},
            name=f"organization_{_kind}_list",
        )
    )
for _kind in views.KINDS:
    urlpatterns += [
        path(f"body/<slug:slug>/{_kind}", views.object_list, {"kind": _kind}, name=f"{_kind}_list"),
        path(f"body/<slug:slug>/{_kind}/<int:pk>", views.object_detail, {"kind": _kind}, name=_kind),
    ]
# anything else under /oparl/v1/ is the spec's error object, not a page
urlpatterns.append(re_path(r"^(?P<rest>.*)$", views.unknown, name="unknown"))
