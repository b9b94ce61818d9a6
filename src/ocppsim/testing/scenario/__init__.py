"""Scenario files: parse.py (TOML, checked before anything runs), steps.py (the table of step kinds),
runner.py (verdicts), report.py (terminal output), junit.py (JUnit XML), schema.py (JSON schema)."""
