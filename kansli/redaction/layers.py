"""Hidden layers (optional content, PDF 1.5): what a viewer does not show may still be
read from the file. The content of every layer hidden by default is removed from the
pages and their forms, and the layers themselves are removed, so nothing is left that a
viewer could switch on."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, NameObject


def _id(value: Any) -> int | None:
    reference = getattr(value, "indirect_reference", None) or value
    return getattr(reference, "idnum", None)


def _hidden_groups(properties: DictionaryObject) -> set[int]:
    config = properties.get("/D", DictionaryObject()).get_object()
    groups = {_id(g) for g in properties.get("/OCGs", ArrayObject())}
    if config.get("/BaseState") == "/OFF":
        hidden = groups - {_id(g) for g in config.get("/ON", ArrayObject())}
    else:
        hidden = {_id(g) for g in config.get("/OFF", ArrayObject())}
    return {g for g in hidden if g is not None}


def _is_hidden(marker: Any, hidden: set[int]) -> bool:
    """An optional content group, or a membership dictionary naming one (hidden if any
    of its groups is: removing too much is safe, too little is not)."""
    if marker is None:
        return False
    if _id(marker) in hidden:
        return True
    marker = marker.get_object()
    groups = marker.get("/OCGs") if isinstance(marker, DictionaryObject) else None
    if groups is None:
        return False
    groups = groups.get_object()
    members = groups if isinstance(groups, ArrayObject) else [groups]
    return any(_id(g) in hidden for g in members)


Done = set[tuple[int, int | None]]


def _filter_form(
    form: Any, drawn_with: DictionaryObject, hidden: set[int], writer: PdfWriter, done: Done
) -> None:
    """Filter a form in place, once for each set of resources it is read with (`done`:
    those filtered or being filtered): a form drawn twice by each of thirty forms drawing
    each other would otherwise be filtered 2^30 times, and one that draws itself for
    ever. A form without resources of its own is read with those of what draws it (PDF
    1.7, 8.10.1, as MuPDF does), so its hidden-layer names are looked up there: filtered
    for each such owner, it loses what any of them hides (too much is safe)."""
    own = form.get("/Resources")
    number = _id(form)
    if number is not None:  # a stream is always an indirect object
        key = (number, None if own is not None else id(drawn_with))
        if key in done:
            return
        done.add(key)
    inner = _filter(form, own if own is not None else drawn_with, hidden, writer, done)
    form.set_data(inner.get_data())


def _filter(
    owner: Any, resources: Any, hidden: set[int], writer: PdfWriter, done: Done
) -> ContentStream:
    """The owner's content without what hidden groups mark; its forms filtered too."""
    resources = resources.get_object() if resources is not None else DictionaryObject()
    names = resources.get("/Properties", DictionaryObject()).get_object()
    xobjects = resources.get("/XObject", DictionaryObject()).get_object()
    content = ContentStream(owner, writer)
    kept, depth = [], 0  # depth > 0: inside hidden marked content
    for operands, operator in content.operations:
        if depth:
            depth += {b"BDC": 1, b"BMC": 1, b"EMC": -1}.get(operator, 0)
            continue
        if operator == b"BDC" and operands and operands[0] == "/OC":
            marker = operands[1]
            if isinstance(marker, NameObject):
                marker = names.get(marker)
            if _is_hidden(marker, hidden):
                depth = 1
                continue
        if operator == b"Do":
            xobject = xobjects.get(operands[0])
            if xobject is not None:
                xobject = xobject.get_object()
                if _is_hidden(xobject.get("/OC"), hidden):
                    continue
                if xobject.get("/Subtype") == "/Form":
                    _filter_form(xobject, resources, hidden, writer, done)
        kept.append((operands, operator))
    content.operations = kept
    return content


def without_hidden_layers(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    properties = writer.root_object.get("/OCProperties")
    if properties is None:
        return pdf
    hidden = _hidden_groups(properties.get_object())
    done: Done = set()
    for page in writer.pages:
        contents = page.get_contents()
        if contents is not None and hidden:
            filtered = _filter(contents, page.get("/Resources"), hidden, writer, done)
            page.replace_contents(filtered)
    del writer.root_object["/OCProperties"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
