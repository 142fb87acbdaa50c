from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Cache plumbing only: a new or changed notice starts a new version of the cached public
        # pages (this app's privacy notice page is one of them).
        from django.db.models.signals import post_delete, post_save

        from twinning.pagecache import invalidate
        from users.models import Notice

        post_save.connect(invalidate, sender=Notice, dispatch_uid="pages-save-notice")
        post_delete.connect(invalidate, sender=Notice, dispatch_uid="pages-delete-notice")
