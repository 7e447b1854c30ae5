"""The passeport as a PDF, with WeasyPrint and the fonts installed on the machine (DejaVu).

Nothing is fetched: the HTML is self-contained and the URL fetcher refuses every URL, so a
text typed by someone holding a link can never make the service reach the network or a file.
"""

from __future__ import annotations

import asyncio
from typing import Any, NoReturn


def _refuse(url: str, *_: Any, **__: Any) -> NoReturn:
    raise ValueError("le passeport ne charge aucune ressource externe")


def _render(html: str) -> bytes:
    from weasyprint import HTML  # imported on first use: Pango is loaded only when a PDF is asked

    pdf = HTML(string=html, url_fetcher=_refuse).write_pdf()
    assert pdf is not None  # write_pdf without a target returns the bytes
    return bytes(pdf)


async def render_pdf(html: str) -> bytes:
    """CPU-bound: run in a worker thread, off the event loop."""
    return await asyncio.to_thread(_render, html)
