from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Mission City workspace")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from applications import panels

        from . import recommendations
        from .navigation import remember_on_login
        from .panels import twin_pairing_panel

        # Cache plumbing only (no business flow): changes to what the engine scores start a
        # new version of the cached recommendations.
        recommendations.connect()

        user_logged_in.connect(remember_on_login, dispatch_uid="workspace_remember_on_login")
        panels.register(twin_pairing_panel)
