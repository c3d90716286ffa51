"""Grading benchmark: each grader on the hand-labelled answers of tests/data/grading_benchmark.yaml.

Usage (no database needed; the guide and its annotations are read from fixtures/):
    .venv/bin/python bench/grading.py [--misses] [--repeat 20]
Prints, per grader, key-point precision and recall, the share of strong answers suggested Good or Easy, of
wrong answers suggested Again or Hard, of irrelevant texts suggested Again, and the time per answer (p95).
The LLM grader is measured too when GRADER_LLM_URL is set.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from interview.grading import benchmark as bench  # noqa: E402
from interview.grading import grade_lexical  # noqa: E402

GUIDE = ROOT / "fixtures" / "guides" / "ml-engineer.txt"
ANNOTATIONS = ROOT / "fixtures" / "annotations" / "ml-engineer.yaml"
CASES = ROOT / "tests" / "data" / "grading_benchmark.yaml"


def _graders() -> dict:
    graders = {"lexical": grade_lexical}
    if getattr(settings, "GRADER_LLM_URL", ""):
        from interview.grading.llm import grade_with_llm

        graders["llm"] = grade_with_llm
    return graders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--misses", action="store_true", help="List every judgement that differs from the label."
    )
    parser.add_argument("--repeat", type=int, default=20, help="Timing runs over the whole set (lexical).")
    args = parser.parse_args()
    questions = bench.bench_questions(GUIDE, ANNOTATIONS)
    cases = bench.load_cases(CASES)
    print(
        f"{len(cases)} answers: "
        + ", ".join(
            f"{n} {kind}" for kind, n in bench.evaluate(grade_lexical, questions, cases).counts.items()
        )
    )
    splits = {
        "all answers": cases,
        "tuning set": [case for case in cases if case.split == "tuning"],
        "held-out set": [case for case in cases if case.split == "held-out"],
    }
    for (name, grader), (split, chosen) in (
        (pair, item) for pair in _graders().items() for item in splits.items()
    ):
        report = bench.evaluate(grader, questions, chosen)
        if name == "lexical":  # time it over several runs for a stable p95
            report_times = [bench.evaluate(grader, questions, chosen).p95_ms for _ in range(args.repeat)]
            p95 = sorted(report_times)[len(report_times) // 2]
        else:
            p95 = report.p95_ms
        print(f"\n{name} grader, {split} ({len(chosen)})")
        print(
            f"  key points: precision {report.precision:.2f}, recall {report.recall:.2f} "
            f"({report.judgements} judgements)"
        )
        print(
            f"  strong answers suggested Good/Easy: {report.strong_good_or_easy:.0%} "
            f"(goal ≥ {bench.GOAL_STRONG_GOOD_OR_EASY:.0%})"
        )
        print(
            f"  wrong answers suggested Again/Hard: {report.wrong_again_or_hard:.0%} "
            f"(goal ≥ {bench.GOAL_WRONG_AGAIN_OR_HARD:.0%})"
        )
        print(f"  irrelevant texts suggested Again:   {report.irrelevant_again:.0%} (goal 100%)")
        print(f"  suggestion equal to the fair rating: {report.fair_rating_agreement:.0%}")
        print(f"  time per answer, p95: {p95:.2f} ms ({p95 / bench.GOAL_P95_MS:.2f} × the 5 ms goal)")
        if args.misses:
            print("  differences from the labels:")
            for miss in report.misses:
                print(f"    {miss}")


if __name__ == "__main__":
    main()
