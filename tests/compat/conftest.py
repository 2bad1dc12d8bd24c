"""Black-box Redis 7.2 compatibility suite: shared fixtures.

The server under test is either
  * started here: the binary named by $CINNABAR_SERVER_BIN (default: redis-server
    on PATH), with redis-server's own command-line syntax, on a free port of
    127.0.0.1, or
  * an already running server given by $CINNABAR_ADDR=host:port.

Fixtures
  r            callable redis.Redis, RESP2, raw bytes replies (no redis-py
               response callbacks), FLUSHALL before each test:
               r("SET", "k", "v") == b"OK"
  r3           same, but RESP3 (HELLO 3)
  new_client   factory: new_client(protocol=2) -> another independent client
  raw          raw(data: bytes, replies=1, timeout=2.0) -> bytes: opens a fresh
               socket, writes data, returns the bytes of `replies` complete
               replies (or what arrived before EOF / timeout)
  raw_conn     factory: raw_conn() -> RawConn (persistent socket, see below)
  err          err(client, *args) -> full error text, e.g.
               "ERR wrong number of arguments for 'get' command"
  server       object with .host .port .version .version_tuple

Markers (see pytest.ini)
  redis72            skipped automatically when INFO reports redis_version 7.0.*
  redis74            Redis 7.4 behaviour Cinnabar has (hash-field expiration):
                     skipped on a Redis older than 7.4; runs on Cinnabar
  cinnabar_xfail(reason)
                     a known Cinnabar difference from Redis: on Cinnabar the
                     test is xfail(strict=True) with reason "cinnabar: ...";
                     on Redis it runs normally (and must pass)
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

HOST = "127.0.0.1"


# --------------------------------------------------------------------------
# server process management
# --------------------------------------------------------------------------

class ServerInfo:
    def __init__(self, host, port, proc=None, workdir=None):
        self.host = host
        self.port = port
        self.proc = proc
        self.workdir = workdir
        self.version = ""
        self.version_tuple = (0, 0, 0)
        self.is_cinnabar = False

    def load_version(self):
        c = redis.Redis(host=self.host, port=self.port, protocol=2,
                        socket_timeout=10)
        try:
            info = c.execute_command("INFO", "server")
        finally:
            c.close()
        if isinstance(info, bytes):
            info = info.decode()
        if isinstance(info, dict):
            self.version = str(info.get("redis_version", ""))
            self.is_cinnabar = "cinnabar_version" in info
        else:
            for line in info.splitlines():
                if line.startswith("redis_version:"):
                    self.version = line.split(":", 1)[1].strip()
                if line.startswith("cinnabar_version:"):
                    self.is_cinnabar = True
        parts = []
        for p in self.version.split(".")[:3]:
            try:
                parts.append(int(p))
            except ValueError:
                parts.append(0)
        while len(parts) < 3:
            parts.append(0)
        self.version_tuple = tuple(parts)


def _die_with_parent():
    """Linux: have the server killed if the test process dies abruptly."""
    try:
        import ctypes
        import signal
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except Exception:
        pass


def _free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((HOST, 0))
        return s.getsockname()[1]
    finally:
        s.close()


def _ping(host, port):
    try:
        with socket.create_connection((host, port), timeout=1) as s:
            s.settimeout(1)
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _start_server():
    binary = os.environ.get("CINNABAR_SERVER_BIN") or shutil.which("redis-server")
    if not binary:
        raise RuntimeError("no server binary: set CINNABAR_SERVER_BIN or put "
                           "redis-server on PATH")
    last_error = None
    for _attempt in range(5):
        port = _free_port()
        workdir = tempfile.mkdtemp(prefix="cinnabar-compat-")
        log = open(os.path.join(workdir, "server.log"), "wb")
        args = [binary, "--port", str(port), "--bind", HOST,
                "--save", "", "--appendonly", "no",
                "--enable-debug-command", "yes"]
        proc = subprocess.Popen(args, cwd=workdir, stdout=log,
                                stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL,
                                preexec_fn=_die_with_parent)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if _ping(HOST, port):
                return ServerInfo(HOST, port, proc, workdir)
            time.sleep(0.05)
        # failed: collect the reason and retry on another port
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        try:
            with open(os.path.join(workdir, "server.log"), "rb") as f:
                last_error = f.read()[-2000:].decode(errors="replace")
        except OSError:
            last_error = "(no log)"
        shutil.rmtree(workdir, ignore_errors=True)
    raise RuntimeError("could not start %s: %s" % (binary, last_error))


@pytest.fixture(scope="session")
def server():
    addr = os.environ.get("CINNABAR_ADDR")
    if addr:
        host, _, port = addr.rpartition(":")
        info = ServerInfo(host or HOST, int(port))
        deadline = time.monotonic() + 30
        while not _ping(info.host, info.port):
            if time.monotonic() > deadline:
                raise RuntimeError("server at %s does not answer PING" % addr)
            time.sleep(0.1)
        info.load_version()
        yield info
        return
    info = _start_server()
    try:
        info.load_version()
        yield info
    finally:
        proc = info.proc
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        shutil.rmtree(info.workdir, ignore_errors=True)


@pytest.fixture(autouse=True)
def _version_gate(request, server):
    if request.node.get_closest_marker("redis72") is not None:
        if server.version.startswith("7.0"):
            pytest.skip("Redis 7.2 behaviour; server reports redis_version %s"
                        % server.version)
    if request.node.get_closest_marker("redis74") is not None:
        if not server.is_cinnabar and server.version_tuple < (7, 4, 0):
            pytest.skip("Redis 7.4 behaviour; server reports redis_version %s"
                        % server.version)
    known = request.node.get_closest_marker("cinnabar_xfail")
    if known is not None and server.is_cinnabar:
        request.node.add_marker(pytest.mark.xfail(
            reason="cinnabar: " + known.args[0], strict=True))


# --------------------------------------------------------------------------
# clients
# --------------------------------------------------------------------------

class Client(redis.Redis):
    """redis.Redis that can be called: c("SET", "k", "v") == c.execute_command(...)"""

    def __call__(self, *args):
        return self.execute_command(*args)


def make_client(server, protocol=2, **kw):
    """A redis-py client whose replies are the server's raw replies."""
    c = Client(host=server.host, port=server.port, protocol=protocol,
                    decode_responses=False, socket_timeout=10,
                    socket_connect_timeout=10,
                    # never retry: an error reply must surface as it is
                    retry=Retry(NoBackoff(), 0), **kw)
    # No response post-processing: tests assert what is on the wire.
    c.response_callbacks.clear()
    return c


@pytest.fixture
def new_client(server):
    clients = []

    def factory(protocol=2, **kw):
        c = make_client(server, protocol=protocol, **kw)
        clients.append(c)
        return c

    yield factory
    for c in clients:
        try:
            c.close()
        except Exception:
            pass


@pytest.fixture
def r(server):
    c = make_client(server, protocol=2)
    c.execute_command("FLUSHALL")
    yield c
    c.close()


@pytest.fixture
def r3(server):
    c = make_client(server, protocol=3)
    c.execute_command("FLUSHALL")
    yield c
    c.close()


def error_text(exc):
    """Reconstruct the full error line (redis-py strips known prefixes)."""
    msg = str(exc.args[0]) if exc.args else str(exc)
    code = getattr(exc, "status_code", None)
    if code:
        return "%s %s" % (code, msg)
    return msg


@pytest.fixture
def err():
    def run(client, *args):
        try:
            reply = client.execute_command(*args)
        except redis.exceptions.RedisError as e:
            # network problems are not error replies
            if isinstance(e, redis.exceptions.ConnectionError) and \
                    getattr(e, "status_code", None) is None and \
                    not isinstance(e, redis.exceptions.AuthenticationError):
                raise
            return error_text(e)
        raise AssertionError("expected an error reply to %r, got %r"
                             % (args, reply))
    return run


# --------------------------------------------------------------------------
# raw sockets
# --------------------------------------------------------------------------

def resp_reply_end(buf, pos=0):
    """Return the index just past one complete RESP2/RESP3 reply that starts
    at buf[pos], or None when the reply is not complete yet."""
    if pos >= len(buf):
        return None
    nl = buf.find(b"\r\n", pos)
    if nl < 0:
        return None
    t = buf[pos:pos + 1]
    line = buf[pos + 1:nl]
    after = nl + 2
    if t in b"+-:_,#(":
        return after
    if t in b"$=!":
        n = int(line)
        if n < 0:
            return after
        end = after + n + 2
        return end if end <= len(buf) else None
    if t in b"*~>":
        n = int(line)
        count = max(n, 0)
    elif t == b"%" or t == b"|":
        count = int(line) * 2
    else:
        raise ValueError("not a RESP reply at %d: %r" % (pos, buf[pos:pos + 40]))
    p = after
    for _ in range(count):
        p = resp_reply_end(buf, p)
        if p is None:
            return None
    if t == b"|":  # attribute precedes the real reply
        return resp_reply_end(buf, p)
    return p


def count_replies(buf):
    n, pos = 0, 0
    while pos < len(buf):
        end = resp_reply_end(buf, pos)
        if end is None:
            break
        n, pos = n + 1, end
    return n


class RawConn:
    def __init__(self, host, port, timeout=2.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.timeout = timeout
        self.buf = b""
        self.eof = False

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self.sock.settimeout(remaining)
        try:
            d = self.sock.recv(1 << 20)
        except socket.timeout:
            return False
        except ConnectionResetError:
            self.eof = True
            return False
        if not d:
            self.eof = True
            return False
        self.buf += d
        return True

    def read_replies(self, n=1, timeout=None):
        """Consume and return the bytes of the next n complete replies (or
        whatever arrived before EOF/timeout)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            pos, got = 0, 0
            while got < n:
                end = resp_reply_end(self.buf, pos)
                if end is None:
                    break
                pos, got = end, got + 1
            if got == n:
                out, self.buf = self.buf[:pos], self.buf[pos:]
                return out
            if self.eof or not self._fill(deadline):
                out, self.buf = self.buf, b""
                return out

    def request(self, data, n=1, timeout=None):
        self.send(data)
        return self.read_replies(n, timeout)

    def read_for(self, seconds):
        """Everything that arrives within `seconds` (for asserting silence)."""
        deadline = time.monotonic() + seconds
        while not self.eof and self._fill(deadline):
            pass
        out, self.buf = self.buf, b""
        return out

    def is_closed(self, timeout=2.0):
        """True when the server closes the connection within `timeout`."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            if not self._fill(deadline):
                break
        return self.eof

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


@pytest.fixture
def raw_conn(server):
    conns = []

    def factory(timeout=2.0):
        c = RawConn(server.host, server.port, timeout)
        conns.append(c)
        return c

    yield factory
    for c in conns:
        c.close()


@pytest.fixture
def raw(server):
    """raw(data, replies=1, timeout=2.0) -> bytes on a fresh connection."""
    conns = []

    def run(data, replies=1, timeout=2.0):
        c = RawConn(server.host, server.port, timeout)
        conns.append(c)
        c.send(data)
        return c.read_replies(replies, timeout)

    yield run
    for c in conns:
        c.close()


def resp_cmd(*args):
    """Encode a command as a RESP multibulk request."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, int):
            a = str(a).encode()
        elif isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


@pytest.fixture
def cmd():
    return resp_cmd


def wait_until(predicate, timeout=1.0, interval=0.01):
    """Poll predicate() until true; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(interval)


def parse_info(text):
    """INFO bulk (bytes) -> dict of field -> str value (sections flattened)."""
    if isinstance(text, bytes):
        text = text.decode()
    out = {}
    for line in text.split("\r\n"):
        if not line or line.startswith("#"):
            continue
        k, _, v = line.partition(":")
        out[k] = v
    return out
