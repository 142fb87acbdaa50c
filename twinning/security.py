"""Response headers every page gets (issue 12).

- `Permissions-Policy` on every response, static files included: the portal uses none of the
  browser's powerful features, so no page (nor anything it could embed) may ask for them.
- `Cache-Control: no-store` on every page served to a signed-in person: such pages carry
  personal data that no browser or shared cache may keep. Static files are left as WhiteNoise
  serves them (long-lived, public): this middleware sits before WhiteNoise in MIDDLEWARE and
  skips STATIC_URL.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
            and "no-store" not in response.get("Cache-Control", "")
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
