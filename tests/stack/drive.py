"""Drives the running production stack over HTTP like people would (tests/stack/run.sh starts it): the requester
orders a notebook, the approver logs in with password and TOTP and approves it, the worker mails the openTRANS
order to the supplier; the coop admin computes, reviews and issues a billing run, the worker mails the
XRechnung; /healthz answers ok. Exits non-zero with the step that failed."""

from __future__ import annotations

import email
import email.policy
import json
import re
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests
from django_otp.oath import TOTP

DEADLINE_SECONDS = 30  # for a mail to arrive through the worker
CONFIRM_FIELD = "bestaetigung"  # kitu.core.confirm.CONFIRM_FIELD: sent only by a confirmation page


class Forms(HTMLParser):
    """The forms of a page: action, method and the values a browser would send without a click."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "checkbox", "radio", "file"):
            self.forms[-1]["fields"].setdefault(a["name"], a.get("value", ""))
        elif tag == "input" and a.get("name") and a.get("type") in ("checkbox", "radio") and "checked" in a:
            self.forms[-1]["fields"].setdefault(a["name"], a.get("value", "on"))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            fields = self.forms[-1]["fields"]
            if self._select not in fields or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self.forms[-1].setdefault("buttons", {})[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


class Browser:
    """A person's browser behind the TLS-terminating proxy, played with X-Forwarded-Proto: the production cookies
    are Secure, so this browser keeps its own cookies and follows redirects itself (requests would drop Secure
    cookies on plain http)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.cookies: dict[str, str] = {}
        host = base.split("//", 1)[1]
        self.headers = {"X-Forwarded-Proto": "https", "Referer": f"https://{host}/"}

    def request(self, method: str, url: str, data: dict[str, str] | None = None) -> requests.Response:
        for _ in range(10):
            headers = {**self.headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            answer = self.session.request(
                method, url, data=data, headers=headers, allow_redirects=False, timeout=60, cookies=None
            )
            self.cookies.update({c.name: c.value or "" for c in answer.cookies})
            self.session.cookies.clear()
            if answer.status_code not in (301, 302, 303, 307, 308):
                return answer
            url, method, data = urljoin(url, answer.headers["Location"]), "GET", None
        raise AssertionError(f"too many redirects: {url}")

    def get(self, path: str) -> requests.Response:
        return self.request("GET", urljoin(self.base, path))

    def submit(
        self, page: requests.Response, action: str, data: dict[str, str] | None = None, button: str | None = None
    ) -> requests.Response:
        parser = Forms()
        parser.feed(page.text)
        path = page.url.split(self.base, 1)[-1]
        found = [
            f for f in parser.forms if f["method"] == "post" and re.search(action, urljoin(path, f["action"] or path))
        ]
        if not found:
            raise AssertionError(f"no form for {action} on {page.url}: {[f['action'] for f in parser.forms]}")
        form = found[0]
        fields = {**form["fields"], **(data or {})}
        if button:
            fields[button] = form.get("buttons", {}).get(button, "1")
        target = urljoin(page.url, form["action"] or page.url)
        answer = self.request("POST", target, fields)
        if answer.status_code >= 400:
            raise AssertionError(f"POST {target}: {answer.status_code}\n{answer.text[:2000]}")
        return answer

    def confirm_if_asked(self, answer: requests.Response) -> requests.Response:
        """Submit the confirmation page where the app asks before an irreversible step."""
        parser = Forms()
        parser.feed(answer.text)
        for form in parser.forms:
            if form["method"] == "post" and CONFIRM_FIELD in form["fields"]:
                buttons = form.get("buttons", {})
                fields = {**form["fields"], **buttons}
                return self.request("POST", urljoin(answer.url, form["action"] or answer.url), fields)
        return answer

    def login(self, user: str, password: str, totp_key: str | None) -> None:
        page = self.get("/konto/anmelden/")
        answer = self.submit(page, r"/konto/anmelden/", {"username": user, "password": password})
        if "/konto/zwei-faktor/" in answer.url:
            if totp_key is None:
                raise AssertionError(f"{user}: second factor asked, no key")
            code = f"{TOTP(bytes.fromhex(totp_key)).token():06d}"
            answer = self.submit(answer, r"/konto/zwei-faktor/", {"token": code})
        if "/konto/" in answer.url:
            raise AssertionError(f"{user}: login did not get through ({answer.url})\n{answer.text[:1500]}")


def mails(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in sorted(folder.glob("*.eml"))]


def wait_for_mail(folder: Path, to: str, what: str) -> email.message.EmailMessage:
    """The first mail to ``to`` with an XML attachment, waiting up to DEADLINE_SECONDS for the worker."""
    end = time.monotonic() + DEADLINE_SECONDS
    while True:
        for message in mails(folder):
            if to in (message["To"] or "") and any(name.endswith(".xml") for name in attachments(message)):
                return message
        if time.monotonic() > end:
            seen = [(m["To"], m["Subject"]) for m in mails(folder)]
            raise AssertionError(f"{what}: no mail to {to} after {DEADLINE_SECONDS} s; received {seen}")
        time.sleep(0.2)


def attachments(message: email.message.EmailMessage) -> dict[str, bytes]:
    return {
        part.get_filename() or "": part.get_payload(decode=True) or b""  # type: ignore[misc]
        for part in message.iter_attachments()
    }


def step(name: str) -> None:
    print(f"stack: {name}", flush=True)


def main() -> None:
    base, mail_dir, world = sys.argv[1], Path(sys.argv[2]), json.loads(Path(sys.argv[3]).read_text())
    password, key = world["password"], world["totp_key"]

    step("/healthz")
    health = requests.get(urljoin(base, "/healthz"), timeout=10)
    assert health.status_code == 200 and health.json()["checks"] == {"database": "ok", "broker": "ok"}, health.text

    step("requester orders a notebook (800 EUR: needs approval)")
    requester = Browser(base)
    requester.login(world["requester"], password, None)
    article = requester.get(f"/katalog/artikel/{world['article_id']}/")
    assert article.status_code == 200 and "Notebook 14 Zoll" in article.text, article.status_code
    requester.submit(article, r"/bestellungen/warenkorb/hinzufuegen/", {"quantity": "1"})
    review = requester.get(f"/bestellungen/warenkorb/pruefen/?mitglied={world['member_id']}")
    placed = requester.submit(review, r"/bestellungen/warenkorb/absenden/")
    order_ids = sorted({int(n) for n in re.findall(r'href="/bestellungen/(\d+)/"', placed.text)})
    assert len(order_ids) == 1, (placed.url, placed.text[:2000])
    order_id = order_ids[0]
    assert not [m for m in mails(mail_dir) if world["supplier_mail"] in (m["To"] or "")], "sent before the approval"

    step("approver logs in with password and TOTP and approves")
    approver = Browser(base)
    approver.login(world["approver"], password, key)
    detail = approver.get(f"/bestellungen/{order_id}/")
    approver.confirm_if_asked(approver.submit(detail, rf"/bestellungen/{order_id}/freigeben/"))

    step("the worker mails the openTRANS order to the supplier")
    files = attachments(wait_for_mail(mail_dir, world["supplier_mail"], "openTRANS mail"))
    xml = next((content for name, content in files.items() if name.endswith(".xml")), b"")
    assert b"http://www.opentrans.org/XMLSchema/2.1" in xml and b'type="release"' in xml, list(files)

    step("coop admin computes, reviews and issues a billing run")
    admin = Browser(base)
    admin.login(world["admin"], password, key)
    runs = admin.get("/leistungen/abrechnung/")
    computed = admin.submit(runs, r"/leistungen/abrechnung/$", {"period": world.get("period", "2026-11")})
    run_id = re.search(r"/leistungen/abrechnung/(\d+)/", computed.url or "")
    assert run_id, (computed.url, computed.text[:1500])
    reviewed = admin.submit(computed, rf"/leistungen/abrechnung/{run_id.group(1)}/review/")
    admin.confirm_if_asked(admin.submit(reviewed, rf"/leistungen/abrechnung/{run_id.group(1)}/issue/"))

    step("the worker issues and mails the XRechnung")
    files = attachments(wait_for_mail(mail_dir, world["invoice_mail"], "XRechnung mail"))
    xml = next((content for name, content in files.items() if name.endswith(".xml")), b"")
    assert b"urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0" in xml, list(files)
    assert any(name.endswith(".pdf") for name in files), list(files)

    step("ok")


if __name__ == "__main__":
    main()
