"""Courses: modules, lessons, enrolment, progress, completion, certificates."""
