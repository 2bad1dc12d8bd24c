"""Connection-level commands: PING ECHO QUIT RESET SELECT HELLO AUTH CLIENT *,
and the generic unknown-command / arity error texts."""

import time

import pytest
import redis

from conftest import resp_cmd, wait_until

CLIENT_FIELDS_70 = [
    "id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub",
    "psub", "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem",
    "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "events", "cmd", "user",
    "redir", "resp",
]


def client_fields(line):
    """'id=1 addr=... name= ...' -> dict (insertion ordered)."""
    if isinstance(line, bytes):
        line = line.decode()
    out = {}
    for part in line.strip("\n").split(" "):
        k, _, v = part.partition("=")
        out[k] = v
    return out


def client_info(c):
    return client_fields(c("CLIENT", "INFO"))


# --------------------------------------------------------------------------
# PING / ECHO
# --------------------------------------------------------------------------

def test_ping_no_arg(r):
    assert r("PING") == b"PONG"


def test_ping_with_arg_is_bulk(r):
    assert r("PING", "hello world") == b"hello world"


def test_ping_wire_resp2(raw):
    assert raw(resp_cmd("PING")) == b"+PONG\r\n"
    assert raw(resp_cmd("PING", "hi")) == b"$2\r\nhi\r\n"
    assert raw(resp_cmd("PING", "")) == b"$0\r\n\r\n"


def test_ping_wire_resp3(raw_conn):
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"
    assert c.request(resp_cmd("PING", "x")) == b"$1\r\nx\r\n"


def test_ping_too_many_args(r, err):
    assert err(r, "PING", "a", "b") == \
        "ERR wrong number of arguments for 'ping' command"


def test_ping_is_case_insensitive(r):
    assert r("pInG") == b"PONG"


def test_echo(r):
    assert r("ECHO", "hello") == b"hello"
    assert r("ECHO", "") == b""
    assert r("ECHO", b"\x00\xff\r\n") == b"\x00\xff\r\n"


def test_echo_arity(r, err):
    assert err(r, "ECHO") == "ERR wrong number of arguments for 'echo' command"
    assert err(r, "ECHO", "a", "b") == \
        "ERR wrong number of arguments for 'echo' command"


# --------------------------------------------------------------------------
# QUIT / RESET
# --------------------------------------------------------------------------

def test_quit_replies_ok_and_closes(raw_conn):
    c = raw_conn()
    c.send(resp_cmd("QUIT") + resp_cmd("PING"))
    assert c.read_replies(1) == b"+OK\r\n"
    assert c.is_closed()
    assert c.read_for(0.05) == b""  # the pipelined PING was never answered


def test_quit_inline(raw_conn):
    c = raw_conn()
    c.send(b"QUIT\r\n")
    assert c.read_replies(1) == b"+OK\r\n"
    assert c.is_closed()


def test_reset_reply(raw):
    assert raw(resp_cmd("RESET")) == b"+RESET\r\n"


def test_reset_arity(r, err):
    assert err(r, "RESET", "x") == \
        "ERR wrong number of arguments for 'reset' command"


def test_reset_restores_connection_state(raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("SELECT", "3")) == b"+OK\r\n"
    assert c.request(resp_cmd("CLIENT", "SETNAME", "before")) == b"+OK\r\n"
    c.request(resp_cmd("HELLO", "3"))
    assert c.request(resp_cmd("RESET")) == b"+RESET\r\n"
    # back to RESP2: a missing name is the RESP2 null bulk
    assert c.request(resp_cmd("CLIENT", "GETNAME")) == b"$-1\r\n"
    info = c.request(resp_cmd("CLIENT", "INFO"))
    assert b" db=0 " in info
    assert b" resp=2" in info
    assert b" name= " in info


@pytest.mark.redis72
def test_reset_clears_no_evict_72(raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("CLIENT", "NO-EVICT", "on")) == b"+OK\r\n"
    assert c.request(resp_cmd("RESET")) == b"+RESET\r\n"
    assert b" flags=N " in c.request(resp_cmd("CLIENT", "INFO"))


def test_reset_turns_client_reply_back_on(raw_conn):
    c = raw_conn()
    c.send(resp_cmd("CLIENT", "REPLY", "OFF"))
    assert c.request(resp_cmd("RESET")) == b"+RESET\r\n"
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"


# --------------------------------------------------------------------------
# SELECT
# --------------------------------------------------------------------------

def test_select_valid_and_isolated(r):
    r("SET", "k", "db0")
    assert r("SELECT", 15) == b"OK"
    assert r("GET", "k") is None
    r("SET", "k", "db15")
    assert r("SELECT", 0) == b"OK"
    assert r("GET", "k") == b"db0"


@pytest.mark.parametrize("idx", ["16", "-1", "1000000"])
def test_select_out_of_range(r, err, idx):
    assert err(r, "SELECT", idx) == "ERR DB index is out of range"


@pytest.mark.parametrize("idx", ["abc", "1.5", ""])
def test_select_not_integer(r, err, idx):
    assert err(r, "SELECT", idx) == "ERR value is not an integer or out of range"


def test_select_arity(r, err):
    assert err(r, "SELECT") == "ERR wrong number of arguments for 'select' command"
    assert err(r, "SELECT", 1, 2) == \
        "ERR wrong number of arguments for 'select' command"


# --------------------------------------------------------------------------
# HELLO / AUTH
# --------------------------------------------------------------------------

def test_hello_without_args_resp2_flat_array(r, server):
    reply = r("HELLO")
    assert isinstance(reply, list) and len(reply) == 14
    keys = reply[0::2]
    assert keys == [b"server", b"version", b"proto", b"id", b"mode", b"role",
                    b"modules"]
    d = dict(zip(keys, reply[1::2]))
    assert d[b"server"] == b"redis"
    assert d[b"version"] == server.version.encode()
    assert d[b"proto"] == 2
    assert d[b"id"] == r("CLIENT", "ID")
    assert d[b"mode"] == b"standalone"
    assert d[b"role"] == b"master"
    assert d[b"modules"] == []


def test_hello_3_wire_is_map(raw_conn):
    c = raw_conn()
    reply = c.request(resp_cmd("HELLO", "3"))
    assert reply.startswith(b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n")
    assert b"$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:" in reply
    assert reply.endswith(b"$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n"
                          b"$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n")
    # the connection now talks RESP3
    assert c.request(resp_cmd("GET", "no-such-key-hello3")) == b"_\r\n"


def test_hello_2_after_3_goes_back(raw_conn):
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    reply = c.request(resp_cmd("HELLO", "2"))
    assert reply.startswith(b"*14\r\n$6\r\nserver\r\n")
    assert b"$5\r\nproto\r\n:2\r\n" in reply
    assert c.request(resp_cmd("GET", "no-such-key-hello2")) == b"$-1\r\n"


@pytest.mark.parametrize("ver", ["1", "4", "0", "-1", "100"])
def test_hello_unsupported_version(r, err, ver):
    assert err(r, "HELLO", ver) == "NOPROTO unsupported protocol version"


def test_hello_version_not_integer(r, err):
    assert err(r, "HELLO", "abc") == \
        "ERR Protocol version is not an integer or out of range"


def test_hello_bad_protover_keeps_protocol(raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("HELLO", "4")) == \
        b"-NOPROTO unsupported protocol version\r\n"
    assert c.request(resp_cmd("GET", "nokey")) == b"$-1\r\n"


def test_hello_setname(r):
    reply = r("HELLO", "2", "SETNAME", "myconn")
    assert reply[0] == b"server"
    assert r("CLIENT", "GETNAME") == b"myconn"


def test_hello_setname_invalid(r, err):
    assert err(r, "HELLO", "3", "SETNAME", "a b") == \
        "ERR Client names cannot contain spaces, newlines or special characters."


def test_hello_failed_setname_keeps_protocol(raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("HELLO", "3", "SETNAME", "a b")) == (
        b"-ERR Client names cannot contain spaces, newlines or special "
        b"characters.\r\n")
    assert c.request(resp_cmd("GET", "nokey")) == b"$-1\r\n"


def test_hello_failed_auth_keeps_protocol(raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("HELLO", "3", "AUTH", "nosuch", "pw")) == \
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    assert c.request(resp_cmd("GET", "nokey")) == b"$-1\r\n"


@pytest.mark.redis72
def test_hello_failure_leaves_name_untouched_72(r, err):
    # 7.2: HELLO changes nothing unless the whole command succeeds
    assert err(r, "HELLO", "2", "SETNAME", "ok", "SETNAME", "a b") == \
        "ERR Client names cannot contain spaces, newlines or special characters."
    assert r("CLIENT", "GETNAME") is None


def test_hello_unknown_option(r, err):
    assert err(r, "HELLO", "3", "foo") == "ERR Syntax error in HELLO option 'foo'"


def test_hello_auth_missing_password(r, err):
    # the option is echoed as the client spelled it
    assert err(r, "HELLO", "3", "AUTH", "default") == \
        "ERR Syntax error in HELLO option 'AUTH'"
    assert err(r, "HELLO", "3", "auth", "default") == \
        "ERR Syntax error in HELLO option 'auth'"


def test_hello_auth_unknown_user(r, err):
    assert err(r, "HELLO", "3", "AUTH", "nosuchuser", "pw") == \
        "WRONGPASS invalid username-password pair or user is disabled."


def test_hello_auth_default_nopass_user_accepts_any_password(r):
    reply = r("HELLO", "2", "AUTH", "default", "whatever")
    assert reply[4:6] == [b"proto", 2]


def test_auth_without_password_configured(r, err):
    assert err(r, "AUTH", "secret") == (
        "ERR AUTH <password> called without any password configured for the "
        "default user. Are you sure your configuration is correct?")


def test_auth_unknown_user(r, err):
    assert err(r, "AUTH", "nosuchuser", "pw") == \
        "WRONGPASS invalid username-password pair or user is disabled."


def test_auth_default_user_nopass(r):
    assert r("AUTH", "default", "anything") == b"OK"


def test_auth_syntax(r, err):
    assert err(r, "AUTH") == "ERR wrong number of arguments for 'auth' command"
    assert err(r, "AUTH", "a", "b", "c") == "ERR syntax error"


# --------------------------------------------------------------------------
# generic error texts
# --------------------------------------------------------------------------

def test_unknown_command_with_args(r, err):
    assert err(r, "foo", "a", "b") == \
        "ERR unknown command 'foo', with args beginning with: 'a' 'b' "


def test_unknown_command_without_args(r, err):
    assert err(r, "foo") == "ERR unknown command 'foo', with args beginning with: "


def test_unknown_command_keeps_case_and_quotes(r, err):
    assert err(r, "FoO", "a b", 'c"d') == \
        "ERR unknown command 'FoO', with args beginning with: 'a b' 'c\"d' "


def test_unknown_command_args_truncated_to_128(r, err):
    assert err(r, "foo", "x" * 200) == \
        "ERR unknown command 'foo', with args beginning with: '%s' " % ("x" * 128)
    assert err(r, "foo", "abc", "x" * 200) == \
        "ERR unknown command 'foo', with args beginning with: 'abc' '%s' " % ("x" * 122)


def test_unknown_command_newlines_sanitized(raw):
    assert raw(resp_cmd("foo", "a\nb")) == \
        b"-ERR unknown command 'foo', with args beginning with: 'a b' \r\n"


def test_wrong_arity_get(r, err):
    assert err(r, "GET") == "ERR wrong number of arguments for 'get' command"
    assert err(r, "GET", "a", "b") == "ERR wrong number of arguments for 'get' command"


def test_wrong_arity_uses_lowercase_name(r, err):
    assert err(r, "SeT", "a") == "ERR wrong number of arguments for 'set' command"


def test_wrong_arity_subcommand(r, err):
    assert err(r, "CLIENT", "SETNAME") == \
        "ERR wrong number of arguments for 'client|setname' command"
    assert err(r, "CLIENT", "ID", "x") == \
        "ERR wrong number of arguments for 'client|id' command"


def test_unknown_subcommand(r, err):
    assert err(r, "CLIENT", "foo") == "ERR unknown subcommand 'foo'. Try CLIENT HELP."
    assert err(r, "client", "Foo", "bar") == \
        "ERR unknown subcommand 'Foo'. Try CLIENT HELP."


def test_container_command_without_subcommand(r, err):
    assert err(r, "CLIENT") == "ERR wrong number of arguments for 'client' command"


# --------------------------------------------------------------------------
# CLIENT ID / SETNAME / GETNAME / INFO / LIST
# --------------------------------------------------------------------------

def test_client_id_positive_and_increasing(r, new_client):
    a = r("CLIENT", "ID")
    b = new_client()("CLIENT", "ID")
    assert isinstance(a, int) and a > 0
    assert b > a


def test_client_id_stable_on_connection(r):
    assert r("CLIENT", "ID") == r("CLIENT", "ID")


def test_client_getname_default_nil(r):
    assert r("CLIENT", "GETNAME") is None


def test_client_setname_getname(r):
    assert r("CLIENT", "SETNAME", "worker-1") == b"OK"
    assert r("CLIENT", "GETNAME") == b"worker-1"
    assert client_info(r)["name"] == "worker-1"


def test_client_setname_empty_clears(r):
    r("CLIENT", "SETNAME", "x")
    assert r("CLIENT", "SETNAME", "") == b"OK"
    assert r("CLIENT", "GETNAME") is None


@pytest.mark.parametrize("name", ["a b", "a\nb", "tab\there", "\x7f"])
def test_client_setname_invalid(r, err, name):
    assert err(r, "CLIENT", "SETNAME", name) == \
        "ERR Client names cannot contain spaces, newlines or special characters."


def test_client_info_format(r):
    line = r("CLIENT", "INFO")
    assert line.endswith(b"\n") and not line.endswith(b"\r\n")
    assert line.count(b"\n") == 1
    f = client_fields(line)
    assert list(f)[:len(CLIENT_FIELDS_70)] == CLIENT_FIELDS_70
    assert int(f["id"]) == r("CLIENT", "ID")
    assert f["cmd"] == "client|info"
    assert f["user"] == "default"
    assert f["flags"] == "N"
    assert f["db"] == "0"
    assert f["resp"] == "2"
    assert f["multi"] == "-1"
    assert f["redir"] == "-1"
    assert f["laddr"].startswith("127.0.0.1:")


@pytest.mark.redis72
def test_client_info_field_names_72(r):
    f = client_fields(r("CLIENT", "INFO"))
    assert list(f) == CLIENT_FIELDS_70 + ["lib-name", "lib-ver"]


def test_client_info_resp3_is_verbatim(raw_conn):
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    reply = c.request(resp_cmd("CLIENT", "INFO"))
    assert reply.startswith(b"=")
    assert b"\r\ntxt:id=" in reply
    assert reply.endswith(b" resp=3\n\r\n") or b" resp=3 lib-name=" in reply


def test_client_list_contains_all_clients(r, new_client):
    other = new_client()
    other("CLIENT", "SETNAME", "other-one")
    my_id = r("CLIENT", "ID")
    lines = r("CLIENT", "LIST").decode().splitlines()
    ids = {client_fields(l)["id"]: client_fields(l) for l in lines}
    assert str(my_id) in ids
    assert ids[str(my_id)]["cmd"] == "client|list"
    assert any(f["name"] == "other-one" for f in ids.values())
    for f in ids.values():
        assert list(f)[:len(CLIENT_FIELDS_70)] == CLIENT_FIELDS_70


def test_client_list_by_id(r, new_client):
    other = new_client()
    oid = other("CLIENT", "ID")
    my_id = r("CLIENT", "ID")
    out = r("CLIENT", "LIST", "ID", oid, my_id).decode()
    got = sorted(int(client_fields(l)["id"]) for l in out.splitlines())
    assert got == sorted([oid, my_id])
    assert r("CLIENT", "LIST", "ID", 999999999) == b""


def test_client_list_type_normal(r):
    out = r("CLIENT", "LIST", "TYPE", "normal").decode()
    assert str(r("CLIENT", "ID")) in [client_fields(l)["id"] for l in out.splitlines()]
    assert r("CLIENT", "LIST", "TYPE", "pubsub") == b""


def test_client_list_errors(r, err):
    assert err(r, "CLIENT", "LIST", "TYPE", "foo") == "ERR Unknown client type 'foo'"
    assert err(r, "CLIENT", "LIST", "ID", "abc") == "ERR Invalid client ID"
    assert err(r, "CLIENT", "LIST", "foo") == "ERR syntax error"


def test_client_help(r):
    lines = r("CLIENT", "HELP")
    assert lines[0] == b"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert b"ID" in lines
    assert b"HELP" in lines


@pytest.mark.redis72
def test_client_help_last_line_72(r):
    assert r("CLIENT", "HELP")[-1] == b"    Print this help."


# --------------------------------------------------------------------------
# CLIENT KILL
# --------------------------------------------------------------------------

def _victim(raw_conn):
    c = raw_conn()
    info = client_fields(c.request(resp_cmd("CLIENT", "INFO"))
                         .split(b"\r\n", 1)[1].rsplit(b"\r\n", 1)[0])
    return c, info


def test_client_kill_by_id(r, raw_conn):
    c, info = _victim(raw_conn)
    assert r("CLIENT", "KILL", "ID", info["id"]) == 1
    assert c.is_closed()


def test_client_kill_unknown_id_returns_zero(r):
    assert r("CLIENT", "KILL", "ID", 999999999) == 0


def test_client_kill_bad_id(r, err):
    assert err(r, "CLIENT", "KILL", "ID", "abc") == \
        "ERR client-id should be greater than 0"
    assert err(r, "CLIENT", "KILL", "ID", "0") == \
        "ERR client-id should be greater than 0"


def test_client_kill_by_addr_filter(r, raw_conn):
    c, info = _victim(raw_conn)
    assert r("CLIENT", "KILL", "ADDR", info["addr"]) == 1
    assert c.is_closed()
    assert r("CLIENT", "KILL", "ADDR", "1.2.3.4:5") == 0


def test_client_kill_old_style_addr(r, raw_conn, err):
    c, info = _victim(raw_conn)
    assert r("CLIENT", "KILL", info["addr"]) == b"OK"
    assert c.is_closed()
    assert err(r, "CLIENT", "KILL", "1.2.3.4:5") == "ERR No such client"


def test_client_kill_laddr_and_id_combined(r, raw_conn):
    c, info = _victim(raw_conn)
    assert r("CLIENT", "KILL", "LADDR", "1.1.1.1:1", "ID", info["id"]) == 0
    assert r("CLIENT", "KILL", "LADDR", info["laddr"], "ID", info["id"]) == 1
    assert c.is_closed()


def test_client_kill_user_filter(r, raw_conn, err):
    c, info = _victim(raw_conn)
    assert r("CLIENT", "KILL", "USER", "default", "ID", info["id"]) == 1
    assert c.is_closed()
    assert err(r, "CLIENT", "KILL", "USER", "nosuch") == "ERR No such user 'nosuch'"


def test_client_kill_type_filter(r, raw_conn, err):
    c, info = _victim(raw_conn)
    assert r("CLIENT", "KILL", "TYPE", "pubsub", "ID", info["id"]) == 0
    assert r("CLIENT", "KILL", "TYPE", "normal", "ID", info["id"]) == 1
    assert c.is_closed()
    assert err(r, "CLIENT", "KILL", "TYPE", "foo") == "ERR Unknown client type 'foo'"


def test_client_kill_skipme_default_yes(r):
    my_id = r("CLIENT", "ID")
    assert r("CLIENT", "KILL", "ID", my_id) == 0
    assert r("PING") == b"PONG"


def test_client_kill_skipme_no_kills_self(raw_conn):
    c = raw_conn()
    my_id = int(c.request(resp_cmd("CLIENT", "ID"))[1:-2])
    assert c.request(resp_cmd("CLIENT", "KILL", "ID", my_id, "SKIPME", "no")) == b":1\r\n"
    assert c.is_closed()


def test_client_kill_syntax_errors(r, err):
    assert err(r, "CLIENT", "KILL", "foo", "bar") == "ERR syntax error"
    assert err(r, "CLIENT", "KILL", "SKIPME", "maybe") == "ERR syntax error"
    # three arguments: the old CLIENT KILL <addr> form, "ID" taken as address
    assert err(r, "CLIENT", "KILL", "ID") == "ERR No such client"


# --------------------------------------------------------------------------
# CLIENT PAUSE / UNPAUSE
# --------------------------------------------------------------------------

def test_client_pause_write_blocks_writes_not_reads(r, raw_conn):
    r("SET", "k", "v")
    try:
        assert r("CLIENT", "PAUSE", 5000, "WRITE") == b"OK"
        c = raw_conn()
        assert c.request(resp_cmd("GET", "k")) == b"$1\r\nv\r\n"
        c.send(resp_cmd("SET", "k", "w"))
        assert c.read_for(0.15) == b""  # blocked
        assert r("CLIENT", "UNPAUSE") == b"OK"
        assert c.read_replies(1) == b"+OK\r\n"
        assert r("GET", "k") == b"w"
    finally:
        r("CLIENT", "UNPAUSE")


def test_client_pause_write_and_scripts_transactions_pfcount(r, raw_conn):
    """Under PAUSE WRITE a no-writes script and a read-only transaction run; a transaction holding a write, a
    plain EVAL and PFCOUNT (may-replicate) wait."""
    r("SET", "k", "v")
    r("PFADD", "hll", "a")
    try:
        assert r("CLIENT", "PAUSE", 5000, "WRITE") == b"OK"
        c = raw_conn()
        assert c.request(resp_cmd("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", 1, "k")) == \
            b"$1\r\nv\r\n"
        assert c.request(resp_cmd("MULTI")) == b"+OK\r\n"
        assert c.request(resp_cmd("GET", "k")) == b"+QUEUED\r\n"
        assert c.request(resp_cmd("EXEC")) == b"*1\r\n$1\r\nv\r\n"
        for command in (["EVAL", "return 1", 0], ["PFCOUNT", "hll"]):
            w = raw_conn()
            w.send(resp_cmd(*command))
            assert w.read_for(0.15) == b""  # waits for the pause to end
        # A write waits even to be queued into MULTI.
        assert c.request(resp_cmd("MULTI")) == b"+OK\r\n"
        c.send(resp_cmd("SET", "k", "w"))
        assert c.read_for(0.15) == b""
        assert r("CLIENT", "UNPAUSE") == b"OK"
        assert c.read_replies(1) == b"+QUEUED\r\n"
        assert c.request(resp_cmd("EXEC")) == b"*1\r\n+OK\r\n"
        # A transaction queued before the pause waits at EXEC when it holds a write.
        assert c.request(resp_cmd("MULTI")) == b"+OK\r\n"
        assert c.request(resp_cmd("SET", "k", "x")) == b"+QUEUED\r\n"
        assert r("CLIENT", "PAUSE", 5000, "WRITE") == b"OK"
        c.send(resp_cmd("EXEC"))
        assert c.read_for(0.15) == b""
        assert r("CLIENT", "UNPAUSE") == b"OK"
        assert c.read_replies(1) == b"*1\r\n+OK\r\n"
    finally:
        r("CLIENT", "UNPAUSE")


def test_client_pause_all_blocks_reads(r, raw_conn):
    # under PAUSE ALL even CLIENT UNPAUSE from a normal client would wait, so
    # use a short pause and let it run out
    assert r("CLIENT", "PAUSE", 300, "ALL") == b"OK"
    c = raw_conn()
    t0 = time.monotonic()
    c.send(resp_cmd("GET", "k"))
    assert c.read_for(0.1) == b""
    assert c.read_replies(1, timeout=3) == b"$-1\r\n"
    assert time.monotonic() - t0 >= 0.2


def test_client_pause_expires_by_itself(r, raw_conn):
    try:
        assert r("CLIENT", "PAUSE", 100, "WRITE") == b"OK"
        c = raw_conn()
        t0 = time.monotonic()
        assert c.request(resp_cmd("SET", "k", "1"), timeout=2) == b"+OK\r\n"
        assert time.monotonic() - t0 >= 0.05
    finally:
        r("CLIENT", "UNPAUSE")


def test_client_pause_errors(r, err):
    assert err(r, "CLIENT", "PAUSE", "abc") == \
        "ERR timeout is not an integer or out of range"
    assert err(r, "CLIENT", "PAUSE", "-1") == "ERR timeout is negative"
    assert err(r, "CLIENT", "PAUSE", "10", "foo") == \
        "ERR CLIENT PAUSE mode must be WRITE or ALL"


def test_client_unpause_when_not_paused(r):
    assert r("CLIENT", "UNPAUSE") == b"OK"


# --------------------------------------------------------------------------
# CLIENT REPLY
# --------------------------------------------------------------------------

def test_client_reply_off_on(raw_conn):
    c = raw_conn()
    c.send(resp_cmd("CLIENT", "REPLY", "OFF") + resp_cmd("PING") +
           resp_cmd("SET", "replyoff", "1") + resp_cmd("CLIENT", "REPLY", "ON") +
           resp_cmd("GET", "replyoff"))
    assert c.read_replies(2) == b"+OK\r\n$1\r\n1\r\n"
    assert c.read_for(0.05) == b""


def test_client_reply_off_suppresses_errors(raw_conn):
    c = raw_conn()
    c.send(resp_cmd("CLIENT", "REPLY", "OFF") + resp_cmd("NOSUCHCOMMAND") +
           resp_cmd("CLIENT", "REPLY", "ON"))
    assert c.read_replies(1) == b"+OK\r\n"
    assert c.read_for(0.05) == b""


def test_client_reply_skip(raw_conn):
    c = raw_conn()
    c.send(resp_cmd("CLIENT", "REPLY", "SKIP") + resp_cmd("PING", "1") +
           resp_cmd("PING", "2"))
    assert c.read_replies(1) == b"$1\r\n2\r\n"
    assert c.read_for(0.05) == b""


def test_client_reply_syntax(r, err):
    assert err(r, "CLIENT", "REPLY", "foo") == "ERR syntax error"
    assert err(r, "CLIENT", "REPLY") == \
        "ERR wrong number of arguments for 'client|reply' command"


def test_client_reply_on_replies_ok(raw):
    assert raw(resp_cmd("CLIENT", "REPLY", "ON")) == b"+OK\r\n"


# --------------------------------------------------------------------------
# CLIENT SETINFO / NO-EVICT / NO-TOUCH / TRACKINGINFO
# --------------------------------------------------------------------------

@pytest.mark.redis72
def test_client_setinfo(r):
    assert r("CLIENT", "SETINFO", "LIB-NAME", "mylib") == b"OK"
    assert r("CLIENT", "SETINFO", "lib-ver", "1.2.3") == b"OK"
    f = client_info(r)
    assert f["lib-name"] == "mylib"
    assert f["lib-ver"] == "1.2.3"


@pytest.mark.redis72
def test_client_setinfo_invalid_chars(r, err):
    assert err(r, "CLIENT", "SETINFO", "lib-name", "a b") == \
        "ERR lib-name cannot contain spaces, newlines or special characters."
    assert err(r, "CLIENT", "SETINFO", "LIB-VER", "1\n2") == \
        "ERR LIB-VER cannot contain spaces, newlines or special characters."


@pytest.mark.redis72
def test_client_setinfo_unknown_attr(r, err):
    assert err(r, "CLIENT", "SETINFO", "foo", "bar") == "ERR Unrecognized option 'foo'"
    assert err(r, "CLIENT", "SETINFO", "lib-name") == \
        "ERR wrong number of arguments for 'client|setinfo' command"


def test_client_no_evict(r, err):
    assert r("CLIENT", "NO-EVICT", "on") == b"OK"
    assert "e" in client_info(r)["flags"]
    assert r("CLIENT", "NO-EVICT", "OFF") == b"OK"
    assert client_info(r)["flags"] == "N"
    assert err(r, "CLIENT", "NO-EVICT", "maybe") == "ERR syntax error"


@pytest.mark.redis72
def test_client_no_touch(r, err):
    assert r("CLIENT", "NO-TOUCH", "on") == b"OK"
    assert "T" in client_info(r)["flags"]
    assert r("CLIENT", "NO-TOUCH", "off") == b"OK"
    assert client_info(r)["flags"] == "N"
    assert err(r, "CLIENT", "NO-TOUCH", "maybe") == "ERR syntax error"


@pytest.mark.redis72
def test_client_no_touch_does_not_bump_lfu_72(r, new_client):
    old = r("CONFIG", "GET", "maxmemory-policy")[1]
    try:
        r("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        r("SET", "k", "hello")
        quiet = new_client()
        assert quiet("CLIENT", "NO-TOUCH", "on") == b"OK"
        assert quiet("GET", "k") == b"hello"
        assert r("OBJECT", "FREQ", "k") == 5   # untouched
        assert quiet("TOUCH", "k") == 1         # TOUCH still touches
        assert r("OBJECT", "FREQ", "k") == 6
    finally:
        r("CONFIG", "SET", "maxmemory-policy", old)


def test_client_trackinginfo_resp2(r):
    assert r("CLIENT", "TRACKINGINFO") == \
        [b"flags", [b"off"], b"redirect", -1, b"prefixes", []]


def test_client_trackinginfo_resp3_wire(raw_conn):
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    assert c.request(resp_cmd("CLIENT", "TRACKINGINFO")) == (
        b"%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n"
        b"$8\r\nprefixes\r\n*0\r\n")


def test_maxmemory_clients_evicts_the_biggest_client(r, raw_conn):
    """maxmemory-clients (Redis 7.0's client eviction): a client whose query buffer grows past the limit is closed
    and counted in INFO evicted_clients; a client with CLIENT NO-EVICT on survives."""
    r("CONFIG", "RESETSTAT")
    keeper = raw_conn()
    assert keeper.request(resp_cmd("CLIENT", "NO-EVICT", "on")) == b"+OK\r\n"
    try:
        assert r("CONFIG", "SET", "maxmemory-clients", "2mb") == b"OK"
        big = raw_conn()
        # An unfinished 8 MB argument: the query buffer holds what arrived so far. The server may close the
        # connection while this is still being sent.
        try:
            big.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$8000000\r\n")
            for _ in range(8):
                big.send(b"x" * 500000)
        except OSError:
            pass
        assert wait_until(lambda: big.is_closed(timeout=0.1), timeout=5.0)
        info = r("INFO", "stats").decode()
        assert "evicted_clients:1" in info
        assert keeper.request(resp_cmd("PING")) == b"+PONG\r\n"
    finally:
        r("CONFIG", "SET", "maxmemory-clients", "0")


def test_maxmemory_clients_percentage(r, err):
    """Redis 7's PERCENT_CONFIG: N% of maxmemory, printed as set; 0% is 0 bytes."""
    prefix = "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - "
    try:
        _maxmemory_clients_texts(r, err, prefix)
    finally:
        r("CONFIG", "SET", "maxmemory-clients", "0")


def _maxmemory_clients_texts(r, err, prefix):
    assert r("CONFIG", "SET", "maxmemory-clients", "10%") == b"OK"
    assert r("CONFIG", "GET", "maxmemory-clients") == [b"maxmemory-clients", b"10%"]
    assert r("CONFIG", "SET", "maxmemory-clients", "100%") == b"OK"
    assert r("CONFIG", "GET", "maxmemory-clients") == [b"maxmemory-clients", b"100%"]
    assert r("CONFIG", "SET", "maxmemory-clients", "0%") == b"OK"
    assert r("CONFIG", "GET", "maxmemory-clients") == [b"maxmemory-clients", b"0"]
    assert r("CONFIG", "SET", "maxmemory-clients", "5kb") == b"OK"
    assert r("CONFIG", "GET", "maxmemory-clients") == [b"maxmemory-clients", b"5120"]
    assert err(r, "CONFIG", "SET", "maxmemory-clients", "101%") == \
        prefix + "percentage argument must be less or equal to 100"
    for bad in ["05%", "+5%", "1.5%", "%", "-5", "abc", "99999999999999999999%"]:
        assert err(r, "CONFIG", "SET", "maxmemory-clients", bad) == \
            prefix + "argument must be a memory or percent value", bad
    assert r("CONFIG", "GET", "maxmemory-clients") == [b"maxmemory-clients", b"5120"]


def test_maxmemory_clients_percentage_evicts(r, raw_conn):
    """2 % of a 200 MB maxmemory is 4 MB: a client whose unfinished argument holds 6 MB is closed. Without
    maxmemory the percentage sets no limit."""
    r("CONFIG", "RESETSTAT")
    try:
        _evict_past_percentage(r, raw_conn)
    finally:
        r("CONFIG", "SET", "maxmemory", "0")
        r("CONFIG", "SET", "maxmemory-clients", "0")


def _evict_past_percentage(r, raw_conn):
    keeper = raw_conn()
    assert keeper.request(resp_cmd("CLIENT", "NO-EVICT", "on")) == b"+OK\r\n"
    assert r("CONFIG", "SET", "maxmemory-clients", "2%") == b"OK"
    big = raw_conn()
    big.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$8000000\r\n")
    for _ in range(12):
        big.send(b"x" * 500000)
    time.sleep(0.5)
    assert "evicted_clients:0" in r("INFO", "stats").decode()
    assert r("CONFIG", "SET", "maxmemory", "200mb") == b"OK"
    assert wait_until(lambda: big.is_closed(timeout=0.1), timeout=5.0)
    assert "evicted_clients:1" in r("INFO", "stats").decode()
    assert keeper.request(resp_cmd("PING")) == b"+PONG\r\n"
