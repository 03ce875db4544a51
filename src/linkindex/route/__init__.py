"""`linkindex serve --route`: the API served from snapshots whose shard files live on shard
hosts (`linkindex serve-shards`); accounts, quotas and next tokens stay here (docs/scale.md).
"""
