"""A local SMTP sink for the stack test: every message received on 127.0.0.1:PORT is written to DIR as .eml."""

from __future__ import annotations

import signal
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class ToFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        target = self.folder / f"{uuid.uuid4().hex}.eml"
        target.with_suffix(".part").write_bytes(envelope.original_content or envelope.content)
        target.with_suffix(".part").rename(target)  # complete files only
        return "250 Message accepted for delivery"


def main() -> None:
    port, folder = int(sys.argv[1]), Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(ToFolder(folder), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
