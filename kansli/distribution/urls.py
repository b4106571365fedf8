from django.urls import path

from kansli.distribution import views

app_name = "distribution"

urlpatterns = [
    path("sandlistor/", views.index, name="index"),
    path("sandlistor/ny/", views.new_list, name="new"),
    path("sandlistor/<int:pk>/", views.list_detail, name="list"),
    path("sandlistor/utskick/<int:pk>/", views.dispatch_detail, name="dispatch"),
    path("sandlistor/arende/<int:pk>/", views.case_dispatches, name="case"),
    path("sandlistor/kallelse/<int:pk>/", views.send_notice, name="send-notice"),
    path("sandlistor/beslut/<int:pk>/", views.send_decision, name="send-decision"),
    path("sandlistor/remiss/<int:pk>/", views.send_referral, name="send-referral"),
    path("sandlistor/snabbnytt/<int:pk>/", views.send_news, name="send-news"),
]
