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


def _filter(
    owner: Any, resources: Any, hidden: set[int], writer: PdfWriter, done: set[int]
) -> ContentStream:
    """The owner's content without what hidden groups mark; its forms filtered too, each
    once (`done`: those filtered or being filtered): a form drawn twice by each of thirty
    forms drawing each other would otherwise be filtered 2^30 times, and one that draws
    itself for ever."""
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
                form = _id(xobject)
                if xobject.get("/Subtype") == "/Form" and form not in done:
                    if form is not None:  # a stream is always an indirect object
                        done.add(form)
                    inner = _filter(xobject, xobject.get("/Resources"), hidden, writer, done)
                    xobject.set_data(inner.get_data())
        kept.append((operands, operator))
    content.operations = kept
    return content


def without_hidden_layers(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    properties = writer.root_object.get("/OCProperties")
    if properties is None:
        return pdf
    hidden = _hidden_groups(properties.get_object())
    done: set[int] = set()
    for page in writer.pages:
        contents = page.get_contents()
        if contents is not None and hidden:
            filtered = _filter(contents, page.get("/Resources"), hidden, writer, done)
            page.replace_contents(filtered)
    del writer.root_object["/OCProperties"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
