"""Completion certificates: issue, render as PDF, verify publicly, revoke."""
