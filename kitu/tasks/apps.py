from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "kitu.tasks"
    label = "tasks"
    verbose_name = "Aufgaben"
