from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from twinning import adminnav
from twinning.health import healthz
from users.forms import AdminLoginForm
from users.twofactor import admin_login

admin.site.site_header = "Twinning — NetZeroCities staff"
admin.site.site_title = "Twinning admin"
# The admin's sign-in shares the throttle of /accounts/login/ (users/throttle.py) and goes through
# allauth's login flow, which asks staff for their second factor (users/twofactor.py).
admin.site.login_form = AdminLoginForm
admin.site.login = admin_login
# The sidebar's list of models is built once per set of permissions (twinning/adminnav.py).
adminnav.install(admin.site)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("privacy.urls")),
    path("", include("pairs.urls")),
    path("", include("matching.urls")),
    path("", include("applications.urls")),
    path("", include("workspace.urls")),
    path("", include("cities.urls")),
]

if getattr(settings, "LOADTEST_BARE_VIEW", False):
    from twinning.loadtest import bare_ok

    urlpatterns.insert(0, path("loadtest/ok", bare_ok, name="loadtest_ok"))
