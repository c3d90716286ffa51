"""Account pages of our own; sign-up, login, passwords, email and two-factor are allauth's."""

import csv
import json
from itertools import chain

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import DeleteAccountForm, PreferencesForm
from accounts.selectors import ATTEMPT_EXPORT_FIELDS, api_tokens_of, attempt_rows, user_data_export

NEW_TOKEN_SESSION_KEY = "accounts:new-api-token"


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_preferences_update(
                user=request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        except ValidationError as error:
            request.user.refresh_from_db()
            form.add_error(None, error)
        else:
            messages.success(request, "Your preferences are saved.")
            return redirect("accounts:preferences")
    elif request.method == "POST":
        # ModelForm validation wrote the bad values onto request.user; show the saved ones elsewhere.
        request.user.refresh_from_db()
    return render(request, "accounts/preferences.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            _, clear_token = services.api_token_create(user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            # Shown once, on the next page: reloading that page creates nothing more.
            request.session[NEW_TOKEN_SESSION_KEY] = clear_token
            messages.success(request, "A new token was created. Copy it now: it will not be shown again.")
        return redirect("accounts:api-tokens")
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    context = {"tokens": api_tokens_of(request.user), "new_token": new_token}
    return render(request, "accounts/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_key: str) -> HttpResponse:
    if services.api_token_revoke(user=request.user, token_key=token_key):
        messages.success(request, f"The token starting {token_key} was revoked.")
    else:
        messages.error(request, "That token does not exist or was already revoked.")
    return redirect("accounts:api-tokens")


@login_required
def your_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/your_data.html")


@login_required
def export_json(request: HttpRequest) -> HttpResponse:
    data = json.dumps(user_data_export(request.user), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(data, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="interview-trainer-export.json"'
    return response


@login_required
def export_attempts_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every attempt as CSV, streamed so a long history does not sit in memory."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.DictWriter(Echo(), fieldnames=ATTEMPT_EXPORT_FIELDS)
    header = {name: name for name in ATTEMPT_EXPORT_FIELDS}
    rows = (writer.writerow(row) for row in chain([header], attempt_rows(request.user)))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="interview-trainer-attempts.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            services.account_delete(user=user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, "Your account and everything in it have been deleted.")
            return redirect("interview:home")
    return render(request, "accounts/delete_account.html", {"form": form})


# The signed token is the authority here, not a session: the link works signed out, and mail clients that
# follow RFC 8058 (List-Unsubscribe-Post) POST to it without a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop the daily "reviews waiting" email: GET asks to confirm, POST unsubscribes."""
    user = services.review_email_unsubscriber(token)
    if user is None:
        return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    if done:
        services.review_email_unsubscribe(user=user)
    return render(request, "accounts/unsubscribe.html", {"subscriber": user, "done": done})
