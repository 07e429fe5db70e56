from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.search, name="search"),
    path("artikel/<int:article_id>/", views.article, name="article"),
    path("artikel/<int:article_id>/bild/", views.article_image, name="article_image"),
    path("vergleich/", views.compare, name="compare"),
    path("synonyme/", views.synonyms, name="synonyms"),
    path("synonyme/<int:group_id>/loeschen/", views.synonym_delete, name="synonym_delete"),
    path("import/<int:contract_id>/", views.imports, name="imports"),
    path("import/ergebnis/<int:import_id>/", views.import_result, name="import_result"),
]
