// Propagation: the exact commands each executed command leaves for the AOF (Redis 7.2's rewrites of relative and
// non-deterministic commands, MULTI/EXEC and script wrapping, SELECT, expiry as DEL), read back from the AOF
// buffer the server fills while propagation is on.
@testable import CinnabarCommands
import CinnabarStorage
import Testing

@Suite("Propagation")
struct PropagationTests {
    /// A harness with propagation on (no file: the buffer keeps what would be written).
    func makeHarness() -> Harness {
        let h = Harness()
        // The AOF's status decides whether the sink writes to its buffer (replicas get the stream otherwise).
        h.server.aof.status = .on
        h.server.setPropagation(enabled: true)
        return h
    }

    /// The commands propagated since the last call, one line each, arguments joined by spaces.
    func drain(_ h: Harness) -> [String] {
        let a = h.server.aof
        var lines: [String] = []
        let outcome = a.buffer.withUnsafeBytes { raw in
            AOFReader.read(raw, from: 0) { args, _ in
                lines.append(args.map { String(decoding: raw[$0.offset..<($0.offset + $0.count)], as: UTF8.self) }
                    .joined(separator: " "))
                return true
            }
        }
        #expect(outcome == .complete)
        a.buffer.removeAll()
        return lines
    }

    var now: Int64 { 1_700_000_000_000 }

    @Test("plain writes are recorded with select first")
    func plainWritesAreRecordedWithSelectFirst() {
        let h = makeHarness()
        h.callLine("SET a 1")
        h.callLine("GET a")
        h.callLine("RPUSH l x y")
        #expect(drain(h) == ["SELECT 0", "SET a 1", "RPUSH l x y"])
    }

    @Test("commands that change nothing are not recorded")
    func commandsThatChangeNothingAreNotRecorded() {
        let h = makeHarness()
        h.callLine("SET a 1")
        _ = drain(h)
        h.callLine("SETNX a 2")
        h.callLine("DEL missing")
        h.callLine("SET a 3 XX GET")
        h.callLine("LPOP nolist")
        #expect(drain(h) == ["SET a 3 XX"])
    }

    @Test("select is emitted when the database changes")
    func selectIsEmittedWhenTheDatabaseChanges() {
        let h = makeHarness()
        h.callLine("SET a 1")
        h.callLine("SELECT 3")
        h.callLine("SET b 2")
        h.callLine("SET c 3")
        h.callLine("SELECT 0")
        h.callLine("SET d 4")
        #expect(drain(h) == ["SELECT 0", "SET a 1", "SELECT 3", "SET b 2", "SET c 3", "SELECT 0", "SET d 4"])
    }

    @Test("set with relative expiry becomes p x a t")
    func setWithRelativeExpiryBecomesPXAT() {
        let h = makeHarness()
        h.callLine("SET a v EX 100")
        h.callLine("SET b v PX 5000 NX")
        h.callLine("SET c v EXAT 1800000000")
        h.callLine("SET d v PXAT 1800000000123")
        h.callLine("SETEX e 10 v")
        h.callLine("PSETEX f 10 v")
        h.callLine("GETSET a w")
        h.callLine("SET a x GET")
        #expect(drain(h) == [
            "SELECT 0", "SET a v PXAT \(now + 100_000)", "SET b v PXAT \(now + 5000)", "SET c v PXAT 1800000000000",
            "SET d v PXAT 1800000000123", "SET e v PXAT \(now + 10_000)", "SET f v PXAT \(now + 10)", "SET a w",
            "SET a x",
        ])
    }

    @Test("expire family becomes p e x p i r e a t")
    func expireFamilyBecomesPEXPIREAT() {
        let h = makeHarness()
        h.callLine("MSET a 1 b 2 c 3 d 4")
        _ = drain(h)
        h.callLine("EXPIRE a 100")
        h.callLine("PEXPIRE b 100 NX")
        h.callLine("EXPIREAT c 1800000000")
        h.callLine("PEXPIREAT d 1800000000999")
        h.callLine("EXPIRE d 100 NX")
        h.callLine("EXPIRE c -1")
        #expect(drain(h) == [
            "PEXPIREAT a \(now + 100_000)", "PEXPIREAT b \(now + 100) NX", "PEXPIREAT c 1800000000000",
            "PEXPIREAT d 1800000000999", "DEL c",
        ])
    }

    @Test("getex getdel incrbyfloat and hincrbyfloat")
    func getexGetdelIncrbyfloatAndHincrbyfloat() {
        let h = makeHarness()
        h.callLine("MSET a 1 b 2 c 3")
        _ = drain(h)
        h.callLine("GETEX a EX 10")
        h.callLine("GETEX a PERSIST")
        h.callLine("GETEX a")
        h.callLine("GETEX b PXAT 1")
        h.callLine("GETDEL c")
        h.callLine("INCRBYFLOAT f 1.5")
        h.callLine("INCRBYFLOAT f 0.25")
        h.callLine("HINCRBYFLOAT h x 2.5")
        #expect(drain(h) == [
            "PEXPIREAT a \(now + 10_000)", "PERSIST a", "DEL b", "DEL c", "SET f 1.5 KEEPTTL", "SET f 1.75 KEEPTTL",
            "HSET h x 2.5",
        ])
    }

    @Test("spop becomes srem or del")
    func spopBecomesSremOrDel() {
        let h = makeHarness()
        h.callLine("SADD s a")
        h.callLine("SADD t a b c d e f g h i j")
        _ = drain(h)
        h.callLine("SPOP s")
        #expect(drain(h) == ["SREM s a"])
        h.callLine("SADD s a b")
        _ = drain(h)
        h.callLine("SPOP s 5")
        #expect(drain(h) == ["DEL s"])
        let reply = h.callLine("SPOP t 3")
        let lines = drain(h)
        #expect(lines.count == 1)
        let words = lines[0].split(separator: " ").map(String.init)
        #expect(Array(words.prefix(2)) == ["SREM", "t"])
        #expect(words.count == 5)
        for m in words.dropFirst(2) { #expect(reply.contains("\r\n\(m)\r\n")) }
        #expect(h.callLine("SCARD t") == int(7))
    }

    @Test("blocking and multi pops become plain pops")
    func blockingAndMultiPopsBecomePlainPops() {
        let h = makeHarness()
        h.callLine("RPUSH l a b c d")
        h.callLine("RPUSH m a b")
        h.callLine("ZADD z 1 a 2 b 3 c")
        _ = drain(h)
        h.callLine("BLPOP l 0")
        h.callLine("BRPOP l 0")
        h.callLine("LMPOP 1 l LEFT COUNT 5")
        h.callLine("BLMOVE m n LEFT RIGHT 0")
        h.callLine("BRPOPLPUSH m n 0")
        h.callLine("BZPOPMIN z 0")
        h.callLine("ZMPOP 1 z MAX COUNT 10")
        #expect(drain(h) == [
            "LPOP l", "RPOP l", "LPOP l 2", "LMOVE m n LEFT RIGHT", "RPOPLPUSH m n", "ZPOPMIN z", "ZPOPMAX z 2",
        ])
    }

    @Test("a blocked pop served later is propagated after the push")
    func aBlockedPopServedLaterIsPropagatedAfterThePush() {
        let h = makeHarness()
        let waiter = h.newClient()
        _ = h.call(waiter, "BLPOP", "q", "0")
        #expect(drain(h) == [])
        h.callLine("RPUSH q job")
        #expect(drain(h) == ["SELECT 0", "RPUSH q job", "LPOP q"])
    }

    @Test("lazy and active expiry propagate del")
    func lazyAndActiveExpiryPropagateDel() {
        let h = makeHarness()
        h.callLine("SET a 1 PX 100")
        h.callLine("SET b 1 PX 100")
        h.callLine("SET d 1 PX 100")
        h.callLine("SET c 1 PX 100")
        _ = drain(h)
        h.advance(milliseconds: 200)
        h.callLine("GET a")
        #expect(drain(h) == ["DEL a"])
        // A write that looks an expired key up: the DEL and the write form one unit, a transaction as in Redis
        // 7.2. (A plain SET overwrites without a lookup: only the SET.)
        h.callLine("INCR b")
        #expect(drain(h) == ["MULTI", "DEL b", "INCR b", "EXEC"])
        h.callLine("SET d 2")
        #expect(drain(h) == ["SET d 2"])
        h.server.keyspace.activeExpireCycle(kind: .slow, hz: 10, effort: 1)
        #expect(drain(h) == ["DEL c"])
    }

    @Test("transactions are wrapped only when they write more than once")
    func transactionsAreWrappedOnlyWhenTheyWriteMoreThanOnce() {
        let h = makeHarness()
        h.callLine("MULTI")
        h.callLine("INCR n")
        h.callLine("GET n")
        h.callLine("INCR n")
        h.callLine("EXEC")
        #expect(drain(h) == ["MULTI", "SELECT 0", "INCR n", "INCR n", "EXEC"])
        h.callLine("MULTI")
        h.callLine("INCR n")
        h.callLine("GET n")
        h.callLine("EXEC")
        #expect(drain(h) == ["INCR n"])
        h.callLine("MULTI")
        h.callLine("GET n")
        h.callLine("EXEC")
        #expect(drain(h) == [])
    }

    @Test("scripts propagate their effects not the script")
    func scriptsPropagateTheirEffectsNotTheScript() {
        let h = makeHarness()
        h.callRaw(["EVAL", "redis.call('set', KEYS[1], 'x'); redis.call('incr', 'n'); return redis.call('get', 'n')", "1", "k"])
        #expect(drain(h) == ["MULTI", "SELECT 0", "set k x", "incr n", "EXEC"])
        h.callRaw(["EVAL", "return redis.call('expire', 'k', 10)", "0"])
        #expect(drain(h) == ["PEXPIREAT k \(now + 10_000)"])
        h.callRaw(["EVAL", "return redis.call('get', 'k')", "0"])
        #expect(drain(h) == [])
    }

    @Test("functions propagate as themselves")
    func functionsPropagateAsThemselves() {
        let h = makeHarness()
        let code = "#!lua name=lib\nredis.register_function('f', function(keys, args) return redis.call('set', keys[1], args[1]) end)"
        h.callRaw(["FUNCTION", "LOAD", code])
        h.callRaw(["FCALL", "f", "1", "k", "v"])
        h.callRaw(["FUNCTION", "DELETE", "lib"])
        #expect(drain(h) == ["SELECT 0", "FUNCTION LOAD \(code)", "set k v", "FUNCTION DELETE lib"])
    }

    @Test("restore with relative t t l becomes absolute")
    func restoreWithRelativeTTLBecomesAbsolute() {
        let h = makeHarness()
        h.callLine("SET a hello")
        let dump = h.callBytes([Array("DUMP".utf8), Array("a".utf8)])
        // $<len>\r\n<payload>\r\n
        let headerEnd = dump.firstIndex(of: 10)! + 1
        let payload = Array(dump[headerEnd..<(dump.count - 2)])
        _ = drain(h)
        _ = h.callBytes([Array("RESTORE".utf8), Array("b".utf8), Array("5000".utf8), payload])
        let lines = drain(h)
        #expect(lines.count == 1)
        #expect(lines[0].hasPrefix("RESTORE b \(now + 5000) "))
        #expect(lines[0].hasSuffix(" ABSTTL"))
    }

    @Test("flushall is propagated even when empty")
    func flushallIsPropagatedEvenWhenEmpty() {
        let h = makeHarness()
        h.callLine("FLUSHALL")
        #expect(drain(h) == ["SELECT 0", "FLUSHALL"])
    }

    @Test("nothing is recorded with propagation off")
    func nothingIsRecordedWithPropagationOff() {
        let h = Harness()
        h.callLine("SET a 1 EX 10")
        #expect(h.server.aof.buffer.isEmpty)
    }
}
