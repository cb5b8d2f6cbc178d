from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import account as wagtail_account_views
from wagtail.documents import urls as wagtaildocs_urls

from cms.api import routing
from cms.api.docs import SwaggerDocsView
from cms.ops import health
from cms.people.account_emails import PasswordResetForm
from cms.people.forms import LoginForm
from cms.people.profile import AccountView
from cms.privacy import views as privacy_views
from cms.security.login_protection import password_reset_limited
from cms.security.logout import AdminLogoutView, LogoutView
from cms.site import views

account_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("signup/confirm/<str:token>/", views.signup_confirm, name="signup_confirm"),
    path("profile/", views.profile, name="profile"),
    path("profile/my-data/", privacy_views.my_data, name="my_data"),
    path("delete/", privacy_views.account_delete, name="account_delete"),
    path("deleted/", privacy_views.account_deleted, name="account_deleted"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        password_reset_limited(
            auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
            template="registration/password_reset_limited.html",
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

api_v1_patterns = [
    path("", include("courses.progress.api.urls")),
    path("", include("assessments.attempts.api.urls")),
    path("", include("certificates.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

urlpatterns = [
    # Wagtail's account page edits first/last names; this project's users have full/preferred names.
    path("admin/account/", require_admin_access(AccountView.as_view()), name="wagtailadmin_account"),
    # Wagtail's logout forgets the cookie on a GET but keeps the session; this one ends it (cms/security/logout.py).
    path("admin/logout/", AdminLogoutView.as_view(), name="wagtailadmin_logout"),
    # Wagtail's password reset, with the site's limits (cms/security/login_protection.py).
    path(
        "admin/password_reset/",
        password_reset_limited(
            wagtail_account_views.PasswordResetView.as_view(),
            template="cms/admin_account/password_reset_limited.html",
        ),
        name="wagtailadmin_password_reset",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("account/", include(account_patterns)),
    path("learn/", include("courses.progress.urls")),
    path("quizzes/", include("assessments.attempts.urls")),
    path("certificates/", include("certificates.urls")),
    path("", include("certificates.public_urls")),
    path("api/v1/", include(api_v1_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema-latest"),
    path("api/docs/", SwaggerDocsView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ (ending in a slash: see the view) is the API's JSON 404, never a page.
    re_path(r"^api/(?:.*/)?$", routing.unknown_endpoint, name="api-unknown"),
    # For load balancers; normally answered earlier by cms.ops.health.HealthCheckMiddleware.
    path("healthz", health.healthz, name="healthz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# Unknown URLs under /api/ answer JSON, like the rest of the API (cms/api/routing.py).
handler404 = "cms.api.routing.page_not_found"
# A database outage answers 503 rather than 500 (cms/ops/resilience.py).
handler500 = "cms.ops.resilience.server_error"
