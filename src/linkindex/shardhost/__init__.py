"""`linkindex serve-shards`: a shard host, serving read queries on the shard files it holds to a
`linkindex serve --route` router over an authenticated internal endpoint (docs/scale.md).
"""
