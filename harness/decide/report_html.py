"""The HTML decision report: one self-contained file (inline CSS, plots as data URIs, no network).

A small inline script marks on ``<body>`` how many plots decoded (``naturalWidth > 0``), so a
headless browser's DOM dump proves the report rendered, not just that the file exists.
"""

from __future__ import annotations

import base64
from html import escape

from harness.decide.tables import ReportContent, Table

CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#222;line-height:1.4}
#verdict{font-size:1.3rem;font-weight:600;padding:.8rem 1rem;border-radius:6px;border:2px solid}
.keep{background:#fdecea;border-color:#d62728}.fall_back{background:#e8f1fa;border-color:#1f77b4}
.template_only{background:#f2f2f2;border-color:#7f7f7f}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.85rem;display:block;overflow-x:auto;max-width:100%}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}th{background:#f5f5f5}
td.FAILS{color:#b00;font-weight:600}td.holds{color:#070}
figure{margin:1rem 0}img.plot{max-width:100%;border:1px solid #ddd}
"""

SCRIPT = """
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.querySelectorAll('img.plot'));
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  document.body.setAttribute('data-plots-total', String(imgs.length));
  document.body.setAttribute('data-plots-rendered', String(ok.length));
  var v = document.getElementById('verdict');
  document.body.setAttribute('data-verdict-visible', v && v.offsetHeight > 0 ? 'yes' : 'no');
});
"""


def _result_class(cell: str) -> str:
    """Colours rule results: any cell that says a rule held or failed."""
    if cell.startswith("FAILS"):
        return "FAILS"
    return "holds" if cell.startswith("holds") else ""


def table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    body = []
    for row in table.rows:
        cells = "".join(f'<td class="{_result_class(c)}">{escape(c)}</td>' for c in row)
        body.append(f"<tr>{cells}</tr>")
    intro = f"<p>{escape(table.intro)}</p>" if table.intro else ""
    return f"<h2>{escape(table.title)}</h2>{intro}<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(content: ReportContent) -> str:
    """The whole report as one HTML document."""
    figures = []
    for plot in content.plots:
        data = base64.b64encode(plot.png).decode("ascii")
        figures.append(
            f'<figure><img class="plot" id="plot-{escape(plot.name)}" alt="{escape(plot.title)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{escape(plot.title)}</figcaption></figure>'
        )
    notes = "".join(f"<li>{escape(n)}</li>" for n in content.notes)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Decision report: {escape(content.suite)}</title>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<style>{CSS}</style></head><body>"
        f'<p id="verdict" class="{escape(content.outcome or content.verdict)}" data-verdict="{escape(content.verdict)}">'
        f"{escape(content.headline)}</p>"
        f"<h1>Decision report: suite <code>{escape(content.suite)}</code></h1>"
        + "".join(table_html(t) for t in content.tables)
        + "<h2>Plots</h2>"
        + "".join(figures)
        + (f"<h2>Notes</h2><ul>{notes}</ul>" if notes else "")
        + f"<script>{SCRIPT}</script></body></html>\n"
    )
