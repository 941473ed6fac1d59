"""A URL whose view fails, for the 500 page test (tests/test_error_pages.py)."""

from django.urls import path


def broken(request):
    raise RuntimeError("a failing view")


urlpatterns = [path("kaputt/", broken)]
