"""What the browser tests share: Debian's Chromium driven by Playwright, axe-core run inside each
page, screenshots in test-artifacts/, and the mails of the local mail sink."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from playwright.async_api import Page

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# RGAA 4.1 follows WCAG 2.1 A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def front_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('SPIE_FRONT_PORT', '8080')}"


@dataclass
class AxeReport:
    """Every page checked, and its serious or critical violations (rule: nodes)."""

    pages: dict[str, list[str]] = field(default_factory=dict)

    @property
    def failures(self) -> dict[str, list[str]]:
        return {name: found for name, found in self.pages.items() if found}


async def check_page(page: Page, name: str, report: AxeReport) -> None:
    """Screenshot the page, then run axe-core in it and keep what is serious or critical."""
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"workspace-{name}.png"), full_page=True)
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text())
    result: dict[str, Any] = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    report.pages[name] = [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} × {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    (ARTIFACTS / f"workspace-{name}.axe.json").write_text(
        json.dumps(result["violations"], ensure_ascii=False, indent=1)
    )


def latest_link(mail_dir: Path, address: str, pattern: str) -> str | None:
    """The first URL matching `pattern` in the newest e-mail to `address`."""
    newest: tuple[float, str] | None = None
    for path in mail_dir.glob("*.eml") if mail_dir.exists() else []:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if address not in str(message.get("To", "")):
            continue
        body = message.get_body(preferencelist=("plain",))
        found = re.search(pattern, body.get_content()) if body else None
        if found and (newest is None or path.stat().st_mtime > newest[0]):
            newest = (path.stat().st_mtime, found.group(0))
    return newest[1] if newest else None
