from django.urls import path

from kansli.meetings.views import (
    board,
    decisions,
    delegation,
    measures,
    meetings,
    minutes,
    news,
    portal,
)

app_name = "meetings"

urlpatterns = [
    path("moten/", meetings.meeting_list, name="list"),
    path("moten/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("moten/<int:pk>/anmal/", meetings.preregister, name="preregister"),
    path("moten/<int:pk>/ordning/", meetings.arrange, name="arrange"),
    path("moten/punkt/<int:pk>/sekretess/", meetings.item_secrecy, name="item-secrecy"),
    path("moten/<int:pk>/utskick/", meetings.dispatch, name="dispatch"),
    path("moten/<int:pk>/<str:kind>.pdf", meetings.meeting_file, name="file"),
    path("moten/<int:pk>/protokoll/", minutes.minutes_page, name="minutes"),
    path("moten/<int:pk>/protokoll/paborja/", minutes.open_minutes, name="open-minutes"),
    path("moten/<int:pk>/protokoll/narvaro/", minutes.attendance, name="attendance"),
    path("moten/<int:pk>/protokoll/justera/", minutes.approve, name="approve"),
    path("moten/<int:pk>/protokoll/forsegla/", minutes.seal, name="seal"),
    path("moten/<int:pk>/protokoll/beslut/", decisions.decisions, name="decisions"),
    path("moten/<int:pk>/brevlista/", minutes.letters, name="letters"),
    path("moten/paragraf/<int:pk>/", minutes.paragraph, name="paragraph"),
    path("moten/paragraf/<int:pk>/expediera/", minutes.dispatch_decision, name="expedite"),
    path("moten/rattelse/<int:pk>/justera/", minutes.approve_correction, name="approve-correction"),
    path("moten/rattelse/<int:pk>/protokoll.pdf", minutes.correction_file, name="correction-file"),
    path("moten/organ/<int:pk>/kalender.ics", board.calendar, name="calendar"),
    path("moten/organ/<int:pk>/matt/", measures.measures, name="measures"),
    path("moten/organ/<int:pk>/ledamoter/", meetings.members, name="members"),
    path("moten/organ/<int:pk>/matt.csv", measures.measures_csv, name="measures-csv"),
    path("moten/delegation/", delegation.delegation, name="delegation"),
    path("moten/<int:pk>/snabbnytt/", news.publish_news, name="publish-news"),
    path("snabbnytt/", news.news_list, name="news"),
    path("snabbnytt/<int:pk>/", news.news_item, name="news-item"),
    path("moten/<int:pk>/delegationsbeslut/", delegation.report_decisions, name="report-decisions"),
    path("moten/portal/", portal.portal, name="portal"),
    path("moten/portal/<int:pk>/", portal.portal_meeting, name="portal_meeting"),
    path("moten/portal/<int:pk>/handlingar.pdf", portal.pack, name="portal_pack"),
    path(
        "moten/portal/<int:pk>/handling/<int:document>/", portal.document_file, name="portal_file"
    ),
    path("moten/portal/<int:pk>/anteckning/<int:document>/", portal.note, name="note"),
    path("anslagstavla/", board.notice_board, name="board"),
    path("anslagstavla/<int:pk>/", board.public_minutes, name="public-minutes"),
    path("anslagstavla/sammantrade/<int:pk>/", board.public_meeting, name="public-meeting"),
    path(
        "anslagstavla/sammantrade/<int:pk>/kallelse.pdf",
        board.public_notice,
        name="public-notice",
    ),
    path("anslagstavla/protokoll/", board.minutes_archive, name="minutes-archive"),
]
