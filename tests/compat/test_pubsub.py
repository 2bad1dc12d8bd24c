"""Pub/Sub: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE
SUNSUBSCRIBE PUBLISH SPUBLISH and PUBSUB introspection, through redis-py's
PubSub object (RESP2 and RESP3) and on the raw wire: confirmations and their
counts, delivery order, channel and pattern deliveries of one message, the
RESP2 subscribed-context rules (error text, PING's array), RESP3 pushes mixed
with ordinary replies, sharded channels, subscribers removed on disconnect and
a subscriber that never reads disconnected by the pubsub output buffer limit."""

import re
import socket
import time

import pytest

from conftest import parse_info, resp_cmd, wait_until

PROTOCOLS = [2, 3]

CONTEXT_ERR = ("ERR Can't execute '%s': only (P|S)SUBSCRIBE / "
               "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
               "context")


def get_messages(p, n, timeout=1.0):
    """The next n messages of PubSub p (fewer if the deadline passes)."""
    out = []
    deadline = time.monotonic() + timeout
    while len(out) < n:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        m = p.get_message(timeout=min(remaining, 0.2))
        if m is not None:
            out.append(m)
    return out


def short(m):
    """(type, pattern, channel, data) of a redis-py pubsub message."""
    return (m["type"], m["pattern"], m["channel"], m["data"])


def numsub(r, *channels):
    reply = r("PUBSUB", "NUMSUB", *channels)
    return dict(zip(reply[0::2], reply[1::2]))


@pytest.fixture(params=PROTOCOLS, ids=["resp2", "resp3"])
def psc(request, new_client, r):
    """(publisher r, subscriber client of the parametrized protocol)."""
    sub = new_client(protocol=request.param)
    return r, sub


def test_subscribe_unsubscribe_confirmations(psc):
    r, sub = psc
    p = sub.pubsub()
    p.subscribe("a", "b")
    assert [short(m) for m in get_messages(p, 2)] == [
        ("subscribe", None, b"a", 1), ("subscribe", None, b"b", 2)]
    p.psubscribe("p*")
    assert [short(m) for m in get_messages(p, 1)] == [
        ("psubscribe", None, b"p*", 3)]
    p.unsubscribe("b")
    assert [short(m) for m in get_messages(p, 1)] == [
        ("unsubscribe", None, b"b", 2)]
    p.punsubscribe("p*")
    assert [short(m) for m in get_messages(p, 1)] == [
        ("punsubscribe", None, b"p*", 1)]
    p.unsubscribe("a")
    assert [short(m) for m in get_messages(p, 1)] == [
        ("unsubscribe", None, b"a", 0)]
    p.close()


def test_subscribe_same_channel_twice(psc):
    r, sub = psc
    p = sub.pubsub()
    p.subscribe("a")
    p.subscribe("a")
    assert [short(m) for m in get_messages(p, 2)] == [
        ("subscribe", None, b"a", 1), ("subscribe", None, b"a", 1)]
    assert numsub(r, "a") == {b"a": 1}
    p.close()


def test_delivery_order(psc):
    r, sub = psc
    p = sub.pubsub(ignore_subscribe_messages=True)
    p.subscribe("ch")
    get_messages(p, 1, timeout=0.3)  # swallow the confirmation
    for i in range(100):
        assert r("PUBLISH", "ch", "m%d" % i) == 1
    got = get_messages(p, 100)
    assert [m["data"] for m in got] == [b"m%d" % i for i in range(100)]
    assert all(m["type"] == "message" and m["channel"] == b"ch" for m in got)
    p.close()


def test_channel_and_pattern_both_delivered(psc):
    r, sub = psc
    p = sub.pubsub()
    p.subscribe("news.tech")
    p.psubscribe("news.*")
    get_messages(p, 2)
    assert r("PUBLISH", "news.tech", "hi") == 2
    assert [short(m) for m in get_messages(p, 2)] == [
        ("message", None, b"news.tech", b"hi"),
        ("pmessage", b"news.*", b"news.tech", b"hi")]
    # two matching patterns: one pmessage each
    p.psubscribe("news.t*")
    get_messages(p, 1)
    assert r("PUBLISH", "news.tech", "x") == 3
    got = [short(m) for m in get_messages(p, 3)]
    assert got[0] == ("message", None, b"news.tech", b"x")
    assert sorted(got[1:]) == [("pmessage", b"news.*", b"news.tech", b"x"),
                               ("pmessage", b"news.t*", b"news.tech", b"x")]
    assert r("PUBLISH", "news.other", "y") == 1
    assert [short(m) for m in get_messages(p, 1)] == [
        ("pmessage", b"news.*", b"news.other", b"y")]
    p.close()


def test_publish_receiver_counts(r, new_client):
    assert r("PUBLISH", "nobody", "x") == 0
    subs = []
    for i in range(3):
        p = new_client(protocol=2 + (i % 2)).pubsub()
        p.subscribe("c")
        get_messages(p, 1)
        subs.append(p)
    pp = new_client().pubsub()
    pp.psubscribe("c*", "*")
    get_messages(pp, 2)
    # 3 channel subscribers + 2 matching patterns of one client
    assert r("PUBLISH", "c", "x") == 5
    assert r("PUBLISH", "d", "x") == 1
    for p in subs + [pp]:
        p.close()


def test_pubsub_introspection(r, new_client):
    assert r("PUBSUB", "CHANNELS") == []
    assert r("PUBSUB", "NUMPAT") == 0
    assert r("PUBSUB", "NUMSUB") == []
    p1 = new_client().pubsub()
    p1.subscribe("foo", "foobar", "bar")
    p2 = new_client(protocol=3).pubsub()
    p2.subscribe("foo")
    p2.psubscribe("f*", "b*")
    get_messages(p1, 3)
    get_messages(p2, 3)
    assert sorted(r("PUBSUB", "CHANNELS")) == [b"bar", b"foo", b"foobar"]
    assert sorted(r("PUBSUB", "CHANNELS", "foo*")) == [b"foo", b"foobar"]
    assert r("PUBSUB", "CHANNELS", "x*") == []
    assert r("PUBSUB", "NUMSUB", "foo", "bar", "none") == \
        [b"foo", 2, b"bar", 1, b"none", 0]
    assert r("PUBSUB", "NUMPAT") == 2
    # patterns are counted once per (client, pattern)
    p1.psubscribe("f*")
    get_messages(p1, 1)
    assert r("PUBSUB", "NUMPAT") == 2
    # pattern subscriptions are not channels
    assert b"f*" not in r("PUBSUB", "CHANNELS")
    p1.close()
    p2.close()


def test_pubsub_introspection_resp3(r3, new_client):
    p = new_client().pubsub()
    p.subscribe("a")
    get_messages(p, 1)
    assert r3("PUBSUB", "NUMSUB", "a", "b") == [b"a", 1, b"b", 0]
    assert r3("PUBSUB", "CHANNELS") == [b"a"]
    assert r3("PUBSUB", "NUMPAT") == 0
    p.close()


def test_pubsub_errors(r, err):
    assert err(r, "PUBSUB", "NOPE") == (
        "ERR unknown subcommand 'NOPE'. Try PUBSUB HELP.")
    assert err(r, "PUBSUB", "NUMPAT", "x") == (
        "ERR wrong number of arguments for 'pubsub|numpat' command")
    assert err(r, "PUBSUB", "CHANNELS", "a", "b") == (
        "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. "
        "Try PUBSUB HELP.")
    assert err(r, "PUBLISH", "a") == (
        "ERR wrong number of arguments for 'publish' command")
    assert err(r, "SUBSCRIBE") == (
        "ERR wrong number of arguments for 'subscribe' command")


def test_pubsub_help(r):
    lines = r("PUBSUB", "HELP")
    assert lines[0] == (b"PUBSUB <subcommand> [<arg> [value] [opt] ...]. "
                        b"Subcommands are:")
    assert lines[-2:] == [b"HELP", b"    Print this help."]
    assert b"NUMPAT" in lines
    assert b"SHARDNUMSUB [<shardchannel> ...]" in lines


def test_resp2_subscribed_context(raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("SUBSCRIBE", "a")) == (
        b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n")
    assert c.request(resp_cmd("GET", "k")) == (
        b"-" + (CONTEXT_ERR % "get").encode() + b"\r\n")
    assert c.request(resp_cmd("set", "k", "v")) == (
        b"-" + (CONTEXT_ERR % "set").encode() + b"\r\n")
    # PING answers with an array in this context
    assert c.request(resp_cmd("PING")) == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    assert c.request(resp_cmd("PING", "hi")) == (
        b"*2\r\n$4\r\npong\r\n$2\r\nhi\r\n")
    # the subscription is still there; leaving it restores normal commands
    assert c.request(resp_cmd("UNSUBSCRIBE")) == (
        b"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n")
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"
    assert c.request(resp_cmd("GET", "k")) == b"$-1\r\n"


def test_resp2_pattern_subscribed_context(raw_conn):
    c = raw_conn()
    c.request(resp_cmd("PSUBSCRIBE", "x*"))
    assert c.request(resp_cmd("LPUSH", "l", "1")) == (
        b"-" + (CONTEXT_ERR % "lpush").encode() + b"\r\n")
    assert c.request(resp_cmd("RESET")) == b"+RESET\r\n"
    assert c.request(resp_cmd("LPUSH", "l", "1")) == b":1\r\n"


def test_unsubscribe_without_subscriptions(raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("UNSUBSCRIBE")) == (
        b"*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
    assert c.request(resp_cmd("PUNSUBSCRIBE")) == (
        b"*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n")
    assert c.request(resp_cmd("SUNSUBSCRIBE")) == (
        b"*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n")
    # unsubscribing from a channel one is not subscribed to
    assert c.request(resp_cmd("UNSUBSCRIBE", "zz")) == (
        b"*3\r\n$11\r\nunsubscribe\r\n$2\r\nzz\r\n:0\r\n")
    # not in subscribed context: ordinary commands work
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"


def test_resp3_pushes_interleaved(r, raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("HELLO", "3")).startswith(b"%")
    assert c.request(resp_cmd("SUBSCRIBE", "a")) == (
        b">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n")
    # any command works in RESP3 while subscribed
    assert c.request(resp_cmd("SET", "k", "v")) == b"+OK\r\n"
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"
    assert r("PUBLISH", "a", "hello") == 1
    assert c.read_replies(1) == (
        b">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n")
    assert c.request(resp_cmd("GET", "k")) == b"$1\r\nv\r\n"
    # a push queued before a reply is read before it
    assert r("PUBLISH", "a", "x") == 1
    time.sleep(0.05)
    assert c.request(resp_cmd("GET", "k"), n=2) == (
        b">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nv\r\n")
    c.send(resp_cmd("PSUBSCRIBE", "a*"))
    assert c.read_replies(1) == b">3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:2\r\n"
    assert r("PUBLISH", "ab", "y") == 1
    assert c.read_replies(1) == (
        b">4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$2\r\nab\r\n$1\r\ny\r\n")


@pytest.mark.redis72
def test_resp3_publish_to_self(raw_conn):
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    c.request(resp_cmd("SUBSCRIBE", "me"))
    # the reply to PUBLISH comes before the message it delivered to us
    assert c.request(resp_cmd("PUBLISH", "me", "x"), n=2) == (
        b":1\r\n>3\r\n$7\r\nmessage\r\n$2\r\nme\r\n$1\r\nx\r\n")


def test_resp3_pubsub_object_with_commands(r, new_client):
    sub = new_client(protocol=3)
    p = sub.pubsub()
    p.subscribe("a")
    assert [short(m) for m in get_messages(p, 1)] == [
        ("subscribe", None, b"a", 1)]
    r("PUBLISH", "a", "1")
    assert [short(m) for m in get_messages(p, 1)] == [
        ("message", None, b"a", b"1")]
    # the regular client of the same pool still works
    assert sub("SET", "k", "v") == b"OK"
    p.close()


def test_sharded_pubsub(psc):
    r, sub = psc
    p = sub.pubsub()
    p.ssubscribe("s1", "s2")
    assert [short(m) for m in get_messages(p, 2)] == [
        ("ssubscribe", None, b"s1", 1), ("ssubscribe", None, b"s2", 2)]
    assert r("SPUBLISH", "s1", "hello") == 1
    assert r("SPUBLISH", "nobody", "hello") == 0
    assert [short(m) for m in get_messages(p, 1)] == [
        ("smessage", None, b"s1", b"hello")]
    # a sharded channel and a regular channel of one name are distinct
    assert r("PUBLISH", "s1", "plain") == 0
    assert get_messages(p, 1, timeout=0.2) == []
    assert sorted(r("PUBSUB", "SHARDCHANNELS")) == [b"s1", b"s2"]
    assert r("PUBSUB", "SHARDCHANNELS", "*2") == [b"s2"]
    assert r("PUBSUB", "CHANNELS") == []
    assert r("PUBSUB", "SHARDNUMSUB", "s1", "x") == [b"s1", 1, b"x", 0]
    assert r("PUBSUB", "NUMSUB", "s1") == [b"s1", 0]
    p.sunsubscribe("s1")
    assert [short(m) for m in get_messages(p, 1)] == [
        ("sunsubscribe", None, b"s1", 1)]
    assert r("PUBSUB", "SHARDNUMSUB", "s1") == [b"s1", 0]
    p.close()


def test_sharded_wire(raw_conn, r):
    c = raw_conn()
    assert c.request(resp_cmd("SSUBSCRIBE", "s")) == (
        b"*3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n")
    # the sharded count is separate from the channel/pattern count
    assert c.request(resp_cmd("SUBSCRIBE", "c")) == (
        b"*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
    assert r("SPUBLISH", "s", "m") == 1
    assert c.read_replies(1) == b"*3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$1\r\nm\r\n"
    assert c.request(resp_cmd("GET", "k")) == (
        b"-" + (CONTEXT_ERR % "get").encode() + b"\r\n")
    assert c.request(resp_cmd("SUNSUBSCRIBE")) == (
        b"*3\r\n$12\r\nsunsubscribe\r\n$1\r\ns\r\n:0\r\n")
    # still subscribed to c: still in the subscribed context
    assert c.request(resp_cmd("GET", "k")) == (
        b"-" + (CONTEXT_ERR % "get").encode() + b"\r\n")


def test_disconnect_removes_subscriber(r, new_client):
    subs = []
    for proto in PROTOCOLS:
        c = new_client(protocol=proto)
        p = c.pubsub()
        p.subscribe("gone")
        p.psubscribe("go*")
        p.ssubscribe("sgone")
        get_messages(p, 3)
        subs.append(p)
    assert r("PUBSUB", "NUMSUB", "gone") == [b"gone", 2]
    assert r("PUBSUB", "NUMPAT") == 1
    assert r("PUBSUB", "SHARDNUMSUB", "sgone") == [b"sgone", 2]
    subs[0].close()
    assert wait_until(lambda: r("PUBSUB", "NUMSUB", "gone") == [b"gone", 1])
    subs[1].close()
    assert wait_until(lambda: r("PUBSUB", "NUMSUB", "gone") == [b"gone", 0])
    assert wait_until(lambda: r("PUBSUB", "NUMPAT") == 0)
    assert r("PUBSUB", "SHARDNUMSUB", "sgone") == [b"sgone", 0]
    assert r("PUBSUB", "CHANNELS") == []
    assert r("PUBLISH", "gone", "x") == 0


def test_slow_subscriber_disconnected_by_output_buffer_limit(r, server, new_client):
    old = r("CONFIG", "GET", "client-output-buffer-limit")[1]
    r("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(2)
        s.connect((server.host, server.port))
        s.sendall(resp_cmd("SUBSCRIBE", "flood"))
        assert wait_until(lambda: r("PUBSUB", "NUMSUB", "flood") ==
                          [b"flood", 1])
        fast = new_client().pubsub(ignore_subscribe_messages=True)
        fast.subscribe("other")
        before = int(parse_info(r("INFO", "clients"))["connected_clients"])
        payload = "x" * 100000
        for _ in range(40):  # 4 MB, never read by s
            r("PUBLISH", "flood", payload)
            if r("PUBSUB", "NUMSUB", "flood") == [b"flood", 0]:
                break
        assert wait_until(lambda: r("PUBSUB", "NUMSUB", "flood") ==
                          [b"flood", 0])
        after = int(parse_info(r("INFO", "clients"))["connected_clients"])
        assert after == before - 1
        # everybody else keeps working
        assert r("SET", "k", "v") == b"OK"
        assert r("PUBLISH", "other", "still") == 1
        got = [m for m in get_messages(fast, 2, timeout=0.5)
               if m["type"] == "message"]
        assert [m["data"] for m in got] == [b"still"]
        fast.close()
    finally:
        s.close()
        r("CONFIG", "SET", "client-output-buffer-limit", old)


def test_glob_patterns_and_binary_payloads(r, new_client):
    p = new_client().pubsub()
    p.psubscribe("h?llo", "h[ae]y", "x\\*")
    get_messages(p, 3)
    assert r("PUBLISH", "hello", "a") == 1
    assert r("PUBLISH", "hay", "b") == 1
    assert r("PUBLISH", "hoy", "c") == 0
    assert r("PUBLISH", "x*", "d") == 1
    assert r("PUBLISH", "xy", "e") == 0
    payload = b"\x00\r\n\xff" * 10
    assert r("PUBLISH", "hallo", payload) == 1
    assert [short(m) for m in get_messages(p, 4)] == [
        ("pmessage", b"h?llo", b"hello", b"a"),
        ("pmessage", b"h[ae]y", b"hay", b"b"),
        ("pmessage", b"x\\*", b"x*", b"d"),
        ("pmessage", b"h?llo", b"hallo", payload)]
    p.close()


def test_unsubscribe_all(raw_conn, r):
    c = raw_conn()
    c.request(resp_cmd("SUBSCRIBE", "a", "b", "c"), n=3)
    c.request(resp_cmd("PSUBSCRIBE", "p1", "p2"), n=2)
    out = c.request(resp_cmd("UNSUBSCRIBE"), n=3)
    # one reply per channel, counts going down (order of channels is the
    # server's): the patterns remain
    counts = [int(x) for x in re.findall(rb"\r\n:(\d+)\r\n", out)]
    assert counts == [4, 3, 2]
    for ch in (b"a", b"b", b"c"):
        assert b"$1\r\n" + ch + b"\r\n" in out
    assert out.count(b"$11\r\nunsubscribe\r\n") == 3
    assert r("PUBSUB", "NUMPAT") == 2
    out = c.request(resp_cmd("PUNSUBSCRIBE"), n=2)
    assert out.count(b"$12\r\npunsubscribe\r\n") == 2
    assert out.endswith(b":0\r\n")
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"


def test_resp3_unsubscribe_without_subscriptions(raw_conn):
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    assert c.request(resp_cmd("UNSUBSCRIBE")) == (
        b">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n")
    assert c.request(resp_cmd("PUNSUBSCRIBE")) == (
        b">3\r\n$12\r\npunsubscribe\r\n_\r\n:0\r\n")


def test_quit_and_reset_in_subscribed_context(raw_conn, r):
    c = raw_conn()
    c.request(resp_cmd("SUBSCRIBE", "q"))
    assert c.request(resp_cmd("QUIT")) == b"+OK\r\n"
    assert c.is_closed()
    assert wait_until(lambda: r("PUBSUB", "NUMSUB", "q") == [b"q", 0])
    c = raw_conn()
    c.request(resp_cmd("SUBSCRIBE", "q"))
    c.request(resp_cmd("PSUBSCRIBE", "q*"))
    c.request(resp_cmd("SSUBSCRIBE", "sq"))
    assert c.request(resp_cmd("RESET")) == b"+RESET\r\n"
    assert r("PUBSUB", "NUMSUB", "q") == [b"q", 0]
    assert r("PUBSUB", "NUMPAT") == 0
    assert r("PUBSUB", "SHARDNUMSUB", "sq") == [b"sq", 0]
    assert r("PUBLISH", "q", "x") == 0
    assert c.read_for(0.1) == b""


def test_client_list_fields(r, raw_conn):
    c = raw_conn()
    c.request(resp_cmd("CLIENT", "SETNAME", "subber"))
    c.request(resp_cmd("SUBSCRIBE", "a", "b"), n=2)
    c.request(resp_cmd("PSUBSCRIBE", "p*"))
    c.request(resp_cmd("SSUBSCRIBE", "s"))
    line = [l for l in r("CLIENT", "LIST").decode().splitlines()
            if " name=subber " in l][0]
    fields = dict(f.split("=", 1) for f in line.split(" ") if "=" in f)
    assert fields["flags"] == "P"
    assert (fields["sub"], fields["psub"], fields["ssub"]) == ("2", "1", "1")
    assert fields["cmd"] == "ssubscribe"


def test_info_stats_pubsub_counts(r, new_client):
    p = new_client().pubsub()
    p.subscribe("a", "b")
    p.psubscribe("p*")
    p.ssubscribe("s")
    get_messages(p, 4)
    info = parse_info(r("INFO", "stats"))
    assert info["pubsub_channels"] == "2"
    assert info["pubsub_patterns"] == "1"
    assert info["pubsubshard_channels"] == "1"
    p.close()


def test_subscribe_inside_multi(raw_conn, r):
    c = raw_conn()
    c.request(resp_cmd("MULTI"))
    assert c.request(resp_cmd("SUBSCRIBE", "m")) == b"+QUEUED\r\n"
    assert c.request(resp_cmd("EXEC")) == (
        b"*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nm\r\n:1\r\n")
    assert r("PUBLISH", "m", "x") == 1
    assert c.read_replies(1) == b"*3\r\n$7\r\nmessage\r\n$1\r\nm\r\n$1\r\nx\r\n"
    assert c.request(resp_cmd("GET", "k")) == (
        b"-" + (CONTEXT_ERR % "get").encode() + b"\r\n")


def test_resp3_publish_to_self_inside_multi(raw_conn):
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    c.request(resp_cmd("SUBSCRIBE", "me"))
    c.request(resp_cmd("MULTI"))
    c.request(resp_cmd("PUBLISH", "me", "x"))
    assert c.request(resp_cmd("EXEC"), n=2) == (
        b"*1\r\n:1\r\n>3\r\n$7\r\nmessage\r\n$2\r\nme\r\n$1\r\nx\r\n")


def test_resp3_client_reply_off_keeps_pushes(raw_conn, r):
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    c.request(resp_cmd("SUBSCRIBE", "a"))
    c.send(resp_cmd("CLIENT", "REPLY", "OFF"))
    c.send(resp_cmd("SET", "k", "v"))
    time.sleep(0.05)
    assert r("PUBLISH", "a", "x") == 1
    assert c.read_replies(1) == b">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nx\r\n"
    c.send(resp_cmd("CLIENT", "REPLY", "ON"))
    assert c.read_replies(1) == b"+OK\r\n"


def test_listen_generator(psc):
    r, sub = psc
    p = sub.pubsub()
    p.subscribe("l")
    it = p.listen()
    first = next(it)
    assert short(first) == ("subscribe", None, b"l", 1)
    r("PUBLISH", "l", "one")
    r("PUBLISH", "l", "two")
    assert [short(next(it)) for _ in range(2)] == [
        ("message", None, b"l", b"one"), ("message", None, b"l", b"two")]
    p.close()
