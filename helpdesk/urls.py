from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from helpdesk.health import healthz

admin.site.site_header = "Help desk administration"
admin.site.site_title = "Help desk admin"
admin.site.site_url = "/desk/"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:new", permanent=False)),
    path("support/", include("portal.urls")),
    path("kb/", include("knowledgebase.urls")),
    path("desk/kb/", include("desk.urls_kb")),
    path("desk/", include("desk.urls")),
    path("desk/", include("desk.urls_canned")),
    path("desk/", include("mail.urls_desk")),
    path("desk/", include("api.urls_desk")),
    path("mail/", include("mail.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

# Our own error pages, in the portal's look or the desk's (used whenever DEBUG is off).
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
