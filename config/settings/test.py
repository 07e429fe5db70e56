"""Test settings: fast hashing, eager tasks, in-memory mail, throttling on (it is tested)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

# No second connection in tests: kitu/core/tests/test_replica.py lends the test database's connection to the
# "replica" alias (a mirror alias would be a second connection that does not see the test's transaction).
DATABASES = {"default": DATABASES["default"]}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
KITU_RELAX_2FA = False
KITU_DEMO = False
DEBUG = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
KITU_MAP_TILES = ""  # no network in tests; maps work without a background
