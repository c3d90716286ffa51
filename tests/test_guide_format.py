"""The guide text format: what the parser keeps, drops and refuses."""

import pytest

from interview.guide_format import GuideFormatError, detect_language, parse_guide
from tests.conftest import GUIDE_PATH


@pytest.fixture(scope="module")
def guide():
    return parse_guide(GUIDE_PATH.read_text(encoding="utf-8"))


def questions_by_number(guide):
    return {question.number: question for question in guide.questions}


def test_the_ml_guide_has_48_questions_in_order(guide):
    assert [question.number for question in guide.questions] == list(range(1, 49))


@pytest.mark.parametrize(
    ("number", "prompt", "answer_start", "answer_end"),
    [
        (
            1,
            "What is the difference between supervised and unsupervised learning?",
            "Supervised learning involves training a model on labeled data,",
            "the model learns to identify patterns or relationships in the data.",
        ),
        (
            19,
            "What is the purpose of regularization?",
            "Regularization is used to prevent overfitting",
            "using techniques such as L1 or L2 regularization.",
        ),
        (
            33,
            "What is the difference between a precision and a recall?",
            "Precision is the ratio of true positives",
            "ability to detect all instances.",
        ),
        (
            48,
            "How do you handle imbalanced data using SMOTE?",
            "Imbalanced data can be handled using SMOTE",
            "This can be done using the SMOTE class in imbalanced-learn.",
        ),
    ],
)
def test_prompts_and_answers_are_kept_exactly(guide, number, prompt, answer_start, answer_end):
    question = questions_by_number(guide)[number]
    assert question.prompt == prompt
    assert question.answer.startswith(answer_start)
    assert question.answer.endswith(answer_end)
    assert "\n" not in question.answer


def test_intro_section_and_tips_are_kept(guide):
    assert len(guide.intro) == 2
    assert guide.intro[0].startswith("This guide is designed for fresher")
    assert {question.section for question in guide.questions} == {"Basic Interview Questions"}
    assert guide.tips_heading == "Tips to Ace Your Top 40 Machine Learning Engineers Interview"
    assert len(guide.tips) == 5
    assert guide.tips[0].startswith("Practice solving problems on platforms such as Kaggle")
    assert guide.closing[0].startswith("With these 40 interview questions and answers")


def test_marketing_at_the_end_is_dropped(guide):
    kept = " ".join([*guide.closing, *guide.tips, *(q.answer for q in guide.questions)])
    assert "Did this help you?" not in kept
    assert "Youngster Company" not in kept
    assert "Need help preparing" not in kept
    assert len(guide.closing) == 1


CODE_SNIPPETS = {
    30: ("shell", "docker build -t my-model .\ndocker run -p 8080:8080 my-model"),
    36: (
        "python",
        "import pandas as pd\ndf = pd.read_csv('data.csv')\ndf.dropna(inplace=True)",
    ),
    40: (
        "python",
        "from sklearn.decomposition import PCA\npca = PCA(n_components=2)\nX_pca = pca.fit_transform(X)",
    ),
    42: (
        "python",
        "import tensorflow as tf\nmodel = tf.keras.models.Sequential([...])\n"
        "tf.keras.models.save_model(model, 'model.h5')",
    ),
    44: ("r", "df <- read.csv('data.csv')\ndf <- na.omit(df)"),
    46: (
        "python",
        "from sklearn.model_selection import cross_val_score\nscores = cross_val_score(model, X, y, cv=5)",
    ),
    48: (
        "python",
        "from imblearn.over_sampling import SMOTE\nsmote = SMOTE(random_state=42)\n"
        "X_res, y_res = smote.fit_resample(X, y)",
    ),
}


@pytest.mark.parametrize(("number", "expected"), CODE_SNIPPETS.items())
def test_code_snippets_are_verbatim_with_their_language(guide, number, expected):
    snippets = questions_by_number(guide)[number].snippets
    assert [(snippet.language, snippet.code) for snippet in snippets] == [expected]


def test_only_the_questions_with_code_have_snippets(guide):
    assert {q.number for q in guide.questions if q.snippets} == set(CODE_SNIPPETS)


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("import numpy as np\nx = np.zeros(3)", "python"),
        ("def f(x):\n    return x", "python"),
        ("model <- lm(y ~ x, data = df)", "r"),
        ("library(caret)", "r"),
        ("pip install scikit-learn", "shell"),
        ("$ kubectl apply -f deploy.yaml", "shell"),
        ("SELECT user_id, COUNT(*) FROM events GROUP BY user_id;", "sql"),
        ("just some words", "text"),
    ],
)
def test_language_detection(code, language):
    assert detect_language(code) == language


def test_indentation_in_code_is_kept():
    text = "Intro.\nQ1. How do you define a function?\nWith def.\ndef f(x):\n    return x * 2\n"
    (question,) = parse_guide(text).questions
    assert question.snippets[0].code == "def f(x):\n    return x * 2"


def test_a_title_line_and_several_sections_are_recognised():
    text = (
        "Data Engineer Interview Guide\n"
        "An intro paragraph.\n"
        "Basic Interview Questions\n"
        "Q1. What is ETL?\nExtract, transform, load.\n"
        "Advanced Interview Questions\n"
        "Q2. What is a data lake?\nA store of raw data.\n"
    )
    guide = parse_guide(text)
    assert guide.title == "Data Engineer Interview Guide"
    assert guide.intro == ["An intro paragraph."]
    assert [(q.number, q.section) for q in guide.questions] == [
        (1, "Basic Interview Questions"),
        (2, "Advanced Interview Questions"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "the file is empty"),
        ("Just an intro.\nAnother paragraph.\n", 2, "no questions found"),
        ("Intro.\nQ1. What is A?\nQ2. What is B?\nB is B.\n", 2, "Q1 has no model answer"),
        ("Intro.\nQ1. What is A?\nA is A.\nQ2. What is B?\n", 4, "Q2 has no model answer"),
        ("Intro.\nQ1. What is A?\nA is A.\nQ1. What is B?\nB.\n", 4, "Q1 comes after Q1"),
        ("Intro.\nQ2. What is A?\nA.\nQ1. What is B?\nB.\n", 4, "question numbers must increase"),
        ("Intro.\nQ1 What is A?\nA.\n", 2, "a question must look like 'Q12. The question?'"),
        (
            "Intro.\nQ1. What is A?\nA.\nx = 1\nThen some prose.\nQ2. What is B?\nB.\n",
            5,
            "text after the code of Q1 is neither a question, a heading nor code",
        ),
    ],
)
def test_malformed_guides_name_the_line(text, line, message):
    with pytest.raises(GuideFormatError) as error:
        parse_guide(text)
    assert error.value.line == line
    assert message in str(error.value)
    assert str(error.value).startswith(f"line {line}: ")


def only_question(text: str, number: int = 1):
    return next(q for q in parse_guide(text).questions if q.number == number)


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("def f(x):\n    return x", "python"),
        ("model = Model(\n    a=1,\n)", "python"),
        ("for x in range(3):\n    print(x)", "python"),
        ("if __name__ == '__main__':\n    main()", "python"),
        ("# load the data\nimport pandas as pd", "python"),
        ("def f(x):\n    y = x * 2\n\n    return y", "python"),
        ("import numpy as np\n\n\ndef f(x):\n    return x", "python"),
        ("SELECT name\nFROM users\nWHERE age > 30", "sql"),
    ],
)
def test_code_before_the_next_question_is_kept_whole_and_verbatim(code, language):
    text = f"Intro.\nQ1. How?\nLike this.\n{code}\nQ2. What is B?\nB.\n"
    question = only_question(text)
    assert [(snippet.language, snippet.code) for snippet in question.snippets] == [(language, code)]
    assert question.answer == "Like this."
    assert only_question(text, 2).section == ""


def test_a_short_answer_without_a_full_stop_is_still_the_answer():
    assert only_question("Intro.\nQ1. What is A?\nA letter\nQ2. What is B?\nB.\n").answer == "A letter"


def test_a_second_answer_paragraph_is_not_mistaken_for_a_heading():
    text = "Intro.\nQ1. What is A?\nA is a letter.\nIt is the first letter\nQ2. What is B?\nB.\n"
    guide = parse_guide(text)
    assert guide.questions[0].answer == "A is a letter.\n\nIt is the first letter"
    assert guide.questions[1].section == ""


def test_a_bullet_list_inside_an_answer_is_not_taken_for_the_tips():
    text = "Intro.\nQ1. How?\nThere are steps:\n- collect\n- clean\nQ2. What is B?\nB.\n"
    guide = parse_guide(text)
    assert [q.number for q in guide.questions] == [1, 2]
    assert guide.tips == []
    assert "- collect" in guide.questions[0].answer


def test_marketing_words_inside_questions_are_kept():
    text = (
        "Intro.\nQ1. How do you consume events?\nUse a consumer.\nconsumer.subscribe(['topic'])\n"
        "Q2. What is B?\nB is a letter you can subscribe to.\nQ3. What is C?\nC.\n"
    )
    guide = parse_guide(text)
    assert [q.number for q in guide.questions] == [1, 2, 3]
    assert guide.questions[0].snippets[0].code == "consumer.subscribe(['topic'])"


def test_closing_words_after_the_last_code_without_tips_are_the_closing_text():
    text = "Intro.\nQ1. How?\nLike so.\nx = 1\nWith these questions you'll be well prepared.\n"
    guide = parse_guide(text)
    assert guide.questions[0].snippets[0].code == "x = 1"
    assert guide.closing == ["With these questions you'll be well prepared."]


def test_windows_line_endings_a_bom_and_trailing_spaces_are_accepted():
    text = "\ufeffIntro.\r\nQ1. What is A?  \r\nA is a letter. \r\n"
    question = only_question(text)
    assert (question.prompt, question.answer) == ("What is A?", "A is a letter.")


def test_an_absurd_question_number_is_refused_with_its_line():
    with pytest.raises(GuideFormatError, match=r"^line 2: Q99999999999 is not a plausible question number"):
        parse_guide("Intro.\nQ99999999999. What?\nThat.\n")


def test_every_prompt_and_answer_of_the_guide_file_is_kept_exactly(guide):
    # An independent reading of the file: a Q<n>. line, then its answer on the next line.
    lines = GUIDE_PATH.read_text(encoding="utf-8").splitlines()
    expected = {
        int(line.split(".")[0][1:]): (line.split(". ", 1)[1], lines[index + 1])
        for index, line in enumerate(lines)
        if line.startswith("Q") and line.split(".")[0][1:].isdigit()
    }
    assert len(expected) == 48
    assert {q.number: (q.prompt, q.answer) for q in guide.questions} == expected
