"""Python clients for both Moz APIs, usable against linkindex or Moz by changing the base URL.

LinksClient speaks the Links API V2, MozClient the JSON-RPC Moz API; both retry politely.
"""

from linkindex.client.errors import ApiError, JsonRpcError, NextTokenExpired
from linkindex.client.links import LinksClient
from linkindex.client.moz import MozClient
from linkindex.client.retry import RetryAfterTooLong, RetryPolicy

__all__ = [
    "ApiError",
    "JsonRpcError",
    "LinksClient",
    "MozClient",
    "NextTokenExpired",
    "RetryAfterTooLong",
    "RetryPolicy",
]
