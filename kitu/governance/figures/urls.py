from django.urls import path

from . import views

app_name = "figures"
urlpatterns = [
    path("", views.figures, name="index"),
    path("<int:year>/", views.figures, name="year"),
    path("<int:year>/jahreszahlen.xlsx", views.figures_xlsx, name="xlsx"),
]
