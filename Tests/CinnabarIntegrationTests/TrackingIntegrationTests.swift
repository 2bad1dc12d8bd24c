// Client-side caching over real connections, on both transports: RESP3 invalidation pushes sent to another
// connection, a client's own invalidations after its reply and after EXEC, NOLOOP, OPTIN with CLIENT CACHING,
// redirection to a RESP2 subscriber of __redis__:invalidate and a broken redirection, BCAST prefixes (one array per
// prefix), FLUSHALL's null invalidation, evictions by tracking-table-max-keys, a blocked client served by another's
// push, and the cleanup on disconnect. A PING after an expected silence proves nothing else arrived.
import CinnabarCommands
import CinnabarServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

private func b(_ s: String) -> String { "$\(s.utf8.count)\r\n\(s)\r\n" }
private func invalidate(_ keys: String...) -> String {
    ">2\r\n$10\r\ninvalidate\r\n*\(keys.count)\r\n" + keys.map(b).joined()
}
private let nullInvalidate = ">2\r\n$10\r\ninvalidate\r\n_\r\n"

private func resp3(_ s: RunningServer) throws -> TestClient {
    let c = try s.client()
    #expect(try c.call("HELLO", "3").hasPrefix("%"))
    return c
}

private func info(_ c: TestClient, _ field: String) throws -> String? {
    let text = try c.call("INFO", "everything")
    for line in text.split(separator: "\r\n") where line.hasPrefix(field + ":") {
        return String(line.dropFirst(field.count + 1))
    }
    return nil
}

@Suite("Client-side caching over TCP", .serialized)
struct TrackingIntegrationTests {
    @Test("Default mode: another client's write invalidates a read key once; own writes follow the reply", arguments: transports)
    func defaultMode(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try resp3(s)
        let other = try s.client()
        #expect(try c.call("CLIENT", "TRACKING", "on") == "+OK\r\n")
        #expect(try other.call("SET", "k", "1") == "+OK\r\n")
        #expect(try c.call("GET", "k") == b("1"))
        #expect(try other.call("SET", "unread", "1") == "+OK\r\n")
        #expect(try other.call("SET", "k", "2") == "+OK\r\n")
        #expect(try c.readReplies(1) == invalidate("k"))
        #expect(try other.call("SET", "k", "3") == "+OK\r\n")
        #expect(try c.call("PING") == "+PONG\r\n")
        // Own write: the reply, then the invalidation.
        #expect(try c.call("HSET", "h", "f", "1") == ":1\r\n")
        #expect(try c.call("HGET", "h", "f") == b("1"))
        c.send(TestClient.encode(["HDEL", "h", "f"]))
        #expect(try c.readReplies(2) == ":1\r\n" + invalidate("h"))
        // Inside a transaction: after EXEC's whole reply.
        #expect(try c.call("GET", "a") == "_\r\n")
        #expect(try c.call("MULTI") == "+OK\r\n")
        #expect(try c.call("SET", "a", "1") == "+QUEUED\r\n")
        #expect(try c.call("GET", "b") == "+QUEUED\r\n")
        c.send(TestClient.encode(["EXEC"]))
        #expect(try c.readReplies(2) == "*2\r\n+OK\r\n_\r\n" + invalidate("a"))
        #expect(try info(other, "tracking_clients") == "1")
        #expect(try info(other, "tracking_total_keys") == "1")  // b
    }

    @Test("NOLOOP skips the client's own writes; OPTIN tracks only after CLIENT CACHING yes", arguments: transports)
    func noloopAndOptin(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try resp3(s)
        let other = try s.client()
        #expect(try c.call("CLIENT", "TRACKING", "on", "NOLOOP") == "+OK\r\n")
        #expect(try c.call("GET", "x") == "_\r\n")
        #expect(try c.call("SET", "x", "1") == "+OK\r\n")
        #expect(try c.call("PING") == "+PONG\r\n")
        #expect(try c.call("CLIENT", "TRACKING", "off") == "+OK\r\n")
        #expect(try c.call("CLIENT", "TRACKING", "on", "OPTIN") == "+OK\r\n")
        #expect(try c.call("GET", "a") == "_\r\n")
        #expect(try c.call("CLIENT", "CACHING", "yes") == "+OK\r\n")
        #expect(try c.call("GET", "b") == "_\r\n")
        #expect(try c.call("GET", "c") == "_\r\n")
        #expect(try other.call("MSET", "a", "1", "b", "1", "c", "1") == "+OK\r\n")
        #expect(try c.readReplies(1) == invalidate("b"))
        #expect(try c.call("PING") == "+PONG\r\n")
        #expect(try c.call("CLIENT", "TRACKINGINFO") ==
            "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\noptin\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n")
        #expect(try c.call("CLIENT", "CACHING", "no") ==
            "-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n")
    }

    @Test("Redirection to a RESP2 subscriber of __redis__:invalidate, then a broken redirection", arguments: transports)
    func redirection(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let sub = try s.client()
        let id = String(try sub.call("CLIENT", "ID").filter(\.isNumber))
        #expect(try sub.call("SUBSCRIBE", "__redis__:invalidate").hasPrefix("*3\r\n"))
        let c = try resp3(s)
        let other = try s.client()
        #expect(try c.call("CLIENT", "TRACKING", "on", "REDIRECT", id) == "+OK\r\n")
        #expect(try c.call("CLIENT", "GETREDIR") == ":\(id)\r\n")
        #expect(try c.call("GET", "k") == "_\r\n")
        #expect(try other.call("SET", "k", "1") == "+OK\r\n")
        #expect(try sub.readReplies(1) == "*3\r\n" + b("message") + b("__redis__:invalidate") + "*1\r\n" + b("k"))
        #expect(try other.call("FLUSHALL") == "+OK\r\n")
        #expect(try sub.readReplies(1) == "*3\r\n" + b("message") + b("__redis__:invalidate") + "_\r\n")
        #expect(try c.call("GET", "k") == "_\r\n")
        #expect(try sub.call("QUIT") == "+OK\r\n")
        #expect(sub.isClosed())
        #expect(try other.call("SET", "k", "2") == "+OK\r\n")
        #expect(try c.readReplies(1) == ">2\r\n$21\r\ntracking-redir-broken\r\n:\(id)\r\n")
        #expect(try c.call("CLIENT", "INFO").contains(" flags=tR "))
    }

    @Test("BCAST: one array per prefix after the command, NOLOOP filtering, and FLUSHDB's null", arguments: transports)
    func bcast(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try resp3(s)
        let other = try s.client()
        #expect(try c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a:", "PREFIX", "b:") == "+OK\r\n")
        #expect(try c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a") ==
            "-ERR Prefix 'a' overlaps with an existing prefix 'a:'. Prefixes for a single client must not overlap.\r\n")
        #expect(try other.call("MSET", "b:2", "1", "a:3", "1", "c:1", "1", "a:2", "1") == "+OK\r\n")
        #expect(try c.readReplies(2) == invalidate("a:2", "a:3") + invalidate("b:2"))
        c.send(TestClient.encode(["SET", "a:1", "x"]))
        #expect(try c.readReplies(2) == "+OK\r\n" + invalidate("a:1"))
        #expect(try info(other, "tracking_total_prefixes") == "2")
        #expect(try other.call("FLUSHDB") == "+OK\r\n")
        #expect(try c.readReplies(1) == nullInvalidate)
        let n = try resp3(s)
        #expect(try n.call("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP") == "+OK\r\n")
        #expect(try n.call("SET", "mine", "1") == "+OK\r\n")
        #expect(try n.call("PING") == "+PONG\r\n")
        #expect(try other.call("SET", "theirs", "1") == "+OK\r\n")
        #expect(try n.readReplies(1) == invalidate("theirs"))
    }

    @Test("tracking-table-max-keys evicts keys with invalidations; a served waiter's invalidation follows its reply",
          arguments: transports)
    func limitAndBlocking(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try resp3(s)
        let admin = try s.client()
        #expect(try c.call("CLIENT", "TRACKING", "on") == "+OK\r\n")
        #expect(try c.call("MGET", "k1", "k2", "k3") == "*3\r\n_\r\n_\r\n_\r\n")
        #expect(try info(admin, "tracking_total_keys") == "3")
        #expect(try admin.call("CONFIG", "SET", "tracking-table-max-keys", "1") == "+OK\r\n")
        let evicted = try c.readReplies(2)
        #expect(evicted.components(separatedBy: "invalidate").count == 3)
        #expect(try info(admin, "tracking_total_keys") == "1")
        #expect(try admin.call("CONFIG", "SET", "tracking-table-max-keys", "0") == "+OK\r\n")
        // BLMOVE served by another client's push: the moved element, then the invalidation of its destination.
        #expect(try admin.call("RPUSH", "dst", "a") == ":1\r\n")
        #expect(try c.call("LRANGE", "dst", "0", "-1") == "*1\r\n" + b("a"))
        c.send(TestClient.encode(["BLMOVE", "src", "dst", "LEFT", "LEFT", "0"]))
        var waiting = false
        for _ in 0..<200 where !waiting {
            waiting = try info(admin, "blocked_clients") == "1"
            if !waiting { usleep(5000) }
        }
        #expect(waiting)
        #expect(try admin.call("RPUSH", "src", "foo") == ":1\r\n")
        #expect(try c.readReplies(2) == b("foo") + invalidate("dst"))
    }

    @Test("Disconnecting or RESET drops a client's tracking", arguments: transports)
    func cleanup(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let admin = try s.client()
        do {
            let c = try resp3(s)
            #expect(try c.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p") == "+OK\r\n")
            #expect(try info(admin, "tracking_clients") == "1")
            #expect(try c.call("QUIT") == "+OK\r\n")
            #expect(c.isClosed())
        }
        var gone = false
        for _ in 0..<200 where !gone {
            gone = try info(admin, "tracking_clients") == "0"
            if !gone { usleep(5000) }
        }
        #expect(gone)
        #expect(try info(admin, "tracking_total_prefixes") == "0")
        let c = try resp3(s)
        #expect(try c.call("CLIENT", "TRACKING", "on") == "+OK\r\n")
        #expect(try c.call("RESET") == "+RESET\r\n")
        #expect(try info(admin, "tracking_clients") == "0")
        #expect(try c.call("CLIENT", "GETREDIR") == ":-1\r\n")
    }
}
