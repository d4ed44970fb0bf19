"""Grade many 30-question attempts with the question types alone (no database): clean + grade.

    .venv/bin/python bench/bench_question_types.py               # 2,000 attempts
    .venv/bin/python bench/bench_question_types.py --attempts 500

Prints the mean and 99th-percentile milliseconds per attempt; the issue's target for a whole
attempt (with its database work) is under 5 ms, so the types' share must be a small part of it.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizzes.bank.models import QuestionKind as K  # noqa: E402
from quizzes.bank.types import get_type  # noqa: E402

QUESTIONS = [
    (K.SINGLE, {"choices": [{"html": f"Phương án {i}", "fraction": 1 if i == 0 else 0} for i in range(4)]}),
    (K.MULTIPLE, {"choices": [{"html": f"Ý {i}", "fraction": f} for i, f in enumerate([0.5, 0.5, -1, 0, -0.5])]}),
    (K.TRUEFALSE, {"answer": True}),
    (K.SHORTANSWER, {"answers": [{"text": "Hồ Chí Minh"}, {"text": "Nguyễn Ái Quốc", "fraction": 0.5}],
                     "accent_insensitive": True}),
    (K.NUMERICAL, {"answers": [{"value": 3.14, "tolerance": 0.01}]}),
    (K.MATCHING, {"pairs": [{"prompt": f"Vế {i}", "answer": str(1930 + i)} for i in range(5)]}),
]


def responses(kind, data, rng):
    if kind == K.SINGLE:
        return {"choice": rng.choice(data["choices"])["id"]}
    if kind == K.MULTIPLE:
        return {"choices": [c["id"] for c in data["choices"] if rng.random() < 0.5]}
    if kind == K.TRUEFALSE:
        return {"value": rng.choice(["true", "false"])}
    if kind == K.SHORTANSWER:
        return {"text": rng.choice(["ho chi minh", "Hồ  Chí Minh", "Bác Hồ"])}
    if kind == K.NUMERICAL:
        return {"value": rng.choice(["3,14", "3.2", "3,145"])}
    return {"pairs": {p["id"]: rng.choice(data["pairs"])["id"] for p in data["pairs"]}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(1)
    bank = [(k, get_type(k).validate(d)) for k, d in QUESTIONS]
    attempt = [bank[i % len(bank)] for i in range(30)]
    wall, cpu = [], []
    for _ in range(args.attempts):
        answers = [responses(k, d, rng) for k, d in attempt]
        start, start_cpu = time.perf_counter(), time.process_time()
        total = 0.0
        for (kind, data), response in zip(attempt, answers):
            qtype = get_type(kind)
            total += qtype.grade(data, qtype.clean_response(data, response))
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(f"30-question attempts graded: {args.attempts} (clean + grade, types only)")
    # CPU time too: on a shared machine the wall-clock tail is other processes' scheduling.
    for label, timings in (("wall", sorted(wall)), ("cpu", sorted(cpu))):
        print(f"{label}: median {statistics.median(timings):.3f} ms, mean {statistics.mean(timings):.3f} ms, "
              f"p99 {timings[int(len(timings) * 0.99) - 1]:.3f} ms per attempt")


if __name__ == "__main__":
    main()
