"""The demo's parts, in the order they load. Each later app adds its own loader here:
a function `load(seed, report)` that finds or creates its demo data through the actions
and returns the logins it wants printed (or an empty list)."""

from kansli.org import demo as org_demo

LOADERS = [org_demo.load]
