"""What every request passes through besides Django's own middleware: requests with a NUL
character are refused, sessions end at an absolute age, authenticated pages are not stored."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.utils.cache import add_never_cache_headers

LOGIN_AT = "zs_login_at"  # session key: when the session's user logged in (epoch seconds)


def refuse_nul(get_response):
    """A NUL character has no place in an address or a query; PostgreSQL cannot even compare
    with it. Answered 400 (templates/400.html) before any view or query sees it. Form fields
    refuse it themselves (Django's ProhibitNullCharactersValidator)."""

    def middleware(request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in query or "%00" in query:
            raise BadRequest("NUL character in the request address")
        return get_response(request)

    return middleware


def absolute_session_age(get_response):
    """However active, a session ends SESSION_ABSOLUTE_AGE seconds after the login, beside
    the inactivity limit SESSION_COOKIE_AGE; the user is sent to the login page."""

    def middleware(request):
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_AT)
            if login_at is not None and time.time() - login_at > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                return redirect_to_login(request.get_full_path())
        response = get_response(request)
        if request.user.is_authenticated and LOGIN_AT not in request.session:
            request.session[LOGIN_AT] = time.time()  # the response to the login itself
        return response

    return middleware


def no_store_when_logged_in(get_response):
    """Pages and downloads for a logged-in user hold data of that user's rights: neither the
    browser nor a proxy keeps a copy (Cache-Control: no-store)."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware
