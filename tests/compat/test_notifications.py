"""Keyspace notifications: notify-keyspace-events (CONFIG SET/GET and its
canonical form, the invalid-flag error), and the __keyspace@0__/__keyevent@0__
messages, in Redis's order, of the write commands of every type, of expiry
(lazy and active), RENAME, the STORE commands, the 'n' (new key) class, and of
nothing at all when the setting is empty.

Events are collected through a PSUBSCRIBE '__key*__:*' subscriber; each batch
ends with a PUBLISH on a sentinel channel that the same pattern matches, so
no test waits for silence."""

import time

import pytest

from conftest import wait_until

SENTINEL = "__keysentinel__:end"


@pytest.fixture
def notify(r):
    old = r("CONFIG", "GET", "notify-keyspace-events")[1]
    yield lambda flags: r("CONFIG", "SET", "notify-keyspace-events", flags)
    r("CONFIG", "SET", "notify-keyspace-events", old)


class Events:
    def __init__(self, r, sub):
        self.r = r
        self.p = sub.pubsub()
        self.p.psubscribe("__key*__:*")
        m = self.p.get_message(timeout=1.0)
        assert m is not None and m["type"] == "psubscribe"

    def raw(self):
        """(channel, data) of every message up to the sentinel."""
        self.r("PUBLISH", SENTINEL, "x")
        out = []
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            m = self.p.get_message(timeout=0.2)
            if m is None:
                continue
            if m["channel"] == SENTINEL.encode():
                return out
            out.append((m["channel"].decode(), m["data"].decode()))
        raise AssertionError("sentinel not received; got %r" % out)

    def events(self):
        """[(event, key)] of a run with both K and E: each keyspace message
        must be followed by its keyevent twin."""
        msgs = self.raw()
        assert len(msgs) % 2 == 0, msgs
        out = []
        for (ch1, d1), (ch2, d2) in zip(msgs[0::2], msgs[1::2]):
            assert ch1.startswith("__keyspace@0__:"), msgs
            assert ch2 == "__keyevent@0__:" + d1, msgs
            key = ch1[len("__keyspace@0__:"):]
            assert d2 == key, msgs
            out.append((d1, key))
        return out


@pytest.fixture
def ev(r, notify, new_client):
    notify("KEA")
    return Events(r, new_client())


# --------------------------------------------------------------------------
# the setting
# --------------------------------------------------------------------------

@pytest.mark.parametrize("value,canonical", [
    ("", ""),
    ("KA", "AK"),
    ("AKE", "AKE"),
    ("EA", "AE"),
    ("$lshzxeKE", "$lshzxeKE"),
    ("gKE", "gKE"),
    ("Ex", "xE"),
    ("KEA", "AKE"),
    # 'n' is written among the classes, and not at all after 'A'
    ("AKEmn", "AKEm"),
    ("nKl", "lnK"),
    ("g$lshzxetdKE", "AKE"),
    ("A", "A"),
    ("K", "K"),
    ("KE", "KE"),
    ("xxKK", "xK"),
    ("tdK", "tdK"),
    ("mE", "Em"),
])
def test_config_canonical_form(r, notify, value, canonical):
    assert notify(value) == b"OK"
    assert r("CONFIG", "GET", "notify-keyspace-events") == [
        b"notify-keyspace-events", canonical.encode()]


def test_config_invalid_flag(r, notify, err):
    notify("KEA")
    text = err(r, "CONFIG", "SET", "notify-keyspace-events", "KEQ")
    assert text == ("ERR CONFIG SET failed (possibly related to argument "
                    "'notify-keyspace-events') - Invalid event class "
                    "character. Use 'Ag$lshzxeKEtmdn'.")
    # unchanged
    assert r("CONFIG", "GET", "notify-keyspace-events")[1] == b"AKE"


def test_empty_setting_publishes_nothing(r, notify, new_client):
    notify("")
    e = Events(r, new_client())
    r("SET", "k", "v")
    r("LPUSH", "l", "a")
    r("DEL", "k", "l")
    r("PEXPIRE", "nokey", 10)
    assert e.raw() == []


def test_only_keyspace_or_only_keyevent(r, notify, new_client):
    notify("A")  # no K, no E: nothing
    e = Events(r, new_client())
    r("SET", "k", "v")
    assert e.raw() == []
    notify("K$")
    r("SET", "k", "v")
    r("LPUSH", "l", "a")  # class l not enabled
    assert e.raw() == [("__keyspace@0__:k", "set")]
    notify("Eg")
    r("SET", "k", "v")  # class $ not enabled
    r("DEL", "k")
    assert e.raw() == [("__keyevent@0__:del", "k")]


# --------------------------------------------------------------------------
# generic and string commands
# --------------------------------------------------------------------------

def test_set_del_expire(r, ev):
    r("SET", "a", "1")
    r("SET", "b", "2", "EX", "100")
    r("DEL", "a", "b", "nokey")
    assert ev.events() == [("set", "a"), ("set", "b"), ("expire", "b"),
                           ("del", "a"), ("del", "b")]
    r("SET", "c", "1")
    r("EXPIRE", "c", "100")
    r("PERSIST", "c")
    r("EXPIRE", "nokey", "100")
    r("EXPIRE", "c", "-1")  # in the past: deleted
    assert ev.events() == [("set", "c"), ("expire", "c"), ("persist", "c"),
                           ("del", "c")]


def test_lazy_expired(r, ev):
    r("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        r("SET", "k", "v")
        r("PEXPIRE", "k", "50")
        assert ev.events() == [("set", "k"), ("expire", "k")]
        time.sleep(0.1)
        assert ev.raw() == []  # nobody touched it, active expiry is off
        assert r("GET", "k") is None
        assert ev.events() == [("expired", "k")]
    finally:
        r("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_active_expired(r, ev):
    r("SET", "k", "v", "PX", "30")
    assert ev.events() == [("set", "k"), ("expire", "k")]
    got = []
    deadline = time.monotonic() + 0.9
    while not got and time.monotonic() < deadline:
        time.sleep(0.05)
        got = ev.events()
    assert got == [("expired", "k")]


def test_rename(r, ev):
    r("SET", "a", "1")
    r("SET", "b", "2")
    r("RENAME", "a", "b")
    r("RENAMENX", "b", "c")
    assert ev.events() == [("set", "a"), ("set", "b"),
                           ("rename_from", "a"), ("rename_to", "b"),
                           ("rename_from", "b"), ("rename_to", "c")]


def test_string_commands(r, ev):
    r("INCRBY", "n", "5")
    r("INCR", "n")
    r("DECR", "n")
    r("DECRBY", "n", "2")
    r("INCRBYFLOAT", "f", "1.5")
    r("APPEND", "s", "abc")
    r("SETRANGE", "s", "1", "zz")
    r("GETDEL", "s")
    # DECR and DECRBY publish "incrby" too
    assert ev.events() == [
        ("incrby", "n"), ("incrby", "n"), ("incrby", "n"), ("incrby", "n"),
        ("incrbyfloat", "f"), ("append", "s"), ("setrange", "s"),
        ("del", "s")]


def test_new_key_class(r, notify, new_client):
    notify("KE$lhn")
    e = Events(r, new_client())
    r("SET", "k", "1")
    r("SET", "k", "2")
    r("LPUSH", "l", "a")
    r("RPUSH", "l", "b")
    r("HSET", "h", "f", "v")
    assert e.events() == [("new", "k"), ("set", "k"), ("set", "k"),
                          ("new", "l"), ("lpush", "l"), ("rpush", "l"),
                          ("new", "h"), ("hset", "h")]
    notify("nK")  # 'n' alone with K, no other class
    r("SET", "x", "1")
    r("SET", "x", "2")
    assert e.raw() == [("__keyspace@0__:x", "new")]


def test_new_key_class_with_all(r, notify, new_client):
    notify("KEAn")
    assert r("CONFIG", "GET", "notify-keyspace-events")[1] == b"AKE"
    e = Events(r, new_client())
    r("SET", "k", "1")
    assert e.events() == [("new", "k"), ("set", "k")]


# --------------------------------------------------------------------------
# lists, hashes, sets, sorted sets
# --------------------------------------------------------------------------

def test_list_commands(r, ev):
    r("LPUSH", "l", "a", "b", "c")
    r("RPOP", "l")
    r("LTRIM", "l", "0", "0")
    r("RPOP", "l")  # last element: the key goes
    assert ev.events() == [("lpush", "l"), ("rpop", "l"), ("ltrim", "l"),
                           ("rpop", "l"), ("del", "l")]
    r("RPUSH", "l", "a", "b")
    r("LTRIM", "l", "5", "10")  # empties the list
    assert ev.events() == [("rpush", "l"), ("ltrim", "l"), ("del", "l")]


def test_lmove_push_before_pop(r, ev):
    r("RPUSH", "src", "a", "b")
    r("LMOVE", "src", "dst", "LEFT", "RIGHT")
    r("RPOPLPUSH", "src", "dst")
    assert ev.events() == [("rpush", "src"),
                           ("rpush", "dst"), ("lpop", "src"),
                           ("lpush", "dst"), ("rpop", "src"), ("del", "src")]


def test_list_misc_commands(r, ev):
    r("RPUSH", "l", "a", "b", "a")
    r("LSET", "l", "0", "x")
    r("LINSERT", "l", "BEFORE", "x", "y")
    r("LREM", "l", "0", "a")
    r("LPOP", "l", "5")
    assert ev.events() == [("rpush", "l"), ("lset", "l"), ("linsert", "l"),
                           ("lrem", "l"), ("lpop", "l"), ("del", "l")]


def test_hash_commands(r, ev):
    r("HSET", "h", "a", "1", "b", "2")
    r("HINCRBY", "h", "a", "5")
    r("HINCRBYFLOAT", "h", "a", "0.5")
    r("HDEL", "h", "a", "nofield")
    r("HDEL", "h", "nofield")  # nothing removed: no event
    r("HDEL", "h", "b")
    assert ev.events() == [("hset", "h"), ("hincrby", "h"),
                           ("hincrbyfloat", "h"), ("hdel", "h"),
                           ("hdel", "h"), ("del", "h")]


def test_set_commands(r, ev):
    r("SADD", "s", "a", "b", "c")
    r("SADD", "s", "a")  # nothing added: no event
    r("SREM", "s", "a")
    r("SPOP", "s")
    r("SMOVE", "s", "t", r("SMEMBERS", "s")[0])
    assert ev.events() == [("sadd", "s"), ("srem", "s"), ("spop", "s"),
                           ("srem", "s"), ("del", "s"), ("sadd", "t")]


def test_zset_commands(r, ev):
    r("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
    r("ZADD", "z", "1", "a")  # unchanged: no event
    r("ZINCRBY", "z", "5", "a")
    r("ZADD", "z", "INCR", "1", "b")
    r("ZREM", "z", "c")
    r("ZPOPMIN", "z")
    r("ZREMRANGEBYSCORE", "z", "0", "100")
    assert ev.events() == [("zadd", "z"), ("zincr", "z"), ("zincr", "z"),
                           ("zrem", "z"), ("zpopmin", "z"),
                           ("zremrangebyscore", "z"), ("del", "z")]


def test_store_commands(r, ev):
    r("SADD", "s1", "a", "b")
    r("SADD", "s2", "b", "c")
    r("SINTERSTORE", "dst", "s1", "s2")
    r("SINTERSTORE", "dst", "s1", "nokey")  # empty result: dst deleted
    r("ZUNIONSTORE", "zd", "2", "s1", "s2")
    r("RPUSH", "l", "3", "1", "2")
    r("SORT", "l", "STORE", "sorted")
    assert ev.events() == [("sadd", "s1"), ("sadd", "s2"),
                           ("sinterstore", "dst"), ("del", "dst"),
                           ("zunionstore", "zd"), ("rpush", "l"),
                           ("sortstore", "sorted")]


# --------------------------------------------------------------------------
# more commands and edge cases
# --------------------------------------------------------------------------

def test_generic_commands(r, ev):
    r("MSET", "a", "1", "b", "2")
    r("SETEX", "c", "100", "x")
    r("GETEX", "c", "PERSIST")
    r("GETEX", "a", "EX", "100")
    r("GETSET", "b", "3")
    r("COPY", "a", "d")
    r("UNLINK", "d")
    r("SETNX", "a", "9")  # not set: no event
    r("PEXPIREAT", "a", "99999999999999")
    assert ev.events() == [
        ("set", "a"), ("set", "b"), ("set", "c"), ("expire", "c"),
        ("persist", "c"), ("expire", "a"), ("set", "b"), ("copy_to", "d"),
        ("del", "d"), ("expire", "a")]


def test_move_and_other_db(r, notify, new_client):
    notify("KEA")
    e = Events(r, new_client())
    r("SET", "k", "v")
    r("MOVE", "k", "1")
    r("SELECT", "1")
    try:
        r("DEL", "k")
    finally:
        r("SELECT", "0")
    msgs = e.raw()
    assert msgs == [
        ("__keyspace@0__:k", "set"), ("__keyevent@0__:set", "k"),
        ("__keyspace@0__:k", "move_from"), ("__keyevent@0__:move_from", "k"),
        ("__keyspace@1__:k", "move_to"), ("__keyevent@1__:move_to", "k"),
        ("__keyspace@1__:k", "del"), ("__keyevent@1__:del", "k")]


def test_bit_commands(r, ev):
    r("SETBIT", "b", "7", "1")
    r("SET", "x", "a")
    r("BITOP", "OR", "dest", "b", "x")
    r("BITOP", "AND", "empty", "nokey1", "nokey2")  # empty: no key, no event
    assert ev.events() == [("setbit", "b"), ("set", "x"), ("set", "dest")]


def test_no_event_when_nothing_changes(r, ev):
    r("SREM", "nokey", "a")
    r("LPUSHX", "nokey", "a")
    r("HDEL", "nokey", "f")
    r("ZREM", "nokey", "m")
    r("DEL", "nokey")
    r("PERSIST", "nokey")
    r("SETRANGE", "nokey", "0", "")
    r("LPOP", "nokey")
    r("SET", "a", "1")
    r("RENAMENX", "a", "a")
    r("PERSIST", "a")  # no TTL: no event
    r("SMOVE", "nokey", "t", "m")
    assert ev.events() == [("set", "a")]


def test_expired_on_del_and_write(r, ev):
    r("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        r("SET", "a", "1", "PX", "20")
        r("SET", "b", "1", "PX", "20")
        r("HSET", "c", "f", "1")
        r("PEXPIRE", "c", "20")
        ev.events()
        time.sleep(0.06)
        assert r("DEL", "a") == 0
        r("LPUSH", "b", "x")  # a write to an expired key: a new key
        r("HSET", "c", "g", "2")
        assert ev.events() == [("expired", "a"), ("expired", "b"),
                               ("lpush", "b"), ("expired", "c"),
                               ("hset", "c")]
    finally:
        r("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_keymiss_class(r, notify, new_client):
    notify("Em")
    e = Events(r, new_client())
    r("GET", "nokey")
    r("SET", "k", "v")
    r("GET", "k")
    r("HGET", "nohash", "f")
    r("EXISTS", "nokey2")  # EXISTS misses too
    assert e.raw() == [("__keyevent@0__:keymiss", "nokey"),
                       ("__keyevent@0__:keymiss", "nohash"),
                       ("__keyevent@0__:keymiss", "nokey2")]


def test_blocked_pop_served(r, ev, new_client):
    blocker = new_client()
    import threading
    result = {}
    t = threading.Thread(target=lambda: result.setdefault(
        "v", blocker("BLPOP", "bl", "2")))
    t.start()
    assert wait_until(lambda: b"cmd=blpop" in r("CLIENT", "LIST"))
    r("RPUSH", "bl", "a")
    t.join(2)
    assert result["v"] == [b"bl", b"a"]
    assert ev.events() == [("rpush", "bl"), ("lpop", "bl"), ("del", "bl")]


def test_more_list_and_zset_commands(r, ev):
    r("RPUSH", "l", "a", "b", "c")
    r("LMPOP", "1", "l", "RIGHT", "COUNT", "2")
    r("RPOPLPUSH", "l", "l")  # rotate a one-element list
    r("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
    r("ZPOPMAX", "z")
    r("ZREMRANGEBYRANK", "z", "0", "0")
    r("ZREMRANGEBYLEX", "z", "[a", "[b")
    r("ZRANGESTORE", "zr", "z", "0", "-1")
    r("ZINTERSTORE", "zi", "2", "z", "zr")
    r("ZDIFFSTORE", "zd", "2", "z", "zr")  # empty result, no dst: no event
    r("ZMPOP", "1", "z", "MIN", "COUNT", "10")
    assert ev.events() == [
        ("rpush", "l"), ("rpop", "l"), ("lpush", "l"), ("rpop", "l"),
        ("zadd", "z"), ("zpopmax", "z"), ("zremrangebyrank", "z"),
        ("zremrangebylex", "z"), ("zrangestore", "zr"),
        ("zinterstore", "zi"), ("zpopmin", "z"), ("del", "z")]


def test_more_set_commands(r, ev):
    r("SADD", "a", "1", "2", "3")
    r("SADD", "b", "3")
    r("SMOVE", "a", "b", "3")  # already in b: removed from a only
    r("SUNIONSTORE", "u", "a", "b")
    r("SDIFFSTORE", "d", "a", "b")
    r("SPOP", "b", "5")
    r("SORT", "a", "STORE", "u")
    r("SORT", "nokey", "STORE", "u")  # empty result: dst deleted
    assert ev.events() == [
        ("sadd", "a"), ("sadd", "b"), ("srem", "a"), ("sunionstore", "u"),
        ("sdiffstore", "d"), ("spop", "b"), ("del", "b"),
        ("sortstore", "u"), ("del", "u")]


def test_hash_more_commands(r, ev):
    r("HSETNX", "h", "a", "1")
    r("HSETNX", "h", "a", "2")  # exists: no event
    r("HMSET", "h", "b", "2")
    r("HDEL", "h", "a", "b")
    assert ev.events() == [("hset", "h"), ("hset", "h"), ("hdel", "h"),
                           ("del", "h")]


def test_events_of_transaction(r, ev):
    p = r.pipeline(transaction=True)
    p.set("a", "1")
    p.lpush("l", "x")
    p.delete("a")
    p.execute()
    assert ev.events() == [("set", "a"), ("lpush", "l"), ("del", "a")]


@pytest.mark.redis72
def test_resp3_subscriber_gets_pushes(r, notify, raw_conn):
    notify("KE$")
    c = raw_conn()
    c.request(b"HELLO 3\r\n")
    assert c.request(b"PSUBSCRIBE __keyspace@0__:*\r\n") == (
        b">3\r\n$10\r\npsubscribe\r\n$16\r\n__keyspace@0__:*\r\n:1\r\n")
    # the subscriber's own write: reply first, then its event
    assert c.request(b"SET k v\r\n", n=2) == (
        b"+OK\r\n>4\r\n$8\r\npmessage\r\n$16\r\n__keyspace@0__:*\r\n"
        b"$16\r\n__keyspace@0__:k\r\n$3\r\nset\r\n")


@pytest.mark.redis74
def test_hash_field_expiration_events(r, ev):
    r("HSET", "h", "a", "1", "b", "2", "c", "3")
    assert r("HEXPIRE", "h", "100", "FIELDS", "2", "a", "nofield") == [1, -2]
    assert r("HEXPIRE", "h", "100", "NX", "FIELDS", "1", "a") == [0]  # nothing changed: no event
    assert r("HPERSIST", "h", "FIELDS", "1", "a") == [1]
    assert r("HPERSIST", "h", "FIELDS", "1", "a") == [-1]  # no event
    assert r("HEXPIRE", "h", "0", "FIELDS", "1", "a") == [2]  # a deadline in the past deletes the field
    assert ev.events() == [("hset", "h"), ("hexpire", "h"), ("hpersist", "h"), ("hdel", "h")]
    # Lazy expiry: a read of the hash deletes the due field.
    r("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        r("HPEXPIRE", "h", "20", "FIELDS", "1", "b")
        assert ev.events() == [("hexpire", "h")]
        time.sleep(0.05)
        assert r("HGET", "h", "b") is None
        assert ev.events() == [("hexpired", "h")]
    finally:
        r("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    # Active expiry of the last field deletes the key.
    r("HPEXPIRE", "h", "20", "FIELDS", "1", "c")
    assert ev.events() == [("hexpire", "h")]
    got = []
    deadline = time.monotonic() + 2
    while len(got) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        got += ev.events()
    assert got == [("hexpired", "h"), ("del", "h")]
    # Deleting the last field with a past deadline: hdel, then del.
    r("HSET", "g", "x", "1")
    r("HEXPIRE", "g", "0", "FIELDS", "1", "x")
    assert ev.events() == [("hset", "g"), ("hdel", "g"), ("del", "g")]
