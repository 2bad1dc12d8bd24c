// In-process harness for command tests: a Server with a manual clock and a client, driven with argument arrays
// straight through the dispatcher. Replies are compared as exact RESP bytes (shown as Strings for readable
// failures), in RESP2 or RESP3.
import CinnabarCommands
import CinnabarStorage
import NIOCore

final class Harness {
    let clock = KeyspaceClock()
    let server: Server
    let client: Client

    /// A fresh server; `configure` edits the configuration before the server is created.
    init(resp3: Bool = false, configure: (Configuration) -> Void = { _ in }) {
        clock.manualMilliseconds = 1_700_000_000_000
        let config = Configuration()
        try! config.set("enable-debug-command", ["yes"], startup: true)
        // No save points: FLUSHALL would write dump.rdb into the working directory.
        try! config.set("save", [""], startup: true)
        configure(config)
        server = Server(config: config, clock: clock)
        server.keyspace.updateTime()
        client = server.connect(address: "127.0.0.1:50000", localAddress: "127.0.0.1:6379", fd: 8)!
        if resp3 { client.protocolVersion = 3 }
    }

    /// Runs one command and returns its raw reply.
    @discardableResult
    func callRaw(_ args: [String]) -> String {
        server.keyspace.updateTime()
        return String(decoding: server.call(args, client: client), as: UTF8.self)
    }

    @discardableResult
    func callRaw(_ args: String...) -> String { callRaw(args) }

    /// Runs a command with binary arguments and returns the raw reply bytes.
    func callBytes(_ args: [[UInt8]]) -> [UInt8] {
        server.keyspace.updateTime()
        let start = client.out.writerIndex
        server.execute(Arguments(args), client: client)
        let bytes = client.out.getBytes(at: start, length: client.out.writerIndex - start) ?? []
        client.out.moveWriterIndex(to: start)
        return bytes
    }

    /// Runs a command given as one space-separated line (no quoting).
    @discardableResult
    func callLine(_ line: String) -> String {
        callRaw(line.split(separator: " ").map(String.init))
    }

    /// Advances the manual clock.
    func advance(milliseconds: Int64) {
        clock.manualMilliseconds! += milliseconds
        server.keyspace.updateTime()
    }

    /// A second client on the same server.
    func newClient() -> Client {
        server.connect(address: "127.0.0.1:50001", localAddress: "127.0.0.1:6379", fd: 9)!
    }

    func call(_ other: Client, _ args: String...) -> String {
        String(decoding: server.call(args, client: other), as: UTF8.self)
    }
}

/// RESP helpers for expectations.
func bulk(_ s: String) -> String { "$\(s.utf8.count)\r\n\(s)\r\n" }
func int(_ n: Int) -> String { ":\(n)\r\n" }
func err(_ s: String) -> String { "-\(s)\r\n" }
let ok = "+OK\r\n"
let nullBulk = "$-1\r\n"
let null3 = "_\r\n"
func array(_ items: String...) -> String { "*\(items.count)\r\n" + items.joined() }
