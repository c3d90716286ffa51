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
                "today_count": serializers.IntegerField(
                    help_text="Questions of the daily goal answered today, each once (never more than the goal)."
                ),
                "daily_goal": serializers.IntegerField(
                    help_text="Fixed when the local day begins: new questions plus the reviews due by its end."
                ),
                "topics": TopicStats(many=True),
                "weakest_topics": serializers.ListField(child=serializers.CharField()),
                "readiness": serializers.IntegerField(help_text="Whole percent, 0-100."),
                "days_to_interview": serializers.IntegerField(
                    required=False, help_text="With an interview date."
                ),
                "readiness_forecast": serializers.IntegerField(
                    required=False,
                    help_text="With an interview date: readiness on the day, keeping to the plan.",
                ),
                "new_per_day_planned": serializers.IntegerField(
                    required=False,
                    help_text="With an interview date: new questions a day (the most on any day).",
                ),
                "new_days_planned": serializers.IntegerField(
                    required=False, help_text="With an interview date: days on which new questions come in."
                ),
                "reviews_per_day_needed": serializers.IntegerField(
                    required=False,
                    help_text="With an interview date: other answers a day (reviews, lapses, learning steps).",
                ),
                "activity": DayCount(many=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        return Response(dashboard_stats(request.user, timezone.now()).as_api())
