from django.urls import path

from agreements import dashboard_views as views
from agreements import map_views, reconciliation_views, year_end_views, years_views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("vergleich/", views.comparison, name="comparison"),
    path("jahresabschluss/", year_end_views.report, name="year_end"),
    path("karte/", map_views.tile_map_page, name="map"),
    path("abgleich/", reconciliation_views.flagged, name="reconciliation"),
    path("landkreis/<str:key>/", views.traeger, name="traeger"),
    path("landkreis/<str:key>/revisionen/", views.revisions, name="revisions"),
    path("landkreis/<str:key>/jahre/", years_views.years_page, name="years"),
    path("ziel/<int:goal>/erlaeuterung/<int:month>/", views.explanation, name="explanation"),
]
