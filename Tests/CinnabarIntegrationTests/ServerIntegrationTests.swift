// The real server over TCP: pipelining, protocol errors closing only the offending connection, inline commands,
// large values, many connections, maxclients, QUIT, idle timeouts, active expiry and MONITOR.
import CinnabarCommands
import CinnabarServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every behaviour is checked on both transports.
let transports = ["epoll", "nio"]

@Suite("Server over TCP", .serialized)
struct ServerIntegrationTests {
    @Test("Pipelined commands in one write are all answered in order", arguments: transports)
    func pipelining(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try s.client()
        var batch: [UInt8] = []
        for i in 0..<1000 { batch += TestClient.encode(["SET", "k\(i)", "\(i)"]) }
        batch += TestClient.encode(["GET", "k999"])
        c.send(batch)
        let replies = try c.readReplies(1001)
        #expect(replies == String(repeating: "+OK\r\n", count: 1000) + "$3\r\n999\r\n")
    }

    @Test("Pipelined large commands leave a read buffer of about one command, not the whole batch (epoll)")
    func readBufferStaysSmall() throws {
        let s = try RunningServer(transport: "epoll")
        let c = try s.client()
        // 50 RPUSH commands of 1 000 ten-byte elements (about 850 KB) in one write, read 16 KB at a time.
        var batch: [UInt8] = []
        for i in 0..<50 { batch += TestClient.encode(["RPUSH", "big"] + (0..<1000).map { "e\(100_000_000 + i * 1000 + $0)" }) }
        c.send(batch)
        let replies = try c.readReplies(50)
        #expect(replies.hasSuffix(":50000\r\n"))
        let info = try c.call("CLIENT", "INFO")
        let rbs = info.split(separator: " ").first { $0.hasPrefix("rbs=") }.flatMap { Int($0.dropFirst(4)) }
        // One 17 KB command plus the 16 KB read: the buffer never needs more than 64 KB.
        #expect(rbs != nil && rbs! <= 64 * 1024, "\(info)")
        #expect(try c.call("LLEN", "big") == ":50000\r\n")
    }

    @Test("Inline commands work like telnet input", arguments: transports)
    func inline(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try s.client()
        c.send("SET greeting \"hello world\"\r\nGET greeting\r\n")
        #expect(try c.readReplies(2) == "+OK\r\n$11\r\nhello world\r\n")
    }

    @Test("A protocol error replies Redis's text, closes that connection, and others keep working", arguments: transports)
    func protocolError(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let bad = try s.client()
        let good = try s.client()
        bad.send("*1\r\n$abc\r\n")
        #expect(try bad.readReplies(1) == "-ERR Protocol error: invalid bulk length\r\n")
        #expect(bad.isClosed())
        #expect(try good.call("PING") == "+PONG\r\n")
    }

    @Test("A 100 MB value arriving in many reads is stored and returned intact", arguments: transports)
    func largeValue(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try s.client()
        let size = 100 * 1024 * 1024
        var request = Array("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$\(size)\r\n".utf8)
        request += [UInt8](repeating: UInt8(ascii: "x"), count: size)
        request += [13, 10]
        c.send(request)
        #expect(try c.readReplies(1) == "+OK\r\n")
        #expect(try c.call("STRLEN", "big") == ":\(size)\r\n")
        #expect(try c.call("GETRANGE", "big", "-3", "-1") == "$3\r\nxxx\r\n")
    }

    @Test("A client disconnecting in the middle of a command leaves the server serving others", arguments: transports)
    func disconnectMidCommand(transport: String) throws {
        let s = try RunningServer(transport: transport)
        do {
            let c = try s.client()
            c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc")
        }
        let other = try s.client()
        #expect(try other.call("EXISTS", "k") == ":0\r\n")
        #expect(try other.call("PING") == "+PONG\r\n")
    }

    @Test("maxclients: the client over the limit gets Redis's error", arguments: transports)
    func maxClients(transport: String) throws {
        let s = try RunningServer(["maxclients", "2"], transport: transport)
        let a = try s.client()
        let b = try s.client()
        #expect(try a.call("PING") == "+PONG\r\n")
        #expect(try b.call("PING") == "+PONG\r\n")
        let c = try s.client()
        #expect(try c.readReplies(1) == "-ERR max number of clients reached\r\n")
        #expect(c.isClosed())
    }

    @Test("Many idle connections are accepted and all answer", arguments: transports)
    func manyConnections(transport: String) throws {
        let s = try RunningServer(transport: transport)
        var clients: [TestClient] = []
        for _ in 0..<500 { clients.append(try s.client()) }
        for c in clients { c.send(TestClient.encode(["PING"])) }
        for c in clients { #expect(try c.readReplies(1) == "+PONG\r\n") }
        #expect(try clients[0].call("INFO", "clients").contains("connected_clients:500"))
    }

    @Test("QUIT replies OK and then the server closes the connection", arguments: transports)
    func quit(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try s.client()
        #expect(try c.call("QUIT") == "+OK\r\n")
        #expect(c.isClosed())
    }

    @Test("Active expiry removes keys nobody reads", arguments: transports)
    func activeExpiry(transport: String) throws {
        let s = try RunningServer(["hz", "100"], transport: transport)
        let c = try s.client()
        for i in 0..<200 { _ = try c.call("SET", "k\(i)", "v", "PX", "50") }
        _ = try c.call("SET", "keep", "v")
        var size = ""
        for _ in 0..<100 {
            usleep(20_000)
            size = try c.call("DBSIZE")
            if size == ":1\r\n" { break }
        }
        #expect(size == ":1\r\n")
        #expect(try c.call("INFO", "stats").contains("expired_keys:200"))
    }

    @Test("timeout closes idle clients", arguments: transports)
    func idleTimeout(transport: String) throws {
        let s = try RunningServer(["timeout", "1", "hz", "50"], transport: transport)
        let c = try s.client()
        #expect(try c.call("PING") == "+PONG\r\n")
        var closed = false
        for _ in 0..<40 {
            usleep(100_000)
            if try s.client().call("CLIENT", "LIST").components(separatedBy: "\n").count <= 2 { closed = true; break }
        }
        #expect(closed)
    }

    @Test("MONITOR streams other clients' commands", arguments: transports)
    func monitor(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let m = try s.client()
        #expect(try m.call("MONITOR") == "+OK\r\n")
        let c = try s.client()
        _ = try c.call("SET", "key", "va\"l")
        let line = try m.readReplies(1)
        #expect(line.hasPrefix("+") && line.hasSuffix(" \"SET\" \"key\" \"va\\\"l\"\r\n"))
    }

    @Test("SHUTDOWN stops the server", arguments: transports)
    func shutdown(transport: String) throws {
        let config = Configuration()
        try config.set("cinnabar-transport", [transport], startup: true)
        try config.set("port", ["0"], startup: true)
        try config.set("bind", ["127.0.0.1"], startup: true)
        try config.set("loglevel", ["nothing"], startup: true)
        try config.set("dir", [RunningServer.makeTemporaryDirectory()], startup: true)
        let server = CinnabarServer(config: config, ephemeralPort: true)
        try server.start()
        let c = try TestClient(port: server.port)
        c.send(TestClient.encode(["SHUTDOWN", "NOSAVE"]))
        try server.wait()
        #expect(c.isClosed())
    }
}

extension String {
    func components(separatedBy separator: String) -> [Substring] {
        split(separator: separator, omittingEmptySubsequences: false)
    }
}
