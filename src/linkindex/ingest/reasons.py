"""Why a record or a link produced no row: one constant per reason, with the label users see.

The per-record function returns these; the runner counts them; the summary prints the labels.
"""

from __future__ import annotations

# Record-level reasons: the record yielded no links (a page row may still exist, see LABELS).
NOT_RESPONSE = "not_response"
REVISIT = "revisit"
TRUNCATED = "truncated"
NOT_HTML = "not_html"
DECODE_ERROR = "decode_error"
BAD_URL = "bad_url"
BAD_HTTP = "bad_http"
BAD_WAT_JSON = "bad_wat_json"
EXTRACT_ERROR = "extract_error"
BAD_DIGEST = "bad_digest"

# Link-level reasons: one count per dropped link.
LINK_NON_HTTP = "link_non_http"
LINK_BAD_URL = "link_bad_url"

LABELS: dict[str, str] = {
    NOT_RESPONSE: "records that are not captures (request, warcinfo, metadata, resource)",
    REVISIT: "revisit records (no payload of their own)",
    TRUNCATED: "records cut short by the end of a damaged file",
    NOT_HTML: "pages that are not HTML (page row kept, no links)",
    DECODE_ERROR: "pages whose Content-Encoding could not be decoded (page row kept)",
    BAD_URL: "records whose WARC-Target-URI is not a valid http(s) URL",
    BAD_HTTP: "records with unreadable HTTP headers",
    BAD_WAT_JSON: "WAT metadata records whose JSON could not be read",
    EXTRACT_ERROR: "records that raised an unexpected error (a bug: please report it)",
    BAD_DIGEST: "records whose block does not match their WARC-Block-Digest (damaged: skipped)",
    LINK_NON_HTTP: "links with a non-http(s) scheme (mailto:, javascript:, tel:, ...)",
    LINK_BAD_URL: "links whose URL cannot be made canonical",
}
