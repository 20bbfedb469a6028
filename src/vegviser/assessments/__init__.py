"""Assessments: instruments, responses, scores and goal attainment scaling."""
