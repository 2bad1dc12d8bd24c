// maxmemory over TCP: filling past the limit under an eviction policy keeps used_memory at the limit and counts
// and publishes evictions; volatile policies touch only keys with a TTL; noeviction refuses deny-oom commands
// (reads and deletes still work) and a MULTI that queued one aborts. Memory eviction cannot reduce (the AOF buffer,
// the stream a replica has not read: mem_not_counted_for_evict) is not compared with maxmemory. maxmemory-clients
// given as a percentage of maxmemory closes a client past it.
import CinnabarCommands
import CinnabarServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("maxmemory and eviction", .serialized)
struct EvictionIntegrationTests {
    /// An INFO field as an integer.
    func info(_ c: TestClient, _ field: String) throws -> Int {
        let text = try c.call("INFO", "all")
        guard let line = text.split(separator: "\r\n").first(where: { $0.hasPrefix(field + ":") }) else { return -1 }
        return Int(line.dropFirst(field.count + 1)) ?? -1
    }

    /// Sets maxmemory to what the server uses now plus `headroom` bytes.
    func limit(_ c: TestClient, headroom: Int) throws -> Int {
        let limit = try info(c, "used_memory") + headroom
        #expect(try c.call("CONFIG", "SET", "maxmemory", String(limit)) == "+OK\r\n")
        return limit
    }

    /// Writes `count` keys of 100 bytes in pipelined batches of 500. Small batches matter: the server runs in this
    /// process, so the test's own buffers count in used_memory too.
    func fill(_ c: TestClient, prefix: String, count: Int, ttl: Bool = false) throws {
        var i = 0
        while i < count {
            var batch: [UInt8] = []
            for j in i..<min(i + 500, count) {
                batch += TestClient.encode(ttl ? ["SET", "\(prefix)\(j)", String(repeating: "v", count: 100), "EX", "1000"]
                                             : ["SET", "\(prefix)\(j)", String(repeating: "v", count: 100)])
            }
            c.send(batch)
            let replies = try c.readReplies(min(500, count - i))
            #expect(!replies.contains("-OOM"), "a write was refused")
            i += 500
        }
    }

    @Test("allkeys-lru keeps used_memory at the limit, counting and publishing evictions", arguments: transports)
    func allkeys(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try s.client()
        let sub = try s.client()
        #expect(try c.call("CONFIG", "SET", "notify-keyspace-events", "Ee") == "+OK\r\n")
        #expect(try sub.call("SUBSCRIBE", "__keyevent@0__:evicted").hasPrefix("*3"))
        let max = try limit(c, headroom: 4 << 20)
        #expect(try c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru") == "+OK\r\n")
        try fill(c, prefix: "k", count: 60_000)
        let used = try info(c, "used_memory")
        let evicted = try info(c, "evicted_keys")
        #expect(evicted > 0)
        #expect(used <= max + 512 * 1024, "used \(used) limit \(max)")
        // The first eviction was published.
        #expect(try sub.readReplies(1).hasPrefix("*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n"))
    }

    @Test("volatile-lru evicts only keys with a TTL", arguments: transports)
    func volatile(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try s.client()
        try fill(c, prefix: "keep", count: 1000)
        _ = try limit(c, headroom: 3 << 20)
        #expect(try c.call("CONFIG", "SET", "maxmemory-policy", "volatile-lru") == "+OK\r\n")
        try fill(c, prefix: "t", count: 50_000, ttl: true)
        #expect(try info(c, "evicted_keys") > 0)
        var batch: [UInt8] = []
        for i in 0..<1000 { batch += TestClient.encode(["EXISTS", "keep\(i)"]) }
        c.send(batch)
        #expect(try c.readReplies(1000) == String(repeating: ":1\r\n", count: 1000))
    }

    @Test("noeviction answers OOM to writes, keeps reads and deletes, and aborts a MULTI that queued a write",
          arguments: transports)
    func noeviction(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let c = try s.client()
        #expect(try c.call("SET", "present", "v") == "+OK\r\n")
        #expect(try c.call("CONFIG", "SET", "maxmemory", "1") == "+OK\r\n")
        let oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n"
        #expect(try c.call("SET", "k", "v") == oom)
        #expect(try c.call("GET", "present") == "$1\r\nv\r\n")
        #expect(try c.call("MULTI") == "+OK\r\n")
        #expect(try c.call("GET", "present") == oom)
        #expect(try c.call("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
        #expect(try c.call("DEL", "present") == ":1\r\n")
        #expect(try info(c, "evicted_keys") == 0)
        #expect(try c.call("CONFIG", "SET", "maxmemory", "0") == "+OK\r\n")
        #expect(try c.call("SET", "k", "v") == "+OK\r\n")
    }

    @Test("mem_not_counted_for_evict is the AOF buffer while the AOF is on")
    func notCountedAOF() throws {
        let s = try RunningServer(["appendonly", "yes"])
        defer { RunningServer.removeDirectory(s.directory + "/appendonlydir") }
        let c = try s.client()
        #expect(try c.call("SET", "k", "v") == "+OK\r\n")
        let notCounted = try info(c, "mem_not_counted_for_evict")
        #expect(notCounted > 0)
        #expect(try info(c, "mem_aof_buffer") == notCounted)
        #expect(try c.call("CONFIG", "SET", "appendonly", "no") == "+OK\r\n")
        #expect(try info(c, "mem_not_counted_for_evict") == 0)
        #expect(try info(c, "mem_aof_buffer") == 0)
    }

    @Test("The stream a replica has not read is mem_not_counted_for_evict and does not make keys evicted")
    func notCountedReplica() throws {
        let s = try RunningServer()
        let c = try s.client()
        #expect(try info(c, "mem_not_counted_for_evict") == 0)
        let replica = try s.client()
        _ = try ReplicationIntegrationTests.sync(replica)
        // 40 MB of writes the replica never reads: past the sockets' buffers, the rest waits in the server.
        let value = String(repeating: "v", count: 10_000)
        for batch in 0..<40 {
            var bytes: [UInt8] = []
            for i in 0..<100 { bytes += TestClient.encode(["SET", "key:\(batch):\(i)", value]) }
            c.send(bytes)
            _ = try c.readReplies(100)
        }
        let notCounted = try info(c, "mem_not_counted_for_evict")
        #expect(notCounted > 16 << 20, "not counted: \(notCounted)")
        // A limit under used_memory but above what eviction counts: nothing is evicted.
        let used = try info(c, "used_memory")
        #expect(try c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random") == "+OK\r\n")
        #expect(try c.call("CONFIG", "SET", "maxmemory", String(used - notCounted / 2)) == "+OK\r\n")
        #expect(try c.call("SET", "probe", "x") == "+OK\r\n")
        #expect(try info(c, "evicted_keys") == 0)
        #expect(try c.call("DBSIZE") == ":4001\r\n")
        // Under what eviction counts, keys go.
        #expect(try c.call("CONFIG", "SET", "maxmemory", String(used - notCounted - (8 << 20))) == "+OK\r\n")
        #expect(try c.call("SET", "probe", "y") == "+OK\r\n")
        #expect(try info(c, "evicted_keys") > 0)
        #expect(try c.call("CONFIG", "SET", "maxmemory", "0") == "+OK\r\n")
    }

    @Test("maxmemory-clients as a percentage of maxmemory closes the client past it; without maxmemory it sets no limit")
    func clientEvictionPercentage() throws {
        let s = try RunningServer()
        let c = try s.client()
        #expect(try c.call("CLIENT", "NO-EVICT", "on") == "+OK\r\n")
        #expect(try c.call("CONFIG", "SET", "maxmemory-clients", "2%") == "+OK\r\n")
        #expect(try c.call("CONFIG", "GET", "maxmemory-clients") == "*2\r\n$17\r\nmaxmemory-clients\r\n$2\r\n2%\r\n")
        // An unfinished 8 MB argument: the query buffer holds what arrived so far.
        let big = try s.client()
        big.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$8000000\r\n")
        big.send([UInt8](repeating: UInt8(ascii: "x"), count: 6_000_000))
        usleep(400_000)  // four cron periods
        #expect(try info(c, "evicted_clients") == 0)
        // 2 % of 200 MB is 4 MB: the 6 MB query buffer is past it.
        #expect(try c.call("CONFIG", "SET", "maxmemory", "200mb") == "+OK\r\n")
        var evicted = 0
        for _ in 0..<50 where evicted == 0 {
            usleep(100_000)
            evicted = try info(c, "evicted_clients")
        }
        #expect(evicted == 1)
        #expect(big.isClosed())
        #expect(try c.call("PING") == "+PONG\r\n")
        #expect(try c.call("CONFIG", "SET", "maxmemory", "0") == "+OK\r\n")
    }
}
