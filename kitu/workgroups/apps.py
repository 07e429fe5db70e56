from django.apps import AppConfig


class WorkgroupsConfig(AppConfig):
    name = "kitu.workgroups"
    label = "workgroups"
    verbose_name = "Arbeitskreise"
