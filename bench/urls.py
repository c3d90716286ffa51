"""The app's URLs plus the "ceiling": the same middleware and authentication, one indexed read.

Every endpoint's throughput is reported as a ratio to this view, measured in the same run, so the figures
mean something on a shared, noisy machine.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from config.urls import urlpatterns as app_urlpatterns
from interview.models import ReviewState


@api_view(["GET"])
def ceiling_api(request: Request) -> Response:
    state = ReviewState.objects.filter(user=request.user).order_by("due").values("due").first()
    return Response({"next_due": state and state["due"]})


def ceiling_page(request: HttpRequest) -> JsonResponse:
    state = ReviewState.objects.filter(user=request.user).order_by("due").values("due").first()
    return JsonResponse({"next_due": state and state["due"]})


urlpatterns = [
    path("bench/ceiling/api/", ceiling_api),
    path("bench/ceiling/page/", ceiling_page),
    *app_urlpatterns,
]
