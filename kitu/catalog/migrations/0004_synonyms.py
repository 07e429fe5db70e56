"""Synonym groups of the catalog search (kept by the office), seeded with a default set; on SQLite the
vocabulary of the FTS5 index (``fts5vocab``) that spelling correction reads."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from kitu.catalog.text import stem

# Two-way groups: each word finds the articles of every other (the office edits the list on its page)
DEFAULT_GROUPS = [
    ["Laptop", "Notebook"],
    ["Bildschirm", "Monitor"],
    ["Beamer", "Projektor"],
    ["Smartphone", "Handy", "Mobiltelefon"],
    ["Tastatur", "Keyboard"],
    ["Dockingstation", "Portreplikator"],
    ["Computer", "Rechner", "PC"],
    ["Aktenvernichter", "Schredder", "Shredder"],
]
SQLITE_VOCAB = "CREATE VIRTUAL TABLE catalog_article_fts_vocab USING fts5vocab(catalog_article_fts, row)"


def seed(apps, schema_editor):
    group_model, term_model = apps.get_model("catalog", "SynonymGroup"), apps.get_model("catalog", "SynonymTerm")
    for words in DEFAULT_GROUPS:
        if term_model.objects.filter(key__in=[stem(w) for w in words]).exists():
            continue
        group = group_model.objects.create()
        term_model.objects.bulk_create([term_model(group=group, word=w, key=stem(w)) for w in words])


def unseed(apps, schema_editor):
    pass  # the tables go away with the models


def vocab(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_VOCAB)


def drop_vocab(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS catalog_article_fts_vocab")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_search_vector_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SynonymGroup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="angelegt")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "Synonymgruppe",
                "verbose_name_plural": "Synonymgruppen",
                "ordering": ["pk"],
            },
        ),
        migrations.CreateModel(
            name="SynonymTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=50, verbose_name="Begriff")),
                ("key", models.CharField(max_length=50, unique=True)),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="terms", to="catalog.synonymgroup"
                    ),
                ),
            ],
            options={
                "verbose_name": "Synonym",
                "verbose_name_plural": "Synonyme",
                "ordering": ["group", "pk"],
            },
        ),
        migrations.RunPython(seed, unseed),
        migrations.RunPython(vocab, drop_vocab),
    ]
