from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from helpdesk.health import healthz

admin.site.site_header = "Help desk administration"
admin.site.site_title = "Help desk admin"
admin.site.site_url = "/desk/"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:new", permanent=False)),
    path("support/", include("tickets.urls_portal")),
    path("kb/", include("knowledgebase.urls")),
    path("desk/kb/", include("knowledgebase.urls_desk")),
    path("desk/", include("tickets.urls_desk")),
    path("desk/", include("canned_responses.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

# Our own error pages, in the portal's look or the desk's (used whenever DEBUG is off).
handler400 = "tickets.views.errors.bad_request"
handler403 = "tickets.views.errors.permission_denied"
handler404 = "tickets.views.errors.page_not_found"
handler500 = "tickets.views.errors.server_error"
