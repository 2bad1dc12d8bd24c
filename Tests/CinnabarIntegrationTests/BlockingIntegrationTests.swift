// Blocking commands over real connections, on both transports: FIFO service of waiters, a push served in the same
// turn (the pusher's reply and the waiter's arrive together), millisecond timeouts that fire with no other
// traffic, BLMOVE's reliable-queue hand-off, several keys, CLIENT UNBLOCK, disconnects while blocked, keys
// overwritten with another type, pipelined commands after a blocking one, and the blocked-client statistics.
import CinnabarCommands
import CinnabarServer
import CinnabarStorage
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Blocking commands over TCP", .serialized)
struct BlockingIntegrationTests {
    /// Waits until INFO reports `count` blocked clients.
    func waitForBlocked(_ c: TestClient, _ count: Int) throws {
        for _ in 0..<200 {
            let info = try c.call("INFO", "clients")
            if info.contains("blocked_clients:\(count)\r\n") { return }
            usleep(5000)
        }
        Issue.record("blocked_clients never reached \(count)")
    }

    @Test("Waiters are served first come, first served, each by one push", arguments: transports)
    func fifo(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let first = try s.client()
        let second = try s.client()
        let pusher = try s.client()
        first.send(TestClient.encode(["BLPOP", "q", "0"]))
        try waitForBlocked(pusher, 1)
        second.send(TestClient.encode(["BLPOP", "q", "other", "0"]))
        try waitForBlocked(pusher, 2)
        #expect(try pusher.call("RPUSH", "q", "a", "b", "c") == ":3\r\n")
        #expect(try first.readReplies(1) == "*2\r\n$1\r\nq\r\n$1\r\na\r\n")
        #expect(try second.readReplies(1) == "*2\r\n$1\r\nq\r\n$1\r\nb\r\n")
        #expect(try pusher.call("LRANGE", "q", "0", "-1") == "*1\r\n$1\r\nc\r\n")
        #expect(try pusher.call("INFO", "clients").contains("blocked_clients:0\r\n"))
        let stats = try pusher.call("INFO", "commandstats")
        #expect(stats.contains("cmdstat_blpop:calls=2,"))
    }

    @Test("A timeout fires on time with no other traffic, with a null array", arguments: transports)
    func timeout(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try s.client()
        let start = monotonicMicroseconds()
        #expect(try c.call("BLPOP", "nothing", "0.05") == "*-1\r\n")
        let elapsed = (monotonicMicroseconds() - start) / 1000
        // A millisecond of slack each side: the server counts whole milliseconds of the wall clock.
        #expect(elapsed >= 48 && elapsed < 1000, "waited \(elapsed) ms")
        #expect(try c.call("BRPOPLPUSH", "nothing", "dst", "0.01") == "*-1\r\n")
        #expect(try c.call("BZPOPMIN", "nothing", "0.01") == "*-1\r\n")
        #expect(try c.call("HELLO", "3").hasPrefix("%"))
        #expect(try c.call("BLMPOP", "0.01", "1", "nothing", "LEFT") == "_\r\n")
    }

    @Test("BLMOVE hands the element to its destination, where another waiter takes it", arguments: transports)
    func blmoveChain(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let mover = try s.client()
        let popper = try s.client()
        let pusher = try s.client()
        mover.send(TestClient.encode(["BLMOVE", "jobs", "processing", "RIGHT", "LEFT", "0"]))
        try waitForBlocked(pusher, 1)
        popper.send(TestClient.encode(["BLPOP", "processing", "0"]))
        try waitForBlocked(pusher, 2)
        #expect(try pusher.call("LPUSH", "jobs", "job1") == ":1\r\n")
        #expect(try mover.readReplies(1) == "$4\r\njob1\r\n")
        #expect(try popper.readReplies(1) == "*2\r\n$10\r\nprocessing\r\n$4\r\njob1\r\n")
        #expect(try pusher.call("EXISTS", "jobs", "processing") == ":0\r\n")
    }

    @Test("A key overwritten with another type does not wake a waiter; a later list does", arguments: transports)
    func wrongTypeDoesNotWake(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let waiter = try s.client()
        let other = try s.client()
        waiter.send(TestClient.encode(["BLPOP", "k", "0"]))
        try waitForBlocked(other, 1)
        #expect(try other.call("SET", "k", "string") == "+OK\r\n")
        #expect(try other.call("DEL", "k") == ":1\r\n")
        #expect(try other.call("ZADD", "k", "1", "m") == ":1\r\n")
        try waitForBlocked(other, 1)
        #expect(try other.call("DEL", "k") == ":1\r\n")
        #expect(try other.call("RPUSH", "k", "v") == ":1\r\n")
        #expect(try waiter.readReplies(1) == "*2\r\n$1\r\nk\r\n$1\r\nv\r\n")
    }

    @Test("Commands pipelined after a blocking one run once it is served", arguments: transports)
    func pipelineAfterBlock(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try s.client()
        let other = try s.client()
        c.send(TestClient.encode(["BLPOP", "q", "0"]) + TestClient.encode(["PING"]))
        try waitForBlocked(other, 1)
        #expect(try other.call("RPUSH", "q", "x") == ":1\r\n")
        #expect(try c.readReplies(2) == "*2\r\n$1\r\nq\r\n$1\r\nx\r\n+PONG\r\n")
    }

    @Test("CLIENT UNBLOCK ends a wait as a timeout or an error; a disconnected waiter is forgotten",
          arguments: transports)
    func unblockAndDisconnect(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let waiter = try s.client()
        let admin = try s.client()
        let id = String(decoding: try waiter.call("CLIENT", "ID").utf8.dropFirst().prefix { $0 != 13 }, as: UTF8.self)
        waiter.send(TestClient.encode(["BRPOP", "q", "0"]))
        try waitForBlocked(admin, 1)
        #expect(try admin.call("CLIENT", "UNBLOCK", String(id)) == ":1\r\n")
        #expect(try waiter.readReplies(1) == "*-1\r\n")
        #expect(try admin.call("CLIENT", "UNBLOCK", String(id)) == ":0\r\n")
        waiter.send(TestClient.encode(["BZPOPMAX", "z", "0"]))
        try waitForBlocked(admin, 1)
        #expect(try admin.call("CLIENT", "UNBLOCK", String(id), "ERROR") == ":1\r\n")
        #expect(try waiter.readReplies(1) == "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")
        #expect(try admin.call("CLIENT", "UNBLOCK", String(id), "MAYBE") ==
            "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n")

        do {
            let leaving = try s.client()
            leaving.send(TestClient.encode(["BLPOP", "gone", "0"]))
            try waitForBlocked(admin, 1)
        }
        try waitForBlocked(admin, 0)
        #expect(try admin.call("RPUSH", "gone", "v") == ":1\r\n")
        #expect(try admin.call("LLEN", "gone") == ":1\r\n")
    }
}
