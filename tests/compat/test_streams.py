"""Streams: XADD/XRANGE and XREAD's BLOCK timeout over a real connection (blocking
XREAD/XREADGROUP served by XADD or woken by deletion are covered by Redis's TCL
suite, unit/type/stream-cgroups). The expectations are Redis 7.2.6's replies (also run against
redis-server itself)."""

import pytest


def x(c, *args):
    return c.execute_command(*args)


def test_xadd_xrange_roundtrip(r):
    assert x(r, "XADD", "s", "1-1", "a", "1") == b"1-1"
    assert x(r, "XADD", "s", "1-*", "b", "2") == b"1-2"
    assert x(r, "XRANGE", "s", "-", "+") == [[b"1-1", [b"a", b"1"]], [b"1-2", [b"b", b"2"]]]
    assert x(r, "XREVRANGE", "s", "+", "-", "COUNT", "1") == [[b"1-2", [b"b", b"2"]]]
    assert x(r, "TYPE", "s") == b"stream"


def test_xread_block_timeout(r):
    assert x(r, "XREAD", "BLOCK", "10", "STREAMS", "nokey", "0") is None
