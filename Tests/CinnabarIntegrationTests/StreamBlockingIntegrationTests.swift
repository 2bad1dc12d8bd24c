// XREAD and XREADGROUP BLOCK over real connections, on both transports: a waiter counts in INFO's
// blocked_clients, an XADD serves every XREAD waiter and one XREADGROUP waiter per entry (which then owns it in the
// group's PEL), a timeout replies a null array, and a deleted key fails the group reader with NOGROUP as Redis 7.2
// does. Replies are Redis 7.2.6's.
import CinnabarCommands
import CinnabarServer
import CinnabarStorage
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Stream blocking commands over TCP", .serialized)
struct StreamBlockingIntegrationTests {
    func waitForBlocked(_ c: TestClient, _ count: Int) throws {
        for _ in 0..<200 {
            if try c.call("INFO", "clients").contains("blocked_clients:\(count)\r\n") { return }
            usleep(5000)
        }
        Issue.record("blocked_clients never reached \(count)")
    }

    static let entry = "*1\r\n*2\r\n$2\r\nbs\r\n*1\r\n*2\r\n$3\r\n2-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"

    @Test("XREAD BLOCK $: counted as blocked, every waiter gets the new entry", arguments: transports)
    func xreadBlock(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let first = try s.client()
        let second = try s.client()
        let writer = try s.client()
        #expect(try writer.call("XADD", "bs", "1-1", "a", "1") == "$3\r\n1-1\r\n")
        first.send(TestClient.encode(["XREAD", "BLOCK", "0", "STREAMS", "bs", "$"]))
        try waitForBlocked(writer, 1)
        second.send(TestClient.encode(["XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "other", "bs", "$", "$"]))
        try waitForBlocked(writer, 2)
        #expect(try writer.call("XADD", "bs", "2-2", "b", "2") == "$3\r\n2-2\r\n")
        #expect(try first.readReplies(1) == StreamBlockingIntegrationTests.entry)
        #expect(try second.readReplies(1) == StreamBlockingIntegrationTests.entry)
        #expect(try writer.call("INFO", "clients").contains("blocked_clients:0\r\n"))
        // A timeout: a null array.
        #expect(try first.call("XREAD", "BLOCK", "20", "STREAMS", "bs", "$") == "*-1\r\n")
    }

    @Test("XREADGROUP BLOCK >: one waiter per entry, which lands in the PEL; a deleted key fails with NOGROUP",
          arguments: transports)
    func xreadgroupBlock(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let alice = try s.client()
        let bob = try s.client()
        let writer = try s.client()
        #expect(try writer.call("XGROUP", "CREATE", "bs", "g", "$", "MKSTREAM") == "+OK\r\n")
        alice.send(TestClient.encode(["XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "bs", ">"]))
        try waitForBlocked(writer, 1)
        bob.send(TestClient.encode(["XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "bs", ">"]))
        try waitForBlocked(writer, 2)
        #expect(try writer.call("XADD", "bs", "2-2", "b", "2") == "$3\r\n2-2\r\n")
        #expect(try alice.readReplies(1) == StreamBlockingIntegrationTests.entry)
        try waitForBlocked(writer, 1)
        #expect(try writer.call("XPENDING", "bs", "g") == "*4\r\n:1\r\n$3\r\n2-2\r\n$3\r\n2-2\r\n*1\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n")
        #expect(try writer.call("DEL", "bs") == ":1\r\n")
        #expect(try bob.readReplies(1)
                == "-NOGROUP No such key 'bs' or consumer group 'g' in XREADGROUP with GROUP option\r\n")
        #expect(try writer.call("INFO", "clients").contains("blocked_clients:0\r\n"))
    }
}
