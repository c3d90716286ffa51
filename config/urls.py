from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.api import json_error_or
from config.health import unavailable_or

# Swagger UI's page carries a small inline <style>; its scripts stay self-hosted files.
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("", include("interview.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("accounts.api_urls")),
    path("api/v1/", include("interview.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
]

# Under /api/ the errors Django answers itself (no route, a bad request, a crash) are JSON like the API's;
# a database that cannot be reached answers 503 with Retry-After instead of a 500 (config/health.py).
handler400 = json_error_or(defaults.bad_request, 400, "Bad request.")
handler404 = json_error_or(defaults.page_not_found, 404, "Not found.")
handler500 = unavailable_or(
    json_error_or(defaults.server_error, 500, "Server error: the request was not completed.")
)
