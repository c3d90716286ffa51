from django.urls import path

from interview.views import bank, dashboard, practice

app_name = "interview"

urlpatterns = [
    path("", bank.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("history/", dashboard.history, name="history"),
    path("guides/<slug:slug>/", bank.guide_detail, name="guide-detail"),
    path("topics/", bank.topic_list, name="topic-list"),
    path("topics/<slug:slug>/", bank.topic_detail, name="topic-detail"),
    path("questions/", bank.question_list, name="question-list"),
    path("questions/<int:pk>/", bank.question_detail, name="question-detail"),
    path("questions/<int:pk>/note/", practice.question_note, name="question-note"),
    path("questions/<int:pk>/flag/", practice.question_flag, name="question-flag"),
    path("practice/", practice.practice_home, name="practice"),
    path("practice/start/", practice.practice_start, name="practice-start"),
    path("practice/<int:pk>/", practice.practice_session, name="practice-session"),
    path("practice/<int:pk>/reveal/", practice.practice_reveal, name="practice-reveal"),
    path("practice/<int:pk>/check/", practice.practice_check, name="practice-check"),
    path("practice/<int:pk>/rate/", practice.practice_rate, name="practice-rate"),
    path("practice/<int:pk>/answer/", practice.practice_mock_answer, name="practice-mock-answer"),
    path("practice/<int:pk>/summary/", practice.practice_summary, name="practice-summary"),
]
