"""The registry in the API: cases, their registered documents, the documents' files, and
searching them.

Every read goes through `Case.objects.visible_to(user)` / `Document.objects.visible_to(user)`
(queries.py): something the caller may not see is answered exactly like something that
does not exist (404). Every change is made by the registry's actions, which check
permission (403) and refuse bad input with Swedish messages (422)."""

from ninja import Router

from kansli.registry.api import cases, files, search

router = Router()
router.add_router("", cases.router)
router.add_router("", files.router)
router.add_router("", search.router)
