"""Loaded before Django's settings (pyproject.toml: `-p tests.development_settings`): the
tests run with the development settings, as `make run` does, since DEBUG is off unless set.
Tests of the production settings start manage.py with DEBUG=0 of their own."""

import os

os.environ.setdefault("DEBUG", "1")
