"""PDF documents (WeasyPrint): a template rendered to bytes, and the response that serves it.

No network is used: templates embed their stylesheet, and WeasyPrint may only read files of
the project's own static folders.
"""

from urllib.parse import quote

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

# The page frame shared by every document: A4, German page numbering in the footer.
PAGE_CSS = """
@page {
  size: A4;
  margin: 22mm 20mm 24mm 22mm;
  @bottom-right { content: "Seite " counter(page) " von " counter(pages); font-size: 8pt; color: #555; }
}
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.4; }
"""


def _static_only(url, *args, **kwargs):
    """Resolve `/static/…` to the project's own files; refuse everything else (no network)."""
    from weasyprint.urls import default_url_fetcher

    prefix = "/static/"
    path = url.split("://", 1)[-1]
    path = path[path.find(prefix) :] if prefix in path else ""
    found = finders.find(path[len(prefix) :]) if path else None
    if not found:
        raise ValueError(f"PDF: Ressource nicht erlaubt: {url}")
    return default_url_fetcher(f"file://{found}", *args, **kwargs)


def render_pdf(template_name, context, request=None):
    """Render a template to PDF bytes, tagged as PDF/UA-1 (BITV covers documents too): the
    structure of headings, tables and lists is in the file for screen readers, with the
    document's language and title."""
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else "http://localhost/"
    document = HTML(string=html, base_url=base_url, url_fetcher=_static_only)
    return document.write_pdf(stylesheets=[CSS(string=PAGE_CSS)], pdf_variant="pdf/ua-1")


def pdf_response(content, filename, *, inline=True):
    """Serve PDF bytes with a file name that survives umlauts."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
