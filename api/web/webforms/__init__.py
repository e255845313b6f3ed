"""Task forms as server-rendered HTML: render a JSON Schema, parse what was posted.

Conventions the page and the processes can rely on:

- Input names are property paths joined by dots (``address.street``); ids
  are ``field-`` and the path joined by hyphens (``field-address-street``),
  options add their index (``field-urgency-0``).
- Enum options travel as their value for strings and as JSON otherwise
  (``1``, ``true``); checkbox lists repeat the name once per ticked option.
- A boolean is a checkbox (unticked means false), or Yes/No radio buttons
  when it is required or ``ui:widget`` is ``radio``, so that "No" is an
  answer someone gave rather than a box nobody ticked.
- Date-times are typed on the office's clock (``tz``, Asia/Shanghai by
  default) and stored as aware ISO 8601 with that offset; see ``local_time``.
- Empty fields are left out of the data, never sent as ``""``; read-only
  properties are shown but never read from a post.
- The renderer shows the words the schema carries: a page lays the reader's
  language over it first (``TaskView.form_in``, ``engine.workflow.form_overlays``).
  ``x-minText`` becomes ``data-min-cjk``/``data-min-latin`` and a message,
  which ``say_enough.js`` checks as the text is typed.
"""

from api.web.webforms.local_time import OFFICE_TZ
from api.web.webforms.parse import parse_submission
from api.web.webforms.render import render_form
from api.web.webforms.schema_fields import UnsupportedField
from engine.common.errors import FieldError

__all__ = ["OFFICE_TZ", "FieldError", "UnsupportedField", "parse_submission", "render_form"]
