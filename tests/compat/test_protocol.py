"""Wire-level tests over raw sockets: inline commands, pipelining, RESP3 reply
types, protocol errors (exact text + connection closed)."""

import time

import pytest

from conftest import resp_cmd

PROTO_ERRORS = {
    "multibulk": b"-ERR Protocol error: invalid multibulk length\r\n",
    "bulk": b"-ERR Protocol error: invalid bulk length\r\n",
    "quotes": b"-ERR Protocol error: unbalanced quotes in request\r\n",
}


# --------------------------------------------------------------------------
# inline commands
# --------------------------------------------------------------------------

def test_inline_ping(raw):
    assert raw(b"PING\r\n") == b"+PONG\r\n"


def test_inline_lf_only(raw_conn):
    c = raw_conn()
    c.send(b"PING\nPING\n")
    assert c.read_replies(2) == b"+PONG\r\n+PONG\r\n"


def test_inline_lowercase_and_extra_spaces(raw):
    assert raw(b"   ping   \r\n") == b"+PONG\r\n"
    assert raw(b"ECHO   a   \r\n") == b"$1\r\na\r\n"


def test_inline_quoting(raw_conn):
    c = raw_conn()
    assert c.request(b"SET \"a b\" 'c d'\r\n") == b"+OK\r\n"
    assert c.request(b"GET \"a b\"\r\n") == b"$3\r\nc d\r\n"
    c.request(b"DEL \"a b\"\r\n")


def test_inline_escapes(raw):
    # double quotes understand C-like escapes, single quotes only \'
    assert raw(b'ECHO "\\x41\\n\\t"\r\n') == b"$3\r\nA\n\t\r\n"
    assert raw(b"ECHO 'it\\'s'\r\n") == b"$4\r\nit's\r\n"
    assert raw(b'ECHO "\\"q\\""\r\n') == b'$3\r\n"q"\r\n'


def test_inline_empty_lines_ignored(raw):
    assert raw(b"\r\n\r\n\nPING\r\n") == b"+PONG\r\n"


def test_inline_errors_are_normal_replies(raw_conn):
    c = raw_conn()
    assert c.request(b"ECHO\r\n") == \
        b"-ERR wrong number of arguments for 'echo' command\r\n"
    assert c.request(b"NOSUCH a\r\n") == \
        b"-ERR unknown command 'NOSUCH', with args beginning with: 'a' \r\n"
    assert c.request(b"PING\r\n") == b"+PONG\r\n"


def test_bulk_header_sent_as_inline(raw_conn):
    # a line starting with '$' is not RESP framing: it is an inline command
    c = raw_conn()
    c.send(b"$4\r\nPING\r\n")
    assert c.read_replies(2) == (
        b"-ERR unknown command '$4', with args beginning with: \r\n+PONG\r\n")


@pytest.mark.parametrize("line", [b'SET "a b\r\n', b"SET 'a\r\n",
                                  b'ECHO "a"b\r\n', b'ECHO "unterminated\\"\r\n'])
def test_inline_unbalanced_quotes(raw_conn, line):
    c = raw_conn()
    c.send(line)
    assert c.read_replies(1) == PROTO_ERRORS["quotes"]
    assert c.is_closed()


def test_inline_too_big(raw_conn):
    c = raw_conn()
    c.send(b"a" * (64 * 1024 + 10))
    assert c.read_replies(1) == b"-ERR Protocol error: too big inline request\r\n"
    assert c.is_closed()


def test_inline_just_below_limit_waits(raw_conn):
    c = raw_conn()
    c.send(b"ECHO " + b"a" * (60 * 1024))
    assert c.read_for(0.1) == b""
    c.send(b"\r\n")
    reply = c.read_replies(1)
    assert reply == b"$%d\r\n%s\r\n" % (60 * 1024, b"a" * (60 * 1024))


# --------------------------------------------------------------------------
# multibulk framing
# --------------------------------------------------------------------------

def test_multibulk_ping(raw):
    assert raw(b"*1\r\n$4\r\nPING\r\n") == b"+PONG\r\n"


def test_multibulk_binary_args(raw_conn):
    c = raw_conn()
    assert c.request(b"*3\r\n$3\r\nSET\r\n$3\r\nbin\r\n$4\r\n\x00\r\n\xff\r\n") == b"+OK\r\n"
    assert c.request(b"*2\r\n$3\r\nGET\r\n$3\r\nbin\r\n") == b"$4\r\n\x00\r\n\xff\r\n"
    c.request(resp_cmd("DEL", "bin"))


def test_multibulk_empty_arg(raw):
    assert raw(b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n") == b"$0\r\n\r\n"


def test_multibulk_empty_command_name(raw):
    assert raw(b"*1\r\n$0\r\n\r\n") == \
        b"-ERR unknown command '', with args beginning with: \r\n"


@pytest.mark.parametrize("header", [b"*0\r\n", b"*-1\r\n", b"*-5\r\n"])
def test_multibulk_zero_or_negative_count_ignored(raw, header):
    assert raw(header + b"PING\r\n") == b"+PONG\r\n"


def test_command_split_across_writes(raw_conn):
    c = raw_conn()
    data = resp_cmd("ECHO", "hello world")
    for i in range(len(data)):
        c.send(data[i:i + 1])
        if i % 5 == 0:
            time.sleep(0.001)
    assert c.read_replies(1) == b"$11\r\nhello world\r\n"


def test_large_bulk_argument(raw_conn):
    c = raw_conn()
    v = b"x" * (1024 * 1024)
    assert c.request(b"*3\r\n$3\r\nSET\r\n$5\r\nbigkv\r\n$%d\r\n%s\r\n" % (len(v), v)) \
        == b"+OK\r\n"
    assert c.request(b"STRLEN bigkv\r\n") == b":1048576\r\n"
    c.request(b"DEL bigkv\r\n")


# --------------------------------------------------------------------------
# pipelining
# --------------------------------------------------------------------------

def test_pipeline_many_commands_one_write(raw_conn):
    c = raw_conn()
    c.send(resp_cmd("DEL", "pipe:n") + b"".join(resp_cmd("INCR", "pipe:n")
                                                for _ in range(1000)))
    out = c.read_replies(1001, timeout=5)
    assert out == b":0\r\n" + b"".join(b":%d\r\n" % i for i in range(1, 1001))
    c.request(resp_cmd("DEL", "pipe:n"))


def test_pipeline_mixed_inline_and_multibulk(raw_conn):
    c = raw_conn()
    c.send(b"SET pipe:a 1\r\n" + resp_cmd("GET", "pipe:a") + b"PING\r\n" +
           resp_cmd("ECHO", "x") + b"DEL pipe:a\r\n")
    assert c.read_replies(5) == b"+OK\r\n$1\r\n1\r\n+PONG\r\n$1\r\nx\r\n:1\r\n"


def test_pipeline_select_applies_to_the_next_command(raw_conn):
    # One write: every command after a SELECT (or RESET) in the same batch uses the newly selected database.
    c = raw_conn()
    c.send(resp_cmd("SELECT", "0") + resp_cmd("SET", "pipe:db", "zero") + resp_cmd("SELECT", "5") +
           resp_cmd("GET", "pipe:db") + resp_cmd("SET", "pipe:db", "five") + resp_cmd("MULTI") +
           resp_cmd("SELECT", "0") + resp_cmd("GET", "pipe:db") + resp_cmd("EXEC") + resp_cmd("GET", "pipe:db") +
           resp_cmd("RESET") + resp_cmd("GET", "pipe:db") + resp_cmd("SELECT", "5") + resp_cmd("DEL", "pipe:db") +
           resp_cmd("SELECT", "0") + resp_cmd("DEL", "pipe:db"))
    assert c.read_replies(16) == (
        b"+OK\r\n+OK\r\n+OK\r\n$-1\r\n+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n$4\r\nzero\r\n"
        b"$4\r\nzero\r\n+RESET\r\n$4\r\nzero\r\n+OK\r\n:1\r\n+OK\r\n:1\r\n")


def test_pipeline_errors_in_order(raw_conn):
    c = raw_conn()
    c.send(b"PING\r\nGET\r\nNOSUCH\r\nECHO ok\r\n")
    assert c.read_replies(4) == (
        b"+PONG\r\n-ERR wrong number of arguments for 'get' command\r\n"
        b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n$2\r\nok\r\n")


def test_pipeline_stops_at_quit(r, raw_conn):
    c = raw_conn()
    c.send(b"SET pipe:q1 1\r\nQUIT\r\nSET pipe:q2 1\r\n")
    assert c.read_replies(2) == b"+OK\r\n+OK\r\n"
    assert c.is_closed()
    assert r("EXISTS", "pipe:q1", "pipe:q2") == 1


def test_pipeline_replies_before_protocol_error(raw_conn):
    c = raw_conn()
    c.send(b"PING\r\n*abc\r\nPING\r\n")
    assert c.read_replies(2) == b"+PONG\r\n" + PROTO_ERRORS["multibulk"]
    assert c.is_closed()


# --------------------------------------------------------------------------
# protocol errors
# --------------------------------------------------------------------------

@pytest.mark.parametrize("data,expected", [
    (b"*abc\r\n", PROTO_ERRORS["multibulk"]),
    (b"*+1\r\n$4\r\nPING\r\n", PROTO_ERRORS["multibulk"]),
    (b"*01\r\n$4\r\nPING\r\n", PROTO_ERRORS["multibulk"]),
    (b"*1 \r\n$4\r\nPING\r\n", PROTO_ERRORS["multibulk"]),
    (b"*2147483648\r\n", PROTO_ERRORS["multibulk"]),
    (b"*2\r\n$3\r\nGET\r\n$-1\r\n", PROTO_ERRORS["bulk"]),
    (b"*1\r\n$abc\r\nPING\r\n", PROTO_ERRORS["bulk"]),
    (b"*1\r\n$+4\r\nPING\r\n", PROTO_ERRORS["bulk"]),
    (b"*1\r\n$04\r\nPING\r\n", PROTO_ERRORS["bulk"]),
    (b"*1\r\n$2147483648\r\n", PROTO_ERRORS["bulk"]),
    (b"*1\r\nx4\r\nPING\r\n", b"-ERR Protocol error: expected '$', got 'x'\r\n"),
    (b"*1\r\n:4\r\n", b"-ERR Protocol error: expected '$', got ':'\r\n"),
    (b"*2\r\n$4\r\nECHO\r\n*1\r\n", b"-ERR Protocol error: expected '$', got '*'\r\n"),
])
def test_protocol_error_text_and_close(raw_conn, data, expected):
    c = raw_conn()
    c.send(data)
    assert c.read_replies(1) == expected
    assert c.is_closed()


def test_bulk_length_over_proto_max_bulk_len(raw_conn):
    c = raw_conn()
    # 512MB + 1: one byte over the default proto-max-bulk-len
    c.send(b"*1\r\n$536870913\r\n")
    assert c.read_replies(1) == PROTO_ERRORS["bulk"]
    assert c.is_closed()


def test_bulk_length_respects_lowered_limit(r, raw_conn):
    old = r("CONFIG", "GET", "proto-max-bulk-len")[1]
    try:
        r("CONFIG", "SET", "proto-max-bulk-len", "1mb")
        c = raw_conn()
        c.send(b"*2\r\n$4\r\nECHO\r\n$1048577\r\n")
        assert c.read_replies(1) == PROTO_ERRORS["bulk"]
        assert c.is_closed()
        ok = raw_conn()
        assert ok.request(b"*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n") == b"$3\r\nabc\r\n"
    finally:
        r("CONFIG", "SET", "proto-max-bulk-len", old)


def test_too_big_mbulk_count_string(raw_conn):
    c = raw_conn()
    c.send(b"*" + b"1" * (64 * 1024 + 10))
    assert c.read_replies(1) == b"-ERR Protocol error: too big mbulk count string\r\n"
    assert c.is_closed()


def test_too_big_bulk_count_string(raw_conn):
    c = raw_conn()
    c.send(b"*1\r\n$" + b"1" * (64 * 1024 + 10))
    assert c.read_replies(1) == b"-ERR Protocol error: too big bulk count string\r\n"
    assert c.is_closed()


def test_other_clients_survive_protocol_error(r, raw_conn):
    r("SET", "survivor", "1")
    bystander = raw_conn()
    assert bystander.request(b"PING\r\n") == b"+PONG\r\n"
    bad = raw_conn()
    bad.send(b"*1\r\nx4\r\n")
    assert bad.read_replies(1).startswith(b"-ERR Protocol error")
    assert bad.is_closed()
    assert bystander.request(b"GET survivor\r\n") == b"$1\r\n1\r\n"
    assert r("GET", "survivor") == b"1"
    fresh = raw_conn()
    assert fresh.request(b"PING\r\n") == b"+PONG\r\n"


def test_protocol_error_counted_in_errorstats(r, raw_conn):
    r("CONFIG", "RESETSTAT")
    c = raw_conn()
    c.send(b"*abc\r\n")
    c.read_replies(1)
    assert c.is_closed()
    assert r("INFO", "errorstats") == b"# Errorstats\r\nerrorstat_ERR:count=1\r\n"


# --------------------------------------------------------------------------
# RESP3 reply types
# --------------------------------------------------------------------------

@pytest.fixture
def resp3_conn(raw_conn):
    c = raw_conn()
    hello = c.request(b"HELLO 3\r\n")
    assert hello.startswith(b"%7\r\n")
    return c


def test_resp3_null(resp3_conn):
    assert resp3_conn.request(b"GET resp3:nokey\r\n") == b"_\r\n"


def test_resp3_null_inside_array(resp3_conn):
    c = resp3_conn
    c.request(b"SET resp3:a 1\r\n")
    assert c.request(b"MGET resp3:a resp3:nokey\r\n") == b"*2\r\n$1\r\n1\r\n_\r\n"
    c.request(b"DEL resp3:a\r\n")


def test_resp3_map(resp3_conn):
    assert resp3_conn.request(b"CONFIG GET databases\r\n") == \
        b"%1\r\n$9\r\ndatabases\r\n$2\r\n16\r\n"


def test_resp3_double(resp3_conn):
    assert resp3_conn.request(b"DEBUG PROTOCOL double\r\n") == b",3.141\r\n"


def test_resp3_status_and_integer_unchanged(resp3_conn):
    c = resp3_conn
    assert c.request(b"PING\r\n") == b"+PONG\r\n"
    assert c.request(b"EXISTS resp3:nokey\r\n") == b":0\r\n"
    assert c.request(b"SET resp3:k v\r\n") == b"+OK\r\n"
    assert c.request(b"DEL resp3:k\r\n") == b":1\r\n"


def test_resp3_errors_unchanged(resp3_conn):
    assert resp3_conn.request(b"GET\r\n") == \
        b"-ERR wrong number of arguments for 'get' command\r\n"


def test_resp3_scan_shape(resp3_conn):
    assert resp3_conn.request(b"SCAN 0 MATCH resp3:nothing:*\r\n").startswith(b"*2\r\n$")


def test_resp2_null_and_flat_map(raw_conn):
    c = raw_conn()
    assert c.request(b"GET resp2:nokey\r\n") == b"$-1\r\n"
    assert c.request(b"CONFIG GET databases\r\n") == \
        b"*2\r\n$9\r\ndatabases\r\n$2\r\n16\r\n"


def test_resp3_attribute_then_reply(resp3_conn):
    assert resp3_conn.request(b"DEBUG PROTOCOL attrib\r\n") == (
        b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
        b"$39\r\nSome real reply following the attribute\r\n")


PUSH = b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n"
PUSH_REPLY = b"$40\r\nSome real reply following the push reply\r\n"


def test_resp3_push_and_reply(resp3_conn):
    out = resp3_conn.request(b"DEBUG PROTOCOL push\r\n", n=2)
    assert sorted([PUSH, PUSH_REPLY]) == sorted(
        [out[:len(PUSH)], out[len(PUSH):]] if out.startswith(b">")
        else [out[:len(PUSH_REPLY)], out[len(PUSH_REPLY):]])


@pytest.mark.redis72
def test_resp3_push_emitted_after_reply_72(resp3_conn):
    # 7.2 defers push messages generated by a command until after its reply
    assert resp3_conn.request(b"DEBUG PROTOCOL push\r\n", n=2) == PUSH_REPLY + PUSH


def test_resp2_push_unsupported(raw):
    assert raw(b"DEBUG PROTOCOL push\r\n") == \
        b"-ERR RESP2 is not supported by this command\r\n"
