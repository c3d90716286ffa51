from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("tokens/", views.api_tokens, name="api-tokens"),
    path("tokens/<str:token_key>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("data/", views.your_data, name="your-data"),
    path("data/export.json", views.export_json, name="export-json"),
    path("data/attempts.csv", views.export_attempts_csv, name="export-attempts-csv"),
    path("delete/", views.delete_account, name="delete"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
