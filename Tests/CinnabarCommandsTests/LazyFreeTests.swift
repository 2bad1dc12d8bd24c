// Lazy freeing (Server+LazyFree.swift) through the dispatcher: FLUSHALL / FLUSHDB ASYNC and lazyfree-lazy-user-flush
// swap the databases out at once and free them on the lazy-free thread, one object per key (checked by holding the
// thread while the keys are already gone); WATCH sees an asynchronous flush as a synchronous one; the
// lazyfree-lazy-server-del, -expire and -eviction options send the values the server removes on its own to the
// thread, and only them. "Handed over" is lazyfree_pending_objects + lazyfreed_objects: both are counted when the
// command hands a value over, before the thread runs.
@testable import CinnabarCommands
import Dispatch
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Lazy free", .serialized)
struct LazyFreeTests {
    /// Objects handed to the lazy-free thread so far.
    static func handed(_ h: Harness) -> Int { h.server.lazyFreeStats.pending + h.server.lazyFreeStats.freed }

    /// Waits (up to 10 s) until the lazy-free thread has nothing pending.
    static func waitForLazyFree(_ h: Harness) {
        for _ in 0..<10_000 where h.server.lazyFreeStats.pending > 0 { usleep(1000) }
    }

    /// A hash far above the lazy-free threshold (2,000 fields).
    static func bigHash(_ h: Harness, _ key: String) {
        h.callRaw("DEL", key)
        var args = ["HSET", key]
        for i in 0..<2000 { args += ["field:\(i)", "value:\(i)"] }
        #expect(h.callRaw(args) == int(2000))
    }

    static func info(_ h: Harness, _ field: String) -> Int {
        let text = h.callRaw("INFO", "all")
        guard let line = text.split(separator: "\r\n").first(where: { $0.hasPrefix(field + ":") }) else { return -1 }
        return Int(line.dropFirst(field.count + 1)) ?? -1
    }

    @Test("FLUSHALL ASYNC: every database is empty at once, and the old tables are freed on the lazy-free thread, one object per key")
    func flushallAsync() {
        let h = Harness()
        h.callRaw("MSET", "a", "1", "b", "2")
        LazyFreeTests.bigHash(h, "big")
        h.callRaw("PEXPIRE", "a", "100000")
        h.callRaw("SELECT", "3")
        h.callRaw("SET", "c", "3")
        // Hold the thread: the keys must be gone while nothing has been freed yet.
        lazyFreeQueue.suspend()
        #expect(h.callRaw("FLUSHALL", "ASYNC") == ok)
        #expect(h.callRaw("DBSIZE") == int(0))
        #expect(h.callRaw("EXISTS", "c") == int(0))
        h.callRaw("SELECT", "0")
        #expect(h.callRaw("DBSIZE") == int(0))
        #expect(h.callRaw("HLEN", "big") == int(0))
        #expect(h.callRaw("TTL", "a") == int(-2))
        #expect(LazyFreeTests.info(h, "lazyfree_pending_objects") == 4)
        #expect(LazyFreeTests.info(h, "lazyfreed_objects") == 0)
        // The emptied databases work as before while the old tables wait.
        #expect(h.callRaw("SET", "a", "new") == ok)
        #expect(h.callRaw("GET", "a") == bulk("new"))
        lazyFreeQueue.resume()
        LazyFreeTests.waitForLazyFree(h)
        #expect(LazyFreeTests.info(h, "lazyfree_pending_objects") == 0)
        #expect(LazyFreeTests.info(h, "lazyfreed_objects") == 4)
        #expect(h.callRaw("GET", "a") == bulk("new"))
        // An empty dataset hands nothing over.
        h.callRaw("FLUSHALL", "SYNC")
        #expect(h.callRaw("FLUSHALL", "ASYNC") == ok)
        #expect(LazyFreeTests.handed(h) == 4)
    }

    @Test("FLUSHDB ASYNC empties only the selected database; WATCH and blocked clients see it as a synchronous flush")
    func flushdbAsync() {
        let h = Harness()
        h.callRaw("SET", "kept", "1")
        h.callRaw("SELECT", "1")
        h.callRaw("SET", "a", "1")
        LazyFreeTests.bigHash(h, "big")
        let watcher = h.newClient()
        _ = h.call(watcher, "SELECT", "1")
        #expect(h.call(watcher, "WATCH", "a") == ok)
        #expect(h.callRaw("FLUSHDB", "ASYNC") == ok)
        #expect(LazyFreeTests.handed(h) == 2)
        #expect(h.callRaw("DBSIZE") == int(0))
        #expect(h.call(watcher, "MULTI") == ok)
        #expect(h.call(watcher, "SET", "a", "2") == "+QUEUED\r\n")
        #expect(h.call(watcher, "EXEC") == "*-1\r\n")
        h.callRaw("SELECT", "0")
        #expect(h.callRaw("GET", "kept") == bulk("1"))
        #expect(h.callRaw("FLUSHDB", "ASYNC") == ok)
        LazyFreeTests.waitForLazyFree(h)
        #expect(LazyFreeTests.info(h, "lazyfreed_objects") == 3)
    }

    @Test("lazyfree-lazy-user-flush makes plain FLUSHALL and FLUSHDB asynchronous; SYNC still flushes inline")
    func userFlush() {
        let h = Harness()
        #expect(h.callRaw("CONFIG", "GET", "lazyfree-lazy-user-flush") == array(bulk("lazyfree-lazy-user-flush"), bulk("no")))
        h.callRaw("MSET", "a", "1", "b", "2")
        #expect(h.callRaw("FLUSHALL") == ok)
        #expect(h.callRaw("DBSIZE") == int(0))
        #expect(LazyFreeTests.handed(h) == 0)
        #expect(h.callRaw("CONFIG", "SET", "lazyfree-lazy-user-flush", "yes") == ok)
        h.callRaw("MSET", "a", "1", "b", "2")
        #expect(h.callRaw("FLUSHDB") == ok)
        #expect(LazyFreeTests.handed(h) == 2)
        h.callRaw("MSET", "a", "1", "b", "2", "c", "3")
        #expect(h.callRaw("FLUSHALL") == ok)
        #expect(LazyFreeTests.handed(h) == 5)
        h.callRaw("MSET", "a", "1", "b", "2")
        #expect(h.callRaw("FLUSHALL", "SYNC") == ok)
        h.callRaw("MSET", "a", "1", "b", "2")
        #expect(h.callRaw("FLUSHDB", "SYNC") == ok)
        #expect(h.callRaw("DBSIZE") == int(0))
        #expect(LazyFreeTests.handed(h) == 5)
        #expect(h.callRaw("FLUSHDB", "ASYNC", "SYNC") == err("ERR syntax error"))
        #expect(h.callRaw("FLUSHALL", "LAZY") == err("ERR syntax error"))
    }

    @Test("A large client-tracking table is dropped on the lazy-free thread by FLUSHALL ASYNC, one object per tracked key")
    func trackingTable() {
        let h = Harness(resp3: true)
        #expect(h.callRaw("CLIENT", "TRACKING", "on") == ok)
        for i in 0..<100 { h.callRaw("GET", "key:\(i)") }
        h.callRaw("SET", "x", "1")
        // The tracking client is told about the flush with a null invalidation, after the reply.
        let flushed = ok + ">2\r\n$10\r\ninvalidate\r\n_\r\n"
        #expect(h.callRaw("FLUSHALL", "ASYNC") == flushed)
        #expect(LazyFreeTests.handed(h) == 101)  // the key x and the 100 tracked keys
        // A small table is freed inline.
        for i in 0..<10 { h.callRaw("GET", "key:\(i)") }
        #expect(h.callRaw("FLUSHALL", "ASYNC") == flushed)
        #expect(LazyFreeTests.handed(h) == 101)
    }

    @Test("lazyfree-lazy-server-del: values replaced or deleted by SET, RENAME, COPY, RESTORE, *STORE and SPOP, and SUNION/ZUNION results, go to the lazy-free thread")
    func serverDel() {
        let h = Harness()
        func check(_ expected: Int, _ sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(LazyFreeTests.handed(h) == expected, sourceLocation: sourceLocation)
        }
        // Off (the default): nothing is handed over.
        LazyFreeTests.bigHash(h, "h")
        #expect(h.callRaw("SET", "h", "x") == ok)
        check(0)
        #expect(h.callRaw("CONFIG", "SET", "lazyfree-lazy-server-del", "yes") == ok)
        LazyFreeTests.bigHash(h, "h")
        #expect(h.callRaw("SET", "h", "x") == ok)
        check(1)
        #expect(h.callRaw("SET", "h", "y") == ok)  // a string over a string: inline
        check(1)
        LazyFreeTests.bigHash(h, "h")
        LazyFreeTests.bigHash(h, "h2")
        #expect(h.callRaw("RENAME", "h2", "h") == ok)
        check(2)
        #expect(h.callRaw("HLEN", "h") == int(2000))
        h.callRaw("SET", "s", "v")
        #expect(h.callRaw("COPY", "s", "h", "REPLACE") == int(1))
        check(3)
        LazyFreeTests.bigHash(h, "h")
        let dump = h.callBytes([Array("DUMP".utf8), Array("s".utf8)])
        let payload = Array(dump.split(separator: UInt8(ascii: "\n"), maxSplits: 1)[1].dropLast(2))
        #expect(h.callBytes([Array("RESTORE".utf8), Array("h".utf8), Array("0".utf8), payload, Array("REPLACE".utf8)]) == Array(ok.utf8))
        check(4)
        var members = ["SADD", "src"]
        for i in 0..<3000 { members.append("member:\(i)") }
        h.callRaw(members)
        #expect(h.callRaw("SUNIONSTORE", "dst", "src") == int(3000))
        check(4)
        #expect(h.callRaw("SUNIONSTORE", "dst", "src") == int(3000))  // replaces the first result
        check(5)
        #expect(h.callRaw("SINTERSTORE", "dst", "src", "missing") == int(0))  // deletes the destination
        check(6)
        #expect(h.callRaw("SUNION", "src", "missing").hasPrefix("*3000\r\n"))  // the temporary result
        check(7)
        var scored = ["ZADD", "z"]
        for i in 0..<3000 { scored += [String(i), "member:\(i)"] }
        h.callRaw(scored)
        #expect(h.callRaw("ZUNION", "1", "z").hasPrefix("*3000\r\n"))
        check(8)
        #expect(h.callRaw("ZUNIONSTORE", "z2", "1", "z") == int(3000))
        #expect(h.callRaw("ZUNIONSTORE", "z2", "1", "z") == int(3000))
        check(9)
        var items = ["RPUSH", "l"]
        for i in 0..<3000 { items.append("item:\(i)") }
        h.callRaw(items)
        #expect(h.callRaw("SORT", "l", "ALPHA", "STORE", "l2") == int(3000))
        #expect(h.callRaw("SORT", "l", "ALPHA", "STORE", "l2") == int(3000))
        check(10)
        // SPOP of most members keeps the rest in a new set: the old one is released like a delete.
        #expect(h.callRaw("SPOP", "src", "2900").hasPrefix("*2900\r\n"))
        check(11)
        // DEL and UNLINK are the user's deletes: DEL stays inline (lazyfree-lazy-user-del is off).
        LazyFreeTests.bigHash(h, "h3")
        #expect(h.callRaw("DEL", "h3") == int(1))
        check(11)
        LazyFreeTests.waitForLazyFree(h)
        #expect(LazyFreeTests.info(h, "lazyfreed_objects") == 11)
        #expect(h.callRaw("CONFIG", "SET", "lazyfree-lazy-server-del", "no") == ok)
        LazyFreeTests.bigHash(h, "h")
        #expect(h.callRaw("SET", "h", "x") == ok)
        check(11)
    }

    @Test("lazyfree-lazy-expire: a large key removed by lazy expiry, active expiry or an EXPIRE in the past goes to the lazy-free thread")
    func lazyExpire() {
        let h = Harness()
        LazyFreeTests.bigHash(h, "e")
        h.callRaw("PEXPIRE", "e", "100")
        h.advance(milliseconds: 200)
        #expect(h.callRaw("EXISTS", "e") == int(0))
        #expect(LazyFreeTests.handed(h) == 0)  // off by default
        #expect(h.callRaw("CONFIG", "SET", "lazyfree-lazy-expire", "yes") == ok)
        LazyFreeTests.bigHash(h, "e")
        h.callRaw("PEXPIRE", "e", "100")
        h.advance(milliseconds: 200)
        #expect(h.callRaw("HLEN", "e") == int(0))
        #expect(LazyFreeTests.handed(h) == 1)
        LazyFreeTests.bigHash(h, "e")
        h.callRaw("PEXPIRE", "e", "100")
        h.advance(milliseconds: 200)
        h.server.keyspace.activeExpireCycle(kind: .slow, hz: 10)
        #expect(h.server.keyspace.databases[0].count == 0)
        #expect(LazyFreeTests.handed(h) == 2)
        LazyFreeTests.bigHash(h, "e")
        #expect(h.callRaw("EXPIRE", "e", "-1") == int(1))
        #expect(LazyFreeTests.handed(h) == 3)
        // Small values and strings are freed inline.
        h.callRaw("HSET", "small", "f", "v")
        h.callRaw("SET", "str", "v")
        h.callRaw("PEXPIRE", "small", "100")
        h.callRaw("PEXPIRE", "str", "100")
        h.advance(milliseconds: 200)
        #expect(h.callRaw("EXISTS", "small", "str") == int(0))
        #expect(LazyFreeTests.handed(h) == 3)
        #expect(h.server.keyspace.stats.expiredKeys == 5)
    }

    @Test("lazyfree-lazy-eviction: evicted values go to the lazy-free thread, and their pending bytes no longer count as used")
    func lazyEviction() {
        let h = Harness()
        for i in 0..<3 { LazyFreeTests.bigHash(h, "big\(i)") }
        h.callRaw("SET", "small", "v")
        #expect(h.callRaw("CONFIG", "SET", "maxmemory-policy", "allkeys-random") == ok)
        #expect(h.callRaw("CONFIG", "SET", "lazyfree-lazy-eviction", "yes") == ok)
        lazyFreeQueue.suspend()
        // A limit nothing fits under: everything is evicted, the three big hashes through the thread.
        #expect(h.callRaw("CONFIG", "SET", "maxmemory", "1") == ok)
        #expect(h.callRaw("DBSIZE") == int(0))
        #expect(h.server.lazyFreeStats.pending == 3)
        #expect(h.server.lazyFreeStats.pendingBytes >= 3 * lazyFreeHeapThreshold)
        lazyFreeQueue.resume()
        LazyFreeTests.waitForLazyFree(h)
        #expect(h.server.lazyFreeStats.pendingBytes == 0)
        #expect(LazyFreeTests.info(h, "lazyfreed_objects") == 3)
        #expect(LazyFreeTests.info(h, "evicted_keys") >= 4)
        // Off: eviction frees inline.
        #expect(h.callRaw("CONFIG", "SET", "maxmemory", "0") == ok)
        #expect(h.callRaw("CONFIG", "SET", "lazyfree-lazy-eviction", "no") == ok)
        LazyFreeTests.bigHash(h, "big")
        #expect(h.callRaw("CONFIG", "SET", "maxmemory", "1") == ok)
        #expect(h.callRaw("DBSIZE") == int(0))
        #expect(LazyFreeTests.handed(h) == 3)
        #expect(h.callRaw("CONFIG", "SET", "maxmemory", "0") == ok)
    }

    @Test("lazyfree options are all off by default and CONFIG SET / GET round-trips them")
    func options() {
        let h = Harness()
        for name in ["lazyfree-lazy-eviction", "lazyfree-lazy-expire", "lazyfree-lazy-server-del",
                     "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush", "replica-lazy-flush"] {
            #expect(h.callRaw("CONFIG", "GET", name) == array(bulk(name), bulk("no")))
            #expect(h.callRaw("CONFIG", "SET", name, "yes") == ok)
            #expect(h.callRaw("CONFIG", "GET", name) == array(bulk(name), bulk("yes")))
            #expect(h.callRaw("CONFIG", "SET", name, "maybe")
                    == err("ERR CONFIG SET failed (possibly related to argument '\(name)') - argument must be 'yes' or 'no'"))
        }
        #expect(h.callRaw("CONFIG", "GET", "slave-lazy-flush") == array(bulk("slave-lazy-flush"), bulk("yes")))
        #expect(h.server.config.lazyfreeEviction && h.server.config.lazyfreeExpire && h.server.config.lazyfreeServerDel)
        #expect(h.server.config.lazyfreeUserDel && h.server.config.lazyfreeUserFlush)
    }
}
