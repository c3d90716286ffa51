from django.urls import path

from accounts.api import ExportView, MeView, TokenView

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("me/export/", ExportView.as_view(), name="api-me-export"),
    path("auth/token/", TokenView.as_view(), name="api-auth-token"),
]
