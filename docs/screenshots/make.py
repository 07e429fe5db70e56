"""Refresh the screenshots in docs/screenshots/: the start page of every demo role (1280×800) and the catalog
on a phone (390×844), taken from the demo data in a throw-away SQLite database.

    .venv/bin/python docs/screenshots/make.py

Needs Debian's Chromium (/usr/bin/chromium) and Playwright (requirements-dev). Takes about a minute.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
PASSWORD = "KITU-Demo-2026!"  # noqa: S105 - the published demo password
ROLES = {
    "admin": "Geschäftsstelle",
    "contracts": "Vertragsmanagement",
    "memberadmin.wernigerode": "Mitglied-Administration",
    "requester.wernigerode": "Bedarfsträger",
    "approver.wernigerode": "Freigabe",
    "supplier": "Lieferant",
    "caseworker.wernigerode": "Sachbearbeitung Mängelmelder",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{tmp}/screens.sqlite3",
            MEDIA_ROOT=f"{tmp}/media",
            KITU_DEMO="1",
            KITU_RELAX_2FA="1",
            DJANGO_SETTINGS_MODULE="config.settings.base",
            AXES_ENABLED="0",
        )
        python = sys.executable
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.2)
            _shoot(base)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _login(page: Page, base: str, user: str) -> None:
    page.goto(base + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(f"{user}@demo.kitu.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state("networkidle")


def _shoot(base: str) -> None:
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for user in ROLES:
            context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
            page = context.new_page()
            _login(page, base, user)
            page.goto(base + "/")
            page.screenshot(path=str(OUT / f"start-{user.split('.')[0]}.png"), full_page=True)
            context.close()
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
        page = context.new_page()
        _login(page, base, "requester.wernigerode")
        page.goto(base + "/katalog/?q=Notebook")
        page.screenshot(path=str(OUT / "catalog-phone.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
