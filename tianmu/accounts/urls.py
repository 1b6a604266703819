"""URLs of the accounts pages: sign-in and out, password, two-factor, API tokens, users."""

from django.contrib.auth import views as auth_views
from django.urls import path

from tianmu.accounts import views, views_users

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("2fa/", views.otp_setup, name="otp_setup"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views_users.user_list, name="user_list"),
    path("users/add/", views_users.user_add, name="user_add"),
    path("users/<int:pk>/", views_users.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", views_users.user_active, name="user_active"),
]
