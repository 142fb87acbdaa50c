from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

admin.site.site_header = "Twinning — NetZeroCities staff"
admin.site.site_title = "Twinning admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path(
        "privacy/",
        TemplateView.as_view(template_name="pages/privacy.html"),
        name="privacy",
    ),
    path("", include("matching.urls")),
    path("", include("applications.urls")),
    path("", include("workspace.urls")),
    path("", include("cities.urls")),
]
