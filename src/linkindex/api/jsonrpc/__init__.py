"""The Moz API: JSON-RPC 2.0 at POST /jsonrpc, authenticated by the x-moz-token header.

The envelope and its errors, the method registry, Brand Authority with its generation queue.
"""
