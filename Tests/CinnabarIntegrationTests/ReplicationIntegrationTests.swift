// The replication stream over TCP on both transports, read as Redis's test suite reads it: SYNC returns the RDB
// image as a bulk without a trailing CRLF, then the exact propagated commands (SELECT, MULTI/EXEC around
// transactions and scripts, the PXAT form of a relative expiry, an expired key as DEL). PSYNC answers
// +FULLRESYNC or, from the backlog, +CONTINUE; WAIT counts REPLCONF ACKs; min-replicas-to-write refuses writes.
import CinnabarCommands
import CinnabarServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Replication over TCP", .serialized)
struct ReplicationIntegrationTests {
    static func command(_ args: String...) -> String {
        String(decoding: TestClient.encode(args), as: UTF8.self)
    }

    /// Reads `text.utf8.count` bytes of the stream as text.
    static func read(_ replica: TestClient, like text: String) throws -> String {
        String(decoding: try replica.readBytes(text.utf8.count), as: UTF8.self)
    }

    /// Attaches with SYNC and returns the RDB image.
    static func sync(_ replica: TestClient) throws -> [UInt8] {
        replica.send("SYNC\r\n")
        let header = try replica.readLine()
        #expect(header.hasPrefix("$"))
        return try replica.readBytes(Int(header.dropFirst())!)
    }

    @Test("SYNC: the RDB image, then the propagated commands exactly", arguments: transports)
    func syncStream(transport: String) throws {
        let s = try RunningServer(["enable-debug-command", "yes"], transport: transport)
        let c = try s.client()
        #expect(try c.call("SET", "before", "sync") == "+OK\r\n")
        let replica = try s.client()
        let image = try ReplicationIntegrationTests.sync(replica)
        // Version 10: the image holds only what RDB 10 defines, so Redis 7.0 replicas load it too.
        #expect(Array(image.prefix(9)) == Array("REDIS0010".utf8))
        #expect(String(decoding: image, as: UTF8.self).contains("before"))
        #expect(image[image.count - 9] == 255)  // EOF, then the CRC64

        #expect(try c.call("SELECT", "9") == "+OK\r\n")
        #expect(try c.call("SET", "foo", "bar") == "+OK\r\n")
        let set = ReplicationIntegrationTests.command("SELECT", "9") + ReplicationIntegrationTests.command("SET", "foo", "bar")
        #expect(try ReplicationIntegrationTests.read(replica, like: set) == set)

        _ = try c.call("MULTI")
        _ = try c.call("SET", "a", "1")
        _ = try c.call("INCR", "a")
        #expect(try c.call("EXEC") == "*2\r\n+OK\r\n:2\r\n")
        let multi = ReplicationIntegrationTests.command("MULTI") + ReplicationIntegrationTests.command("SET", "a", "1")
            + ReplicationIntegrationTests.command("INCR", "a") + ReplicationIntegrationTests.command("EXEC")
        #expect(try ReplicationIntegrationTests.read(replica, like: multi) == multi)

        #expect(try c.call("EVAL", "redis.call('set','x','1') redis.call('del','a') return 1", "0") == ":1\r\n")
        let eval = ReplicationIntegrationTests.command("MULTI") + ReplicationIntegrationTests.command("set", "x", "1")
            + ReplicationIntegrationTests.command("del", "a") + ReplicationIntegrationTests.command("EXEC")
        #expect(try ReplicationIntegrationTests.read(replica, like: eval) == eval)

        // A command that changes nothing is not propagated; a relative expiry becomes PXAT.
        #expect(try c.call("DEL", "missing") == ":0\r\n")
        #expect(try c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0") == "+OK\r\n")
        #expect(try c.call("SET", "e", "v", "PX", "1") == "+OK\r\n")
        let prefix = "*5\r\n$3\r\nSET\r\n$1\r\ne\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$13\r\n"
        #expect(try ReplicationIntegrationTests.read(replica, like: prefix) == prefix)
        _ = try replica.readBytes(15)  // the deadline's 13 digits and CRLF
        usleep(20_000)
        // The key expired: reading it deletes it, and the deletion is propagated as DEL.
        #expect(try c.call("GET", "e") == "$-1\r\n")
        let del = ReplicationIntegrationTests.command("DEL", "e")
        #expect(try ReplicationIntegrationTests.read(replica, like: del) == del)
        // PUBLISH reaches replicas (not the AOF), even with no subscriber.
        #expect(try c.call("PUBLISH", "ch", "msg") == ":0\r\n")
        let publish = ReplicationIntegrationTests.command("PUBLISH", "ch", "msg")
        #expect(try ReplicationIntegrationTests.read(replica, like: publish) == publish)
        _ = try c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")

        let info = try c.call("INFO", "replication")
        #expect(info.contains("connected_slaves:1\r\nslave0:ip=127.0.0.1,port=0,state=online,offset=0,"))
        #expect(info.contains("repl_backlog_active:1\r\n"))
        #expect(try c.call("CLIENT", "LIST", "TYPE", "replica").contains(" flags=S "))
    }

    @Test("PSYNC: FULLRESYNC with the offset, WAIT counts acknowledgements, +CONTINUE from the backlog",
          arguments: transports)
    func psync(transport: String) throws {
        let s = try RunningServer([], transport: transport)
        let c = try s.client()
        let replica = try s.client()
        #expect(try replica.call("REPLCONF", "listening-port", "6390") == "+OK\r\n")
        #expect(try replica.call("REPLCONF", "capa", "eof", "capa", "psync2") == "+OK\r\n")
        replica.send(TestClient.encode(["PSYNC", "?", "-1"]))
        let full = try replica.readLine().split(separator: " ")
        #expect(full.count == 3 && full[0] == "+FULLRESYNC" && full[2] == "0")
        let replid = String(full[1])
        _ = try replica.readBytes(Int(try replica.readLine().dropFirst())!)

        #expect(try c.call("SET", "k", "v") == "+OK\r\n")
        let set = ReplicationIntegrationTests.command("SELECT", "0") + ReplicationIntegrationTests.command("SET", "k", "v")
        #expect(try ReplicationIntegrationTests.read(replica, like: set) == set)
        let offset = set.utf8.count
        #expect(try c.call("WAIT", "0", "0") == ":0\r\n")
        // WAIT blocks until the replica acknowledges; the master asks with REPLCONF GETACK.
        c.send(TestClient.encode(["WAIT", "1", "0"]))
        let getack = ReplicationIntegrationTests.command("REPLCONF", "GETACK", "*")
        #expect(try ReplicationIntegrationTests.read(replica, like: getack) == getack)
        replica.send(TestClient.encode(["REPLCONF", "ACK", String(offset)]))
        #expect(try c.readReplies(1) == ":1\r\n")
        #expect(try c.call("ROLE") == "*3\r\n$6\r\nmaster\r\n:\(offset + getack.utf8.count)\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$4\r\n6390\r\n$\(String(offset).count)\r\n\(offset)\r\n")
        #expect(try c.call("INFO", "replication").contains("slave0:ip=127.0.0.1,port=6390,state=online,offset=\(offset),"))

        // Another replica continues from offset+1 (just after the SET): the backlog has the rest.
        let second = try s.client()
        second.send(TestClient.encode(["PSYNC", replid, String(offset + 1)]))
        #expect(try second.readLine() == "+CONTINUE")
        #expect(try ReplicationIntegrationTests.read(second, like: getack) == getack)
        second.send(TestClient.encode(["PSYNC", "0000000000000000000000000000000000000000", "1"]))
        #expect(try c.call("INFO", "stats").contains("sync_full:1\r\nsync_partial_ok:1\r\nsync_partial_err:0\r\n"))
    }

    @Test("min-replicas-to-write: writes refused with NOREPLICAS, reads and scripts without writes allowed",
          arguments: transports)
    func minReplicas(transport: String) throws {
        let s = try RunningServer([], transport: transport)
        let c = try s.client()
        #expect(try c.call("SET", "x", "1") == "+OK\r\n")
        #expect(try c.call("CONFIG", "SET", "min-replicas-to-write", "1") == "+OK\r\n")
        #expect(try c.call("SET", "x", "2") == "-NOREPLICAS Not enough good replicas to write.\r\n")
        #expect(try c.call("GET", "x") == "$1\r\n1\r\n")
        #expect(try c.call("EVAL", "return redis.call('get','x')", "1", "x") == "$1\r\n1\r\n")
        #expect(try c.call("EVAL", "#!lua\nreturn redis.call('get','x')", "1", "x")
            == "-NOREPLICAS Not enough good replicas to write.\r\n")
        #expect(try c.call("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','x')", "1", "x") == "$1\r\n1\r\n")
        #expect(try c.call("INFO", "replication").contains("min_slaves_good_slaves:0\r\n"))
        // Inside a script, WAIT answers at once.
        #expect(try c.call("EVAL", "return redis.pcall('wait','1','0')", "0") == ":0\r\n")
        _ = try c.call("MULTI")
        #expect(try c.call("SET", "x", "3") == "-NOREPLICAS Not enough good replicas to write.\r\n")
        #expect(try c.call("EXEC").hasPrefix("-EXECABORT"))
        #expect(try c.call("CONFIG", "SET", "min-replicas-to-write", "0") == "+OK\r\n")
        #expect(try c.call("SET", "x", "4") == "+OK\r\n")
    }
}
