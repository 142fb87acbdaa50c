from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Twinning — NetZeroCities staff"
admin.site.site_title = "Twinning admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("privacy.urls")),
    path("", include("pairs.urls")),
    path("", include("matching.urls")),
    path("", include("applications.urls")),
    path("", include("workspace.urls")),
    path("", include("cities.urls")),
]
