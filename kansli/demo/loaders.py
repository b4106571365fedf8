"""The demo's parts, in the order they load. Each later app adds its own loader here:
a function `load(seed, scale, report)` that finds or creates its demo data through the actions
and returns the logins it wants printed (or an empty list). `scale` shrinks or grows the
volume (1.0: the full demo; the tests use a small fraction)."""

from kansli.access import demo as access_demo
from kansli.archive import demo as archive_demo
from kansli.distribution import demo as distribution_demo
from kansli.drafting import demo as drafting_demo
from kansli.eservices import demo as eservices_demo
from kansli.handbook import demo as handbook_demo
from kansli.meetings import demo as meetings_demo
from kansli.org import demo as org_demo
from kansli.registry import demo as registry_demo
from kansli.reorganisation import demo as reorganisation_demo
from kansli.reports import demo as reports_demo
from kansli.requests import demo as requests_demo
from kansli.retention import demo as retention_demo
from kansli.surveys import demo as surveys_demo
from kansli.web import demo as web_demo

# retention_demo after the processes that register documents (its disposal list refuses
# those a request asks for), archive_demo after it (a hold stops a transfer); web_demo
# last: who needs a one-time code follows from the roles, groups and grants.
LOADERS = [
    org_demo.load, registry_demo.load, access_demo.load, meetings_demo.load,
    requests_demo.load, eservices_demo.load, reports_demo.load, reorganisation_demo.load,
    drafting_demo.load, distribution_demo.load, surveys_demo.load, handbook_demo.load,
    retention_demo.load, archive_demo.load, web_demo.load,
]  # fmt: skip
