from django.urls import path

from interview.views import bank, dashboard

app_name = "interview"

urlpatterns = [
    path("", bank.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("guides/<slug:slug>/", bank.guide_detail, name="guide-detail"),
    path("topics/", bank.topic_list, name="topic-list"),
    path("topics/<slug:slug>/", bank.topic_detail, name="topic-detail"),
    path("questions/", bank.question_list, name="question-list"),
    path("questions/<int:pk>/", bank.question_detail, name="question-detail"),
]
