from django.urls import path
from rest_framework.routers import DefaultRouter

from interview.api.assignments import AssignmentViewSet
from interview.api.cohorts import CohortViewSet
from interview.api.practice import AttemptViewSet, PracticeCheckView, PracticeFinishView, PracticeNextView
from interview.api.question_sets import QuestionSetViewSet
from interview.api.stats import StatsView
from interview.api.views import PublicAPIRootView, QuestionViewSet, TopicViewSet

router = DefaultRouter()
router.APIRootView = PublicAPIRootView
router.register("topics", TopicViewSet, basename="topic")
router.register("questions", QuestionViewSet, basename="question")
router.register("attempts", AttemptViewSet, basename="attempt")
router.register("cohorts", CohortViewSet, basename="cohort")
router.register("question-sets", QuestionSetViewSet, basename="question-set")
router.register("assignments", AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("practice/next/", PracticeNextView.as_view(), name="api-practice-next"),
    path("practice/check/", PracticeCheckView.as_view(), name="api-practice-check"),
    path("practice/finish/", PracticeFinishView.as_view(), name="api-practice-finish"),
    path("stats/", StatsView.as_view(), name="api-stats"),
    *router.urls,
]
