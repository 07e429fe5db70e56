"""Open311 GeoReport v2 answers in JSON or XML, with the element names of the specification."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpResponse
from lxml import etree

from ..services import CONTROL_CHARACTERS

# The XML root and item element of each kind of answer (GeoReport v2).
XML_NAMES = {
    "services": ("services", "service"),
    "service_definition": ("service_definition", None),
    "requests": ("service_requests", "request"),
    "discovery": ("discovery", None),
    "errors": ("errors", "error"),
}
# Lists inside an object and the element name of their items.
XML_ITEM_NAMES = {"endpoints": "endpoint", "attributes": "attribute", "values": "value", "formats": "format"}


def _fill(element: etree._Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, list):
                holder = etree.SubElement(element, key)
                for entry in item:
                    _fill(etree.SubElement(holder, XML_ITEM_NAMES.get(key, "item")), entry)
            else:
                _fill(etree.SubElement(element, key), item)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        # XML cannot carry control characters; a text stored before they were refused still renders
        element.text = CONTROL_CHARACTERS.sub("\ufffd", str(value))


def answer(kind: str, data: Any, fmt: str, status: int = 200) -> HttpResponse:
    if fmt == "json":
        # UTF-8 without escaping, as before, but compact (no blank after "," and ":"): orjson builds the 1,000
        # requests of a full list (~500 KB) in under 1 ms, the json module took ~10 ms
        return HttpResponse(orjson.dumps(data), status=status, content_type="application/json")
    root_name, item_name = XML_NAMES[kind]
    root = etree.Element(root_name)
    if item_name is None:
        _fill(root, data)
    else:
        for entry in data:
            _fill(etree.SubElement(root, item_name), entry)
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def errors(fmt: str, status: int, *problems: tuple[int, str]) -> HttpResponse:
    """The error list of the specification: ``[{"code": 400, "description": "…"}]``."""
    return answer("errors", [{"code": code, "description": text} for code, text in problems], fmt, status)
