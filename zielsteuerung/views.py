"""The project's own error views (the others are Django's, with templates/400 … 500.html)."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: in German and in the product's layout, with the
    way out (reload the page, allow cookies); the reason stays in the log, not on the page."""
    return render(request, "403_csrf.html", status=403)
