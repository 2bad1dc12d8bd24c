"""Client-side caching: CLIENT TRACKING (default mode, REDIRECT, BCAST with
PREFIX, OPTIN/OPTOUT with CLIENT CACHING, NOLOOP), CLIENT TRACKINGINFO and
GETREDIR, on the raw wire: the RESP3 `invalidate` push and where it goes
relative to replies (after the modifying client's own reply, after a whole
EXEC), the `__redis__:invalidate` message of a RESP2 redirection,
`tracking-redir-broken`, null invalidations of FLUSHALL/FLUSHDB, expired keys,
tracking-table-max-keys evictions, INFO fields, CLIENT LIST flags and every
error text of the option parser."""

import time

import pytest

from conftest import parse_info, resp_cmd, wait_until


def push(*keys):
    """A RESP3 invalidate push for keys."""
    out = b">2\r\n$10\r\ninvalidate\r\n*%d\r\n" % len(keys)
    for k in keys:
        out += b"$%d\r\n%s\r\n" % (len(k), k)
    return out


NULL_PUSH = b">2\r\n$10\r\ninvalidate\r\n_\r\n"


def message(*keys):
    """The RESP2 Pub/Sub message a redirection subscribed to
    __redis__:invalidate receives."""
    out = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*%d\r\n" % len(keys)
    for k in keys:
        out += b"$%d\r\n%s\r\n" % (len(k), k)
    return out


def conn3(raw_conn):
    """A raw RESP3 connection."""
    c = raw_conn()
    assert c.request(resp_cmd("HELLO", "3")).startswith(b"%7\r\n")
    return c


def client_id(c):
    return int(c.request(resp_cmd("CLIENT", "ID"))[1:-2])


def tracking_info(r):
    info = parse_info(r("INFO", "everything"))
    return {k: int(info[k]) for k in ("tracking_clients", "tracking_total_keys",
                                        "tracking_total_items", "tracking_total_prefixes")}


@pytest.fixture(autouse=True)
def restore_max_keys(r):
    yield
    r("CONFIG", "SET", "tracking-table-max-keys", "1000000")


# --------------------------------------------------------------------------
# option parsing and introspection
# --------------------------------------------------------------------------

def test_tracking_option_errors(r, err):
    assert err(r, "CLIENT", "TRACKING", "maybe") == "ERR syntax error"
    assert err(r, "CLIENT", "TRACKING", "on", "foo") == "ERR syntax error"
    assert err(r, "CLIENT", "TRACKING", "on", "REDIRECT") == "ERR syntax error"
    assert err(r, "CLIENT", "TRACKING", "on", "PREFIX") == "ERR syntax error"
    assert err(r, "CLIENT", "TRACKING", "on", "REDIRECT", "x") == \
        "ERR value is not an integer or out of range"
    assert err(r, "CLIENT", "TRACKING", "on", "REDIRECT", "987654") == \
        "ERR The client ID you want redirect to does not exist"
    me = r("CLIENT", "ID")
    assert err(r, "CLIENT", "TRACKING", "on", "REDIRECT", me, "REDIRECT", me) == \
        "ERR A client can only redirect to a single other client"
    assert err(r, "CLIENT", "TRACKING", "on", "PREFIX", "a") == \
        "ERR PREFIX option requires BCAST mode to be enabled"
    assert err(r, "CLIENT", "TRACKING", "on", "BCAST", "OPTIN") == \
        "ERR OPTIN and OPTOUT are not compatible with BCAST"
    assert err(r, "CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT") == \
        "ERR You can't specify both OPTIN mode and OPTOUT mode"
    assert err(r, "CLIENT", "TRACKING") == \
        "ERR wrong number of arguments for 'client|tracking' command"
    # Errors leave tracking off.
    assert r("CLIENT", "GETREDIR") == -1


def test_tracking_mode_switch_errors(r, err):
    assert r("CLIENT", "TRACKING", "on", "OPTIN") == b"OK"
    assert err(r, "CLIENT", "TRACKING", "on", "OPTOUT") == \
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for " \
        "this client, and then re-enabling it with a different mode."
    assert err(r, "CLIENT", "TRACKING", "on", "BCAST") == \
        "ERR You can't switch BCAST mode on/off before disabling tracking for " \
        "this client, and then re-enabling it with a different mode."
    # OFF ignores the options but still checks them.
    assert err(r, "CLIENT", "TRACKING", "off", "bogus") == "ERR syntax error"
    assert r("CLIENT", "TRACKING", "off", "OPTOUT") == b"OK"
    assert r("CLIENT", "TRACKING", "on", "OPTOUT") == b"OK"


def test_bcast_prefix_overlap_errors(r, err):
    assert err(r, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOOBAR", "PREFIX", "FOO") == \
        "ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. " \
        "Prefixes for a single client must not overlap."
    assert r("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO", "PREFIX", "BAR") == b"OK"
    assert err(r, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FO") == \
        "ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. " \
        "Prefixes for a single client must not overlap."
    assert err(r, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "BARB") == \
        "ERR Prefix 'BARB' overlaps with an existing prefix 'BAR'. " \
        "Prefixes for a single client must not overlap."
    # A prefix that overlaps none is added to the client's list.
    assert r("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "BAZ") == b"OK"
    assert r("CLIENT", "TRACKINGINFO")[5] == [b"BAR", b"BAZ", b"FOO"]


def test_caching_errors(r, err):
    text = ("ERR CLIENT CACHING can be called only when the client is in "
            "tracking mode with OPTIN or OPTOUT mode enabled")
    assert err(r, "CLIENT", "CACHING", "yes") == text
    r("CLIENT", "TRACKING", "on")
    assert err(r, "CLIENT", "CACHING", "yes") == \
        "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
    assert err(r, "CLIENT", "CACHING", "no") == \
        "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
    assert err(r, "CLIENT", "CACHING", "maybe") == "ERR syntax error"
    assert err(r, "CLIENT", "CACHING") == \
        "ERR wrong number of arguments for 'client|caching' command"


def test_trackinginfo_off(raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("CLIENT", "TRACKINGINFO")) == (
        b"*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n"
        b"$8\r\nprefixes\r\n*0\r\n")
    c3 = conn3(raw_conn)
    assert c3.request(resp_cmd("CLIENT", "TRACKINGINFO")) == (
        b"%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n"
        b"$8\r\nprefixes\r\n*0\r\n")


def test_trackinginfo_flags(r):
    r("CLIENT", "TRACKING", "on")
    assert r("CLIENT", "TRACKINGINFO") == [b"flags", [b"on"], b"redirect", 0, b"prefixes", []]
    r("CLIENT", "TRACKING", "on", "NOLOOP")
    assert r("CLIENT", "TRACKINGINFO")[1] == [b"on", b"noloop"]
    r("CLIENT", "TRACKING", "off")
    r("CLIENT", "TRACKING", "on", "OPTIN")
    assert r("CLIENT", "TRACKINGINFO")[1] == [b"on", b"optin"]
    r("CLIENT", "CACHING", "yes")
    assert r("CLIENT", "TRACKINGINFO")[1] == [b"on", b"optin", b"caching-yes"]
    r("CLIENT", "TRACKING", "off")
    r("CLIENT", "TRACKING", "on", "OPTOUT")
    r("CLIENT", "CACHING", "no")
    assert r("CLIENT", "TRACKINGINFO")[1] == [b"on", b"optout", b"caching-no"]
    r("CLIENT", "TRACKING", "off")
    r("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "a")
    assert r("CLIENT", "TRACKINGINFO") == [b"flags", [b"on", b"bcast"], b"redirect", 0,
                                           b"prefixes", [b"a", b"b"]]
    r("CLIENT", "TRACKING", "off")
    r("CLIENT", "TRACKING", "on", "BCAST")
    assert r("CLIENT", "TRACKINGINFO")[5] == [b""]
    r("CLIENT", "TRACKING", "off")
    assert r("CLIENT", "TRACKINGINFO") == [b"flags", [b"off"], b"redirect", -1, b"prefixes", []]


def test_getredir_and_client_list(r, new_client):
    other = new_client()
    oid = other("CLIENT", "ID")
    assert r("CLIENT", "GETREDIR") == -1
    assert b" redir=-1 " in r("CLIENT", "INFO")
    r("CLIENT", "TRACKING", "on")
    assert r("CLIENT", "GETREDIR") == 0
    line = r("CLIENT", "INFO")
    assert b" flags=t " in line and b" redir=0 " in line
    r("CLIENT", "TRACKING", "on", "REDIRECT", oid)
    assert r("CLIENT", "GETREDIR") == oid
    assert (b" redir=%d " % oid) in r("CLIENT", "INFO")
    r("CLIENT", "TRACKING", "off")
    r("CLIENT", "TRACKING", "on", "BCAST")
    assert b" flags=tB " in r("CLIENT", "INFO")
    r("CLIENT", "TRACKING", "off")
    assert b" flags=N " in r("CLIENT", "INFO")
    assert r("CLIENT", "GETREDIR") == -1


# --------------------------------------------------------------------------
# default mode
# --------------------------------------------------------------------------

def test_resp3_invalidation_by_another_client(raw_conn, r):
    c = conn3(raw_conn)
    assert c.request(resp_cmd("CLIENT", "TRACKING", "on")) == b"+OK\r\n"
    r("SET", "k", "1")
    r("SET", "other", "1")
    assert c.request(resp_cmd("GET", "k")) == b"$1\r\n1\r\n"
    r("SET", "other", "2")  # not read: no invalidation
    r("SET", "k", "2")
    assert c.read_replies(1) == push(b"k")
    r("SET", "k", "3")  # forgotten after the first invalidation
    assert c.read_for(0.1) == b""


def test_own_write_invalidation_follows_reply(raw_conn):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on"))
    c.request(resp_cmd("HSET", "h", "f", "1"))
    assert c.request(resp_cmd("HGET", "h", "f")) == b"$1\r\n1\r\n"
    assert c.request(resp_cmd("HDEL", "h", "f"), n=2) == b":1\r\n" + push(b"h")


def test_multiple_keys_read_and_invalidated(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on"))
    c.request(resp_cmd("MGET", "a", "b", "c"))
    assert tracking_info(r)["tracking_total_keys"] == 3
    assert tracking_info(r)["tracking_total_items"] == 3
    r("MSET", "a", "1", "c", "2")
    assert c.read_replies(2) == push(b"a") + push(b"c")


def test_noloop(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "NOLOOP"))
    c.request(resp_cmd("GET", "a"))
    c.request(resp_cmd("GET", "b"))
    assert c.request(resp_cmd("SET", "a", "1")) == b"+OK\r\n"
    assert c.read_for(0.1) == b""
    r("SET", "b", "1")
    assert c.read_replies(1) == push(b"b")


def test_invalidations_follow_exec(raw_conn):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on"))
    c.request(resp_cmd("MSET", "a", "1", "b", "2"))
    c.request(resp_cmd("GET", "a"))
    c.request(resp_cmd("MULTI"))
    c.request(resp_cmd("INCR", "a"))
    c.request(resp_cmd("GET", "b"))
    assert c.request(resp_cmd("EXEC"), n=2) == b"*2\r\n:2\r\n$1\r\n2\r\n" + push(b"a")


def test_resp2_without_redirect_gets_nothing(raw_conn, r):
    c = raw_conn()
    c.request(resp_cmd("CLIENT", "TRACKING", "on"))
    c.request(resp_cmd("GET", "k"))
    r("SET", "k", "1")
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"


def test_redirect_to_resp2_subscriber(raw_conn, r):
    sub = raw_conn()
    sid = client_id(sub)
    sub.request(resp_cmd("SUBSCRIBE", "__redis__:invalidate"))
    c = raw_conn()
    assert c.request(resp_cmd("CLIENT", "TRACKING", "on", "REDIRECT", sid)) == b"+OK\r\n"
    c.request(resp_cmd("GET", "k"))
    r("SET", "k", "1")
    assert sub.read_replies(1) == message(b"k")
    # The tracking client itself receives nothing.
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"


def test_redirect_to_resp2_non_subscriber_gets_nothing(raw_conn, r):
    target = raw_conn()
    tid = client_id(target)
    c = raw_conn()
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "REDIRECT", tid))
    c.request(resp_cmd("GET", "k"))
    r("SET", "k", "1")
    assert target.request(resp_cmd("PING")) == b"+PONG\r\n"


def test_redirect_to_resp3_client(raw_conn, r):
    target = conn3(raw_conn)
    tid = client_id(target)
    c = raw_conn()
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "REDIRECT", tid))
    c.request(resp_cmd("GET", "k"))
    r("SET", "k", "1")
    assert target.read_replies(1) == push(b"k")


def test_broken_redirect(raw_conn, r):
    target = raw_conn()
    tid = client_id(target)
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "REDIRECT", tid))
    c.request(resp_cmd("GET", "k"))
    target.request(resp_cmd("QUIT"))
    assert target.is_closed()
    r("SET", "k", "1")
    assert c.read_replies(1) == b">2\r\n$21\r\ntracking-redir-broken\r\n:%d\r\n" % tid
    reply = c.request(resp_cmd("CLIENT", "TRACKINGINFO"))
    assert reply == (b"%%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n"
                     b"$8\r\nredirect\r\n:%d\r\n$8\r\nprefixes\r\n*0\r\n" % tid)
    info = c.request(resp_cmd("CLIENT", "INFO"))
    assert b" flags=tR " in info


def test_optin_and_caching_yes(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "OPTIN"))
    c.request(resp_cmd("GET", "a"))  # not tracked
    assert c.request(resp_cmd("CLIENT", "CACHING", "yes")) == b"+OK\r\n"
    c.request(resp_cmd("GET", "b"))  # tracked
    c.request(resp_cmd("GET", "c"))  # CACHING lasted one command
    r("MSET", "a", "1", "b", "1", "c", "1")
    assert c.read_replies(1) == push(b"b")
    assert c.read_for(0.1) == b""


def test_optin_caching_covers_transaction(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "OPTIN"))
    c.request(resp_cmd("CLIENT", "CACHING", "yes"))
    c.request(resp_cmd("MULTI"))
    c.request(resp_cmd("GET", "a"))
    c.request(resp_cmd("GET", "b"))
    c.request(resp_cmd("EXEC"))
    c.request(resp_cmd("GET", "c"))
    r("MSET", "a", "1", "b", "1", "c", "1")
    assert c.read_replies(2) == push(b"a") + push(b"b")
    assert c.read_for(0.1) == b""


def test_optout_and_caching_no(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "OPTOUT"))
    c.request(resp_cmd("GET", "a"))  # tracked
    assert c.request(resp_cmd("CLIENT", "CACHING", "no")) == b"+OK\r\n"
    c.request(resp_cmd("GET", "b"))  # not tracked
    c.request(resp_cmd("GET", "c"))  # tracked again
    r("MSET", "a", "1", "b", "1", "c", "1")
    assert c.read_replies(2) == push(b"a") + push(b"c")
    assert c.read_for(0.1) == b""


def test_tracking_off_and_reset_stop_invalidations(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on"))
    c.request(resp_cmd("GET", "a"))
    c.request(resp_cmd("CLIENT", "TRACKING", "off"))
    r("SET", "a", "1")
    assert c.read_for(0.1) == b""
    c.request(resp_cmd("CLIENT", "TRACKING", "on"))
    assert tracking_info(r)["tracking_clients"] == 1
    assert c.request(resp_cmd("RESET")) == b"+RESET\r\n"
    assert tracking_info(r)["tracking_clients"] == 0
    assert c.request(resp_cmd("CLIENT", "GETREDIR")) == b":-1\r\n"


def test_disconnect_drops_tracking(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p"))
    assert tracking_info(r)["tracking_clients"] == 1
    assert tracking_info(r)["tracking_total_prefixes"] == 1
    c.close()
    assert wait_until(lambda: tracking_info(r)["tracking_clients"] == 0)
    assert tracking_info(r)["tracking_total_prefixes"] == 0


# --------------------------------------------------------------------------
# flushes, expiry, the table limit
# --------------------------------------------------------------------------

def test_flushall_and_flushdb_send_null(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on"))
    c.request(resp_cmd("GET", "a"))
    r("FLUSHALL")
    assert c.read_replies(1) == NULL_PUSH
    assert tracking_info(r)["tracking_total_keys"] == 0
    r("FLUSHDB")
    assert c.read_replies(1) == NULL_PUSH
    # Own FLUSHDB inside a transaction: after EXEC's reply.
    c.request(resp_cmd("MULTI"))
    c.request(resp_cmd("FLUSHDB"))
    assert c.request(resp_cmd("EXEC"), n=2) == b"*1\r\n+OK\r\n" + NULL_PUSH


def test_flushall_null_to_resp2_redirection(raw_conn, r):
    sub = raw_conn()
    sid = client_id(sub)
    sub.request(resp_cmd("SUBSCRIBE", "__redis__:invalidate"))
    c = raw_conn()
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "REDIRECT", sid))
    r("FLUSHALL")
    assert sub.read_replies(1) == \
        b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n"


def test_expired_key_is_invalidated(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on"))
    r("SET", "k", "v", "PX", "1")
    c.request(resp_cmd("GET", "k"))  # may already be expired: tracked anyway
    # Active or lazy expiry, the tracking client learns about it.
    time.sleep(0.05)
    r("GET", "k")
    assert c.read_replies(1, timeout=2) == push(b"k")


def test_lazy_expiry_by_own_read_follows_reply(raw_conn, r):
    r("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        c = conn3(raw_conn)
        c.request(resp_cmd("CLIENT", "TRACKING", "on"))
        r("MSET", "x", "1", "y", "2")
        r("PEXPIRE", "y", "50")
        c.request(resp_cmd("GET", "y"))
        time.sleep(0.1)
        assert c.request(resp_cmd("MGET", "x", "y"), n=2) == \
            b"*2\r\n$1\r\n1\r\n_\r\n" + push(b"y")
    finally:
        r("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_table_max_keys_evicts_with_invalidations(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on"))
    c.request(resp_cmd("MGET", "k1", "k2", "k3"))
    assert tracking_info(r)["tracking_total_keys"] == 3
    r("CONFIG", "SET", "tracking-table-max-keys", "1")
    got = c.read_replies(2, timeout=2)
    assert got.count(b"invalidate") == 2
    assert tracking_info(r)["tracking_total_keys"] == 1
    assert c.read_for(0.1) == b""


def test_info_fields(r, new_client):
    assert tracking_info(r) == {"tracking_clients": 0, "tracking_total_keys": 0,
                                "tracking_total_items": 0, "tracking_total_prefixes": 0}
    a, b = new_client(), new_client()
    a("CLIENT", "TRACKING", "on")
    b("CLIENT", "TRACKING", "on")
    a("MGET", "k1", "k2")
    b("GET", "k1")
    r("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x", "PREFIX", "y")
    assert tracking_info(r) == {"tracking_clients": 3, "tracking_total_keys": 2,
                                "tracking_total_items": 3, "tracking_total_prefixes": 2}
    info = r("INFO", "clients").decode()
    assert "tracking_clients:3" in info
    stats = r("INFO", "stats").decode()
    assert "tracking_total_keys:2" in stats and "tracking_total_prefixes:2" in stats


# --------------------------------------------------------------------------
# BCAST
# --------------------------------------------------------------------------

def test_bcast_prefixes(raw_conn, r):
    c = conn3(raw_conn)
    assert c.request(resp_cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a:",
                              "PREFIX", "b:")) == b"+OK\r\n"
    r("SET", "a:1", "1")
    assert c.read_replies(1) == push(b"a:1")
    r("SET", "c:1", "1")
    assert c.read_for(0.1) == b""
    # One array per prefix and command, keys in order.
    r("MSET", "b:2", "1", "a:3", "1", "a:2", "1", "b:1", "1")
    assert c.read_replies(2) == push(b"a:2", b"a:3") + push(b"b:1", b"b:2")


def test_bcast_empty_prefix_and_own_writes(raw_conn):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "BCAST"))
    assert c.request(resp_cmd("SET", "x", "1"), n=2) == b"+OK\r\n" + push(b"x")


def test_bcast_noloop(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"))
    assert c.request(resp_cmd("SET", "x", "1")) == b"+OK\r\n"
    assert c.read_for(0.1) == b""
    r("SET", "y", "1")
    assert c.read_replies(1) == push(b"y")


def test_switch_to_bcast_drops_earlier_keys(raw_conn, r):
    c = conn3(raw_conn)
    c.request(resp_cmd("CLIENT", "TRACKING", "on"))
    c.request(resp_cmd("GET", "a"))
    c.request(resp_cmd("CLIENT", "TRACKING", "off"))
    c.request(resp_cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "z"))
    r("SET", "a", "1")
    assert c.read_for(0.1) == b""


def test_scripts_track_what_they_read(raw_conn, r):
    """A script's reads are tracked for the client that ran it; the keys it only declared or wrote are not, and
    EVAL_RO's declared keys are not either."""
    c = conn3(raw_conn)
    assert c.request(resp_cmd("CLIENT", "TRACKING", "on")) == b"+OK\r\n"
    assert c.request(resp_cmd("EVAL", "redis.call('set', 'w', 'x') return redis.call('get', 'read')",
                              2, "declared", "read")) == b"_\r\n"
    r("MSET", "declared", "1", "w", "2")
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"
    r("SET", "read", "3")
    assert c.request(resp_cmd("PING"), n=2) == push(b"read") + b"+PONG\r\n"
    assert c.request(resp_cmd("EVAL_RO", "return redis.call('ping')", 1, "ro")) == b"+PONG\r\n"
    r("SET", "ro", "1")
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"
