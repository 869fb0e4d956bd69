"""The HTML report: one self-contained ``report.html`` a person reads and listens to.

:func:`write_report` reads a run folder (``remediate run`` or ``scan``) and, when there is
one, the ``remediate fix`` folder made from it, and writes ``report.html`` into the run
folder: verdict counts, the edition check, what the audit said, a filterable table of
every pair, a player and a picture for every pair that is not kept, the re-record list
(printable) and the before/after of fixed pairs. It works offline from ``file://``:
no CDN, no server; styles and scripts are inline. See :mod:`remediate.html.media` for
when audio is embedded and when it is linked.
"""

from __future__ import annotations

from remediate.contract import REPORT_HTML
from remediate.html.render import write_report

__all__ = ["REPORT_HTML", "write_report"]
