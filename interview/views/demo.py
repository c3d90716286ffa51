"""Demo mode: "Try it with a demo learner" signs a visitor in as a learner with two weeks of history."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from interview.demo import demo_learner_ready


@require_POST
def demo_start(request: HttpRequest) -> HttpResponse:
    if not settings.DEMO_MODE:
        raise Http404("Demo mode is off.")
    if request.user.is_authenticated:
        # Never trade someone's own session for the demo account by a stray click.
        return redirect("interview:dashboard")
    try:
        demo = demo_learner_ready(now=timezone.now())
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("interview:home")
    login(request, demo, backend="accounts.backends.ModelBackend")
    messages.info(request, "You are the demo learner: everyone who tries the demo shares this account.")
    return redirect("interview:dashboard")
