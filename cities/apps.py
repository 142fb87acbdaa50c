from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Mission Cities and reference data")

    def ready(self):
        # Every icontains on text ignores accents both ways (twinning.search).
        from twinning import search

        search.install()

        # Cache plumbing only (no business flow): any change to a Mission City, its items, the
        # call or the reference data starts a new version of the cached public pages.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from twinning.pagecache import invalidate

        for model in self.get_models():
            post_save.connect(invalidate, sender=model, dispatch_uid=f"pages-save-{model}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"pages-delete-{model}")
        m2m_changed.connect(invalidate, dispatch_uid="pages-m2m")
