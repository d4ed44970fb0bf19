"""Quizzes: question bank, import/export formats, quizzes, attempts, grading, contests."""
