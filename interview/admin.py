from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from interview.models import (
    Attempt,
    CodeSnippet,
    Cohort,
    GradedQuestion,
    Guide,
    ImportJob,
    KeyPoint,
    Question,
    QuestionFlag,
    Topic,
)
from interview.selectors.grading import agreement_of, overall_agreement, questions_with_agreement


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "source_file", "active_questions"]
    search_fields = ["title", "slug", "intro"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Guide]:
        return (
            super()
            .get_queryset(request)
            .annotate(active_count=Count("questions", filter=Q(questions__is_active=True)))
        )

    @admin.display(description="Active questions", ordering="active_count")
    def active_questions(self, guide: Guide) -> int:
        return guide.active_count


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "question_total"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="Questions", ordering="question_total")
    def question_total(self, topic: Topic) -> int:
        return topic.question_total


class CodeSnippetInline(admin.StackedInline):
    model = CodeSnippet
    extra = 0


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "short_prompt", "guide", "difficulty", "kind", "topic_names", "is_active"]
    list_display_links = ["label", "short_prompt"]
    list_filter = ["guide", "is_active", "difficulty", "kind", "topics"]
    search_fields = ["prompt", "answer", "editor_note"]
    list_select_related = ["guide"]
    filter_horizontal = ["topics", "siblings"]
    inlines = [CodeSnippetInline, KeyPointInline]
    ordering = ["guide", "number"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).prefetch_related("topics")

    @admin.display(description="No.", ordering="number")
    def label(self, question: Question) -> str:
        return question.label

    @admin.display(description="Prompt")
    def short_prompt(self, question: Question) -> str:
        return question.prompt if len(question.prompt) <= 80 else question.prompt[:79] + "…"

    @admin.display(description="Topics")
    def topic_names(self, question: Question) -> str:
        return ", ".join(topic.name for topic in question.topics.all())


@admin.register(KeyPoint)
class KeyPointAdmin(admin.ModelAdmin):
    list_display = ["text", "question", "position"]
    list_filter = ["question__guide", "question__topics"]
    search_fields = ["text", "question__prompt"]
    list_select_related = ["question__guide"]


@admin.register(QuestionFlag)
class QuestionFlagAdmin(admin.ModelAdmin):
    """Reports from learners that a model answer looks wrong: review, fix the question, mark resolved."""

    list_display = ["question", "short_reason", "user", "created_at", "resolved"]
    list_filter = ["resolved", "question__guide", "created_at"]
    search_fields = ["reason", "question__prompt", "user__email"]
    list_select_related = ["question__guide", "user"]
    readonly_fields = ["question", "user", "reason", "created_at"]
    actions = ["mark_resolved"]

    @admin.display(description="Reason")
    def short_reason(self, flag: QuestionFlag) -> str:
        return flag.reason if len(flag.reason) <= 80 else flag.reason[:79] + "…"

    @admin.action(description="Mark the selected reports as resolved")
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[QuestionFlag]) -> None:
        updated = queryset.update(resolved=True)
        self.message_user(request, f"{updated} report(s) marked as resolved.")


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name", "description"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Mentors' guide imports, to see what failed and why; the task writes them, nobody edits them."""

    list_display = ["filename", "owner", "status", "processed", "total", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["filename", "owner__email", "error"]
    exclude = ["text"]
    list_select_related = ["owner"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """History, read-only: attempts are never edited."""

    list_display = ["question", "user", "mode", "rating", "coverage", "created_at"]
    list_filter = ["mode", "rating", "created_at"]
    search_fields = ["user__email", "question__prompt"]
    list_select_related = ["question__guide", "user"]

    def has_change_permission(self, request: HttpRequest, obj: Attempt | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


@admin.register(GradedQuestion)
class GradingAgreementAdmin(admin.ModelAdmin):
    """How often learners untick the checker's ticks and tick points it missed (read-only)."""

    change_list_template = "admin/interview/gradedquestion/change_list.html"
    list_display = ["__str__", "attempts", "judgements", "agreement", "unticked", "added"]
    list_display_links = None
    list_filter = ["guide"]
    search_fields = ["prompt"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return questions_with_agreement()

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        overall = overall_agreement()
        extra_context = {
            **(extra_context or {}),
            "overall": overall,
            "overall_agreement": _percent(overall.agreement),
            "overall_unticked": _percent(overall.unticked_share),
            "overall_added": _percent(overall.added_share),
        }
        return super().changelist_view(request, extra_context=extra_context)

    @admin.display(description="Graded attempts", ordering="graded_attempts")
    def attempts(self, question: Question) -> int:
        return question.graded_attempts

    @admin.display(description="Key-point judgements", ordering="judgements")
    def judgements(self, question: Question) -> int:
        return question.judgements

    @admin.display(description="Agreement")
    def agreement(self, question: Question) -> str:
        return _percent(agreement_of(question).agreement)

    @admin.display(description="Automatic ticks removed")
    def unticked(self, question: Question) -> str:
        return _percent(agreement_of(question).unticked_share)

    @admin.display(description="Missed points ticked")
    def added(self, question: Question) -> str:
        return _percent(agreement_of(question).added_share)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return False
