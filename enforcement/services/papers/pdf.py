"""Papers as PDF: the same HTML templates the browser prints, rendered by WeasyPrint on A4 with
the Noto CJK fonts (Debian's fonts-noto-cjk), so the text stays searchable and copyable. Generic
over every paper template: it takes a standalone HTML page, whatever the paper."""

from __future__ import annotations

import logging

log = logging.getLogger("enforcement.papers")

#: Extra rules for the PDF only: one A4 page per sheet, no trailing blank page.
PDF_CSS = """
@page { size: A4; margin: 0; }
body.standalone { background: #fff; padding: 0; margin: 0; }
.paper-sheet { box-shadow: none; margin: 0; page-break-after: auto; }
.paper-sheet + .paper-sheet { page-break-before: always; }
"""


class PdfUnavailable(RuntimeError):
    pass


def html_to_pdf(
    html: str, *, base_url: str | None = None, title: str = "", author: str = ""
) -> bytes:
    """A4 PDF bytes of a standalone HTML page (styles inline; no outside request is made)."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as exc:  # OSError: pango/harfbuzz libraries missing
        raise PdfUnavailable(
            "WeasyPrint is not available: install it and its Pango "
            "libraries (see README, Deployment)"
        ) from exc

    def no_fetch(url, *args, **kwargs):
        # Papers carry everything inline; a paper must not make the server fetch anything.
        raise ValueError(f"refusing to fetch {url!r} while rendering a paper")

    document = HTML(string=html, base_url=base_url, url_fetcher=no_fetch)
    return document.write_pdf(stylesheets=[CSS(string=PDF_CSS)])
