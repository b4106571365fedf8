"""The errors of the shared cache (Redis, KANSLI_REDIS_URL) out of reach, for the
`except` clauses that carry on without it: `except cache_errors():`. The Redis client is
not imported for them: without a Redis cache (the embedded default) it would cost every
process about 9 MB for nothing. A RedisError can only come from a client that has been
imported, so until then there is no error to catch."""

from __future__ import annotations

import sys


def cache_errors() -> tuple[type[Exception], ...]:
    # getattr: another thread may be importing the module at this moment.
    error = getattr(sys.modules.get("redis.exceptions"), "RedisError", None)
    return () if error is None else (error,)
