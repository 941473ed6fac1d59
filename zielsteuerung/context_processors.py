from django.contrib.auth.models import AnonymousUser

from zielsteuerung import access


def membership(request):
    # An error page for a request refused before authentication (400) has no user yet.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "membership": access.membership_of(user),
        "user_is_ministry": access.is_ministry(user),
        "user_is_reader": access.is_reader(user),
        "user_sees_all": access.sees_all(user),
        "user_traeger": access.traeger_of(user),
    }
