"""Redaction (maskering) of a PDF for a request for public documents (OSL 6 kap. 3 §,
the parts that are secret are withheld and the rest disclosed): conversion to PDF, finding
what to mark, removing what lies under the marked areas (text, image pixels, vector
drawings), labelling each area with its provision, stripping what a PDF can hide
(metadata, annotations, attachments, form fields, JavaScript, hidden layers) and checking
the result with two text extractors that did not write it.

The engine knows only bytes and rectangles: no models, no users. Pages are numbered from
1; a rectangle is (x0, y0, x1, y1) in PDF points on the page as PyMuPDF shows it (origin
top left)."""
