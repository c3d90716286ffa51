"""Feedback serializers shared by the attempt endpoints."""

from rest_framework import serializers

from config.api import StrictInput
from interview.api.fields import MAX_ID
from interview.limits import FEEDBACK_MAX_LENGTH, REPLY_MAX_LENGTH
from interview.models import Feedback


class FeedbackSerializer(serializers.ModelSerializer):
    mentor = serializers.CharField(source="mentor.__str__", read_only=True)

    class Meta:
        model = Feedback
        fields = ["id", "attempt", "mentor", "text", "created_at", "read_at", "reply", "replied_at"]
        read_only_fields = fields


class FeedbackWriteSerializer(StrictInput, serializers.Serializer):
    text = serializers.CharField(
        required=False, max_length=FEEDBACK_MAX_LENGTH, help_text="The mentor's feedback."
    )
    feedback = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="The learner replies to this feedback."
    )
    reply = serializers.CharField(
        required=False, max_length=REPLY_MAX_LENGTH, help_text="The learner's reply."
    )
    read = serializers.BooleanField(required=False, help_text="The learner marks the feedback read.")
