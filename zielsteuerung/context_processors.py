from zielsteuerung import access


def membership(request):
    user = request.user
    return {
        "membership": access.membership_of(user),
        "user_is_ministry": access.is_ministry(user),
        "user_is_reader": access.is_reader(user),
        "user_sees_all": access.sees_all(user),
        "user_traeger": access.traeger_of(user),
    }
