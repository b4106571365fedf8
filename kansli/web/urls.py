from django.urls import path

from kansli.web import login, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", login.LoginView.as_view(), name="login"),
    path("login/kod/", login.two_factor_verify, name="two_factor_verify"),
    path("login/kod/ny/", login.two_factor_setup, name="two_factor_setup"),
    path("logout/", login.LogoutView.as_view(), name="logout"),
    path("konto/losenord/", views.change_password, name="change_password"),
    path("konto/paminnelser/", views.case_reminders, name="case_reminders"),
]
