from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interview.selectors.dashboard import dashboard_stats


class DayCount(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()


class TopicStats(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    mastery = serializers.IntegerField(help_text="Whole percent: mean recall now over all its questions.")
    coverage = serializers.IntegerField(help_text="Whole percent of its questions practised at least once.")
    retention = serializers.IntegerField(
        allow_null=True, help_text="Whole percent: mean recall now over its practised questions."
    )
    practised = serializers.IntegerField()
    total = serializers.IntegerField()


class StatsView(APIView):
    """Exactly the numbers the dashboard shows (the same selector)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "Stats",
            {
                "due_now": serializers.IntegerField(),
                "new_available": serializers.IntegerField(),
                "forecast": DayCount(many=True),
                "streak_days": serializers.IntegerField(),
                "today_count": serializers.IntegerField(),
                "daily_goal": serializers.IntegerField(),
                "topics": TopicStats(many=True),
                "weakest_topics": serializers.ListField(child=serializers.CharField()),
                "readiness": serializers.IntegerField(help_text="Whole percent, 0-100."),
                "readiness_forecast": serializers.IntegerField(
                    required=False, help_text="With an interview date."
                ),
                "reviews_per_day_needed": serializers.IntegerField(required=False),
                "activity": DayCount(many=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        return Response(dashboard_stats(request.user, timezone.now(), with_trend=False).as_api())
