"""Hand-built quiz snapshots (the format of assessments.quizzes.freezing.quiz_snapshot) for the pure cue and publish tests."""

EQUAL = ["Call her first thing", "Wait for her to call", "Text her a reminder"]  # 20 characters each


def single(key, options, *, stem="What do you do?", title=None):
    """``options``: (text, credit percent) pairs."""
    return {
        "key": key,
        "kind": "single",
        "title": title or f"Question {key}",
        "stem": f"<p>{stem}</p>",
        "vignette": {"text": ""},
        "competencies": ["talk"],
        "points": 1.0,
        "options": [
            {"key": f"{key}-{index}", "text": text, "credit": credit / 100}
            for index, (text, credit) in enumerate(options)
        ],
    }


def multiple(key, options, title="Select all"):
    """``options``: (text, correct) pairs."""
    right = sum(1 for _text, correct in options if correct) or 1  # as freezing does
    return {
        "key": key,
        "kind": "multiple",
        "title": title,
        "stem": "<p>Select all that apply.</p>",
        "vignette": {"text": ""},
        "competencies": ["talk"],
        "points": 1.0,
        "all_or_nothing": False,
        "options": [
            {"key": f"{key}-{index}", "text": text, "correct": correct, "credit": (1 if correct else -1) / right}
            for index, (text, correct) in enumerate(options)
        ],
    }


def order(key, items, title="Steps"):
    return {
        "key": key,
        "kind": "order",
        "title": title,
        "stem": "<p>Put these in order.</p>",
        "vignette": {"text": ""},
        "competencies": ["talk"],
        "points": 1.0,
        "items": [{"key": f"{key}-{index}", "text": text} for index, text in enumerate(items)],
    }


def branching(key, start, steps, title="Scenario"):
    """``steps``: name -> [(text, next step or None, credit)]."""
    return {
        "key": key,
        "kind": "branching",
        "title": title,
        "stem": "<p>Choose at each step.</p>",
        "vignette": {"text": ""},
        "competencies": ["talk"],
        "points": 1.0,
        "start": start,
        "steps": [
            {
                "name": name,
                "situation": f"<p>{name}</p>",
                "choices": [
                    {
                        "key": f"{key}-{name}-{index}",
                        "text": text,
                        "next": nxt,
                        "credits": {"talk": credit} if credit else {},
                    }
                    for index, (text, nxt, credit) in enumerate(choices)
                ],
            }
            for name, choices in steps.items()
        ],
    }


def snapshot(*questions, pass_mark=80, mastery=None, shuffle_options=True):
    return {
        "title": "Quiz",
        "pass_mark": pass_mark,
        "mastery": mastery or {},
        "competencies": {"talk": "Values communication"},
        "shuffle_options": shuffle_options,
        "questions": list(questions),
    }


def keyed_longest(key, position=0):
    """The best answer is clearly the longest option, at ``position``."""
    options = [(text, 0) for text in EQUAL]
    options.insert(position, ("Say no kindly, then find a diaper bank together and plan the trip", 100))
    return single(key, options)


def balanced(key, best_position):
    """The best answer is neither the longest nor the shortest option."""
    options = [("Ask her what she needs", 0), ("Tell her what to do about it now", 0), ("Hand her a phone number", 0)]
    options.insert(best_position, ("Ask what would help her most", 100))
    return single(key, options)
