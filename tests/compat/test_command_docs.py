"""COMMAND DOCS: every command we implement answers exactly as Redis 7.2 does.

The expectation is data/command_docs_7.2.json, a recorded reference reply: the
RESP3 `COMMAND DOCS <name>` reply of Redis 7.2.6 for every name in the server
under test's COMMAND LIST (containers keep only the subcommands we implement),
converted to JSON. Maps become objects in wire order, arrays and sets become
lists. The RESP types JSON loses are fixed by Redis's reply shape
(addReplyCommandDocs / addReplyCommandArgList in src/server.c): the values of
"flags" and "doc_flags" are sets of simple strings, "history" is a set of
[since, changes] arrays, everything else is a map, an array, a bulk string or
an integer. Map order matters except under "subcommands", which Redis emits in
its dict's (random) order.

Both protocols are checked: RESP3 as a self-describing tree, RESP2 with the
maps flattened into arrays.

Exception: Redis 7.2 lacks the hash-field expiration commands (HEXPIRE,
HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME,
HPERSIST), which Cinnabar implements as Redis 7.4 does. Their entries come
from Redis 7.4.1's src/commands/*.json, mapped the way the server builds
COMMAND DOCS (commands.def, addReplyCommandDocs): summary, since, group,
complexity and the argument tree, with display_text defaulting to the
argument's name except for blocks and oneofs, and no history (theirs is
empty). Re-recording against Redis 7.2 drops them: add them back.

To re-record (for instance after adding a command), run a Redis 7.2 server and
the server under test, then:

    python3 test_command_docs.py --record REDIS_HOST:PORT SERVER_HOST:PORT
"""

import json
import os
import socket
import sys
from collections import OrderedDict

import pytest

from conftest import RawConn, resp_cmd

DATA = os.path.join(os.path.dirname(__file__), "data", "command_docs_7.2.json")

pytestmark = pytest.mark.redis72


# --------------------------------------------------------------------------
# typed RESP values
# --------------------------------------------------------------------------

class Simple(str):
    """A simple (+) string; never equal to a bulk string with the same text."""

    def __eq__(self, other):
        return isinstance(other, Simple) and str.__eq__(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__

    def __repr__(self):
        return "+" + str.__repr__(self)


class RSet(list):
    """A RESP3 set (~), compared in wire order; never equal to an array."""

    def __eq__(self, other):
        return isinstance(other, RSet) and list.__eq__(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __repr__(self):
        return "~" + list.__repr__(self)


class RMap(list):
    """A RESP3 map (%) as its list of pairs, before normalisation."""


def parse(buf, pos=0):
    """One RESP2/RESP3 reply at buf[pos] -> (value, end)."""
    nl = buf.index(b"\r\n", pos)
    t, line, p = buf[pos:pos + 1], buf[pos + 1:nl], nl + 2
    if t == b"+":
        return Simple(line.decode()), p
    if t == b"-":
        raise AssertionError("error reply: %s" % line.decode())
    if t == b":":
        return int(line), p
    if t == b"_":
        return None, p
    if t == b"$":
        n = int(line)
        if n < 0:
            return None, p
        return buf[p:p + n].decode(), p + n + 2
    if t in (b"*", b"~", b"%"):
        n = int(line)
        if n < 0:
            return None, p
        items = []
        for _ in range(n * 2 if t == b"%" else n):
            v, p = parse(buf, p)
            items.append(v)
        if t == b"%":
            return RMap(zip(items[0::2], items[1::2])), p
        return (RSet(items) if t == b"~" else items), p
    raise AssertionError("unexpected RESP type %r" % t)


def mapping(pairs, key):
    """Pairs as a dict. Redis emits subcommands in its dict's order, so they
    compare as a set; a reference server's extra subcommands (the ones not
    recorded) are left out, so the suite also passes against redis-server."""
    if key == "subcommands":
        return {k: v for k, v in pairs if k in KNOWN}
    return OrderedDict(pairs)


def normalize3(v, key=None):
    """A parsed RESP3 reply with maps as (ordered) dicts."""
    if isinstance(v, RMap):
        return mapping([(k, normalize3(x, k)) for k, x in v], key)
    if isinstance(v, RSet):
        return RSet(normalize3(x) for x in v)
    if isinstance(v, list):
        return [normalize3(x) for x in v]
    return v


def normalize2(v, guide, key=None):
    """A parsed RESP2 reply with the flat arrays that stand for maps in
    `guide` (the recorded JSON) turned into (ordered) dicts."""
    if isinstance(guide, dict) and isinstance(v, list) and len(v) % 2 == 0 \
            and all(isinstance(k, str) and not isinstance(k, Simple) for k in v[0::2]):
        pairs = zip(v[0::2], v[1::2])
        return mapping([(k, normalize2(x, guide.get(k), k)) for k, x in pairs], key)
    if isinstance(guide, list) and isinstance(v, list):
        return [normalize2(x, guide[i] if i < len(guide) else None) for i, x in enumerate(v)]
    return v


def expected(v, resp3, key=None):
    """The typed reply Redis sends for a recorded JSON value."""
    if isinstance(v, dict):
        return mapping([(k, expected(x, resp3, k)) for k, x in v.items()], key)
    if key in ("flags", "doc_flags"):
        members = [Simple(x) for x in v]
        return RSet(members) if resp3 else members
    if key == "history":
        members = [list(x) for x in v]
        return RSet(members) if resp3 else members
    if isinstance(v, list):
        return [expected(x, resp3) for x in v]
    return v


def to_json(v):
    """A normalised RESP3 reply -> plain JSON values (the recording format)."""
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_json(x) for x in v]
    return str(v) if isinstance(v, Simple) else v


def load_expected():
    with open(DATA, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=OrderedDict)


RECORDED = load_expected() if os.path.exists(DATA) else OrderedDict()
# The command names the comparison knows about (see mapping()).
KNOWN = set(RECORDED)


# --------------------------------------------------------------------------
# connections
# --------------------------------------------------------------------------

def request(conn, *args):
    data = conn.request(resp_cmd(*args), timeout=10)
    value, end = parse(data)
    assert end == len(data)
    return value


def open_conn(host, port, protocol):
    conn = RawConn(host, port, timeout=10)
    if protocol == 3:
        request(conn, "HELLO", "3")
    return conn


@pytest.fixture(scope="module")
def conn2(server):
    c = open_conn(server.host, server.port, 2)
    yield c
    c.close()


@pytest.fixture(scope="module")
def conn3(server):
    c = open_conn(server.host, server.port, 3)
    yield c
    c.close()


@pytest.fixture(scope="module")
def command_list(conn2):
    return set(request(conn2, "COMMAND", "LIST"))


# --------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------

def test_every_command_is_recorded(conn2, command_list):
    info = request(conn2, "INFO", "server")
    if "redis_build_id:c1nnab4r" not in info:
        pytest.skip("a full Redis lists the commands Cinnabar lacks too")
    missing = sorted(command_list - set(RECORDED))
    assert missing == [], "not in %s; re-record (see the module docstring)" % DATA


@pytest.mark.parametrize("name", list(RECORDED))
def test_command_docs_resp3(conn3, command_list, name):
    if name not in command_list:
        pytest.skip("%s is not implemented" % name)
    reply = normalize3(request(conn3, "COMMAND", "DOCS", name))
    assert reply == expected({name: RECORDED[name]}, resp3=True)


@pytest.mark.parametrize("name", list(RECORDED))
def test_command_docs_resp2(conn2, command_list, name):
    if name not in command_list:
        pytest.skip("%s is not implemented" % name)
    guide = {name: RECORDED[name]}
    reply = normalize2(request(conn2, "COMMAND", "DOCS", name), guide)
    assert reply == expected(guide, resp3=False)


def test_command_docs_all_commands(conn3, command_list):
    """No names: every top-level command, each with its full docs."""
    reply = normalize3(request(conn3, "COMMAND", "DOCS"))
    top = {n for n in command_list if "|" not in n}
    assert set(reply) == top
    for name in sorted(top & set(RECORDED)):
        assert {name: reply[name]} == expected({name: RECORDED[name]}, resp3=True)


def test_command_docs_several_and_unknown(conn3):
    """Unknown names are skipped; the others answer in request order."""
    reply = normalize3(request(conn3, "COMMAND", "DOCS", "GET", "nosuchcmd", "client|id", "set"))
    assert list(reply) == ["get", "client|id", "set"]
    assert reply == expected(OrderedDict(
        (n, RECORDED[n]) for n in ("get", "client|id", "set")), resp3=True)


# --------------------------------------------------------------------------
# recording
# --------------------------------------------------------------------------

def record(reference, under_test):
    """COMMAND DOCS of the reference server for every name the server under
    test lists, as the JSON written to DATA."""
    def addr(s):
        host, _, port = s.rpartition(":")
        return host or "127.0.0.1", int(port)

    ours = open_conn(*addr(under_test), protocol=2)
    names = sorted(request(ours, "COMMAND", "LIST"))
    KNOWN.clear()
    KNOWN.update(names)
    ref = open_conn(*addr(reference), protocol=3)
    version = request(ref, "HELLO", "3")
    out = OrderedDict()
    for name in names:
        reply = normalize3(request(ref, "COMMAND", "DOCS", name))
        if name not in reply:
            print("reference has no %s" % name, file=sys.stderr)
            continue
        docs = to_json(reply[name])
        if "subcommands" in docs:
            docs["subcommands"] = dict(sorted(docs["subcommands"].items()))
        out[name] = docs
    print("recorded %d commands from %s" % (len(out), dict(version).get("version")), file=sys.stderr)
    with open(DATA, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "--record":
        sys.exit(__doc__)
    socket.setdefaulttimeout(10)
    record(sys.argv[2], sys.argv[3])
