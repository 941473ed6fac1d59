from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dialogs import search, start

urlpatterns = [
    path("", start.home, name="home"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("vereinbarungen/", include("agreements.urls")),
    path("kennzahlen/", include("indicators.urls")),
    path("dialoge/", include("dialogs.urls")),
    path("uebersicht/", include("agreements.dashboard_urls")),
    path("suche/", search.search_page, name="search"),
    path("", include("publication.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
