// Tests for Keyspace.activeExpireCycle: expired keys are reclaimed without lookups, live and persistent keys survive, statistics and the onKeyExpired hook are kept, the time budget and effort are honoured, and paused expiry deletes nothing.
@testable import CinnabarStorage
import Testing

private func k(_ s: String) -> [UInt8] { Array(s.utf8) }

private final class ExpireFixture {
    let clock = KeyspaceClock()
    let keyspace: Keyspace
    var expired: [String] = []

    init(databases: Int = 2) {
        clock.manualMilliseconds = 1_700_000_000_000
        keyspace = Keyspace(databases: databases, clock: clock)
        keyspace.random = FastRandom(seed: 42)
        keyspace.onKeyExpired = { [unowned self] _, key in self.expired.append(String(decoding: key, as: UTF8.self)) }
    }

    var now: Int64 { keyspace.now }

    func add(_ db: Database, _ key: String, expireAt: Int64?) {
        k(key).withUnsafeBytes { kb in
            _ = db.set(kb, Value(integer: 1))
            if let expireAt { db.setExpire(kb, at: expireAt) }
        }
    }

    func contains(_ db: Database, _ key: String) -> Bool {
        k(key).withUnsafeBytes { db.keys.find($0, hash: keyHash($0)) != nil }
    }

    /// Runs slow cycles (with a clock that never spends budget) until no expired deadline is left, at most `limit`.
    func runUntilClean(_ db: Database, limit: Int = 100_000) -> Int {
        var cycles = 0
        while cycles < limit && hasExpired(db) {
            keyspace.activeExpireCycle(kind: .slow, hz: 10, monotonicMicros: { 0 })
            cycles += 1
        }
        return cycles
    }

    func hasExpired(_ db: Database) -> Bool {
        for i in 0..<db.expires.count where db.expires.entry(i).pointee.value < now { return true }
        return false
    }
}

@Suite("Active expiry")
struct ActiveExpireTests {
    @Test("Repeated cycles delete every expired key without lookups and keep live and persistent keys")
    func reclaimsExpiredKeys() {
        let f = ExpireFixture()
        let db = f.keyspace.databases[0]
        var expiredKeys: Set<String> = []
        for i in 0..<10_000 {
            let name = "volatile:\(i)"
            if i % 10 == 0 {
                f.add(db, name, expireAt: f.now + 3_600_000)
            } else {
                f.add(db, name, expireAt: f.now - Int64(1 + i % 5000))
                expiredKeys.insert(name)
            }
        }
        for i in 0..<2_000 { f.add(db, "persistent:\(i)", expireAt: nil) }
        // A key at exactly its deadline is still alive.
        f.add(db, "boundary", expireAt: f.now)
        #expect(db.count == 12_001)

        let cycles = f.runUntilClean(db)
        #expect(cycles < 100_000)
        #expect(db.count == 3_001)
        #expect(db.expires.count == 1_001)
        #expect(f.keyspace.stats.expiredKeys == 9_000)
        #expect(Set(f.expired) == expiredKeys)
        #expect(f.expired.count == 9_000)
        // Active expiry is not a lookup.
        #expect(f.keyspace.stats.keyspaceHits == 0)
        #expect(f.keyspace.stats.keyspaceMisses == 0)
        for i in stride(from: 0, to: 10_000, by: 10) { #expect(f.contains(db, "volatile:\(i)")) }
        for i in 0..<2_000 { #expect(f.contains(db, "persistent:\(i)")) }
        #expect(f.contains(db, "boundary"))
        for name in expiredKeys.prefix(500) { #expect(!f.contains(db, name)) }
        // The TTL estimate only looks at live keys: a bit under an hour.
        #expect(db.averageTTL > 0 && db.averageTTL <= 3_600_000)
        #expect(f.keyspace.stats.expiredStalePercent > 0)
        #expect(f.keyspace.stats.expiredTimeCapReachedCount == 0)
    }

    @Test("A cycle keeps going while samples are mostly expired: one slow cycle clears a fully expired database")
    func adaptiveRepeat() {
        let f = ExpireFixture()
        let db = f.keyspace.databases[0]
        for i in 0..<5_000 { f.add(db, "k\(i)", expireAt: f.now - 1) }
        let timedOut = f.keyspace.activeExpireCycle(kind: .slow, hz: 10, monotonicMicros: { 0 })
        #expect(!timedOut)
        #expect(db.count == 0)
        #expect(db.expires.count == 0)
        #expect(f.keyspace.stats.expiredKeys == 5_000)
    }

    @Test("A cycle with a mostly live sample stops after one round")
    func stopsWhenStaleIsLow() {
        let f = ExpireFixture()
        let db = f.keyspace.databases[0]
        for i in 0..<1_000 { f.add(db, "live\(i)", expireAt: f.now + 60_000) }
        f.add(db, "dead", expireAt: f.now - 1)
        f.keyspace.activeExpireCycle(kind: .slow, hz: 10, monotonicMicros: { 0 })
        // At most one expired key exists, so at most one can have been removed, and live keys never are.
        #expect(db.count >= 1_000)
        #expect(db.expires.count >= 1_000)
        #expect(f.keyspace.stats.expiredKeys <= 1)
    }

    @Test("Every database with volatile keys is visited")
    func allDatabases() {
        let f = ExpireFixture(databases: 4)
        for (n, db) in f.keyspace.databases.enumerated() where n != 1 {
            for i in 0..<300 { f.add(db, "db\(n):\(i)", expireAt: f.now - 10) }
            f.add(db, "db\(n):live", expireAt: f.now + 10)
        }
        f.add(f.keyspace.databases[1], "persistent", expireAt: nil)
        for _ in 0..<1_000 where f.keyspace.databases.contains(where: { f.hasExpired($0) }) {
            f.keyspace.activeExpireCycle(kind: .slow, hz: 10, monotonicMicros: { 0 })
        }
        #expect(f.keyspace.databases.map(\.count) == [1, 1, 1, 1])
        #expect(f.keyspace.stats.expiredKeys == 900)
    }

    @Test("A fast cycle whose clock runs out of budget stops early, returns true and counts the time cap")
    func timeBudget() {
        let f = ExpireFixture()
        let db = f.keyspace.databases[0]
        for i in 0..<10_000 { f.add(db, "k\(i)", expireAt: f.now - 1) }
        var micros: Int64 = 0
        var reads = 0
        let timedOut = f.keyspace.activeExpireCycle(kind: .fast, hz: 10) {
            reads += 1
            defer { micros += 2_000 }
            return micros
        }
        #expect(timedOut)
        #expect(f.keyspace.stats.expiredTimeCapReachedCount == 1)
        // The budget is checked every 16 rounds of 20 samples; all samples were expired.
        #expect(f.keyspace.stats.expiredKeys == 16 * 20)
        #expect(db.count == 10_000 - 16 * 20)
        #expect(reads == 3)  // start, the check after 16 rounds, and the final duration
        #expect(f.keyspace.stats.expireCycleMicroseconds == 4_000)
        // A cycle with time to spare does not time out and does not count.
        let second = f.keyspace.activeExpireCycle(kind: .fast, hz: 10, monotonicMicros: { 0 })
        #expect(!second)
        #expect(f.keyspace.stats.expiredTimeCapReachedCount == 1)
        #expect(db.count == 0)
    }

    @Test("Higher effort samples more keys per round")
    func effort() {
        let f = ExpireFixture()
        let db = f.keyspace.databases[0]
        for i in 0..<10_000 { f.add(db, "k\(i)", expireAt: f.now - 1) }
        var micros: Int64 = 0
        let timedOut = f.keyspace.activeExpireCycle(kind: .fast, hz: 10, effort: 10) {
            defer { micros += 100_000 }
            return micros
        }
        #expect(timedOut)
        // effort 10: 20 + 5 * 9 = 65 keys per round, 16 rounds before the first budget check.
        #expect(f.keyspace.stats.expiredKeys == 16 * 65)
    }

    @Test("The slow cycle's budget is 25 % of a cron period at hz")
    func slowBudget() {
        let f = ExpireFixture()
        let db = f.keyspace.databases[0]
        for i in 0..<20_000 { f.add(db, "k\(i)", expireAt: f.now - 1) }
        var micros: Int64 = 0
        // hz 10: 100 ms period, 25 ms budget; each budget check sees 1 ms more.
        let timedOut = f.keyspace.activeExpireCycle(kind: .slow, hz: 10) {
            defer { micros += 1_000 }
            return micros
        }
        #expect(timedOut)
        // Checks see 1, 2, ... ms; the 26th (after 26 × 16 rounds) exceeds 25 ms.
        #expect(f.keyspace.stats.expiredKeys == 26 * 16 * 20)
    }

    @Test("With expiry paused a cycle deletes nothing and reports no timeout")
    func pausedExpiry() {
        let f = ExpireFixture()
        let db = f.keyspace.databases[0]
        for i in 0..<1_000 { f.add(db, "k\(i)", expireAt: f.now - 1) }
        f.keyspace.isExpiryPaused = true
        var reads = 0
        let timedOut = f.keyspace.activeExpireCycle(kind: .slow, hz: 10) {
            reads += 1
            return Int64(reads) * 1_000_000
        }
        #expect(!timedOut)
        #expect(db.count == 1_000)
        #expect(db.expires.count == 1_000)
        #expect(f.keyspace.stats.expiredKeys == 0)
        #expect(f.expired.isEmpty)
        f.keyspace.isExpiryPaused = false
        _ = f.runUntilClean(db)
        #expect(db.count == 0)
    }

    @Test("The cycle refreshes the keyspace time from the clock before sampling")
    func refreshesTime() {
        let f = ExpireFixture()
        let db = f.keyspace.databases[0]
        for i in 0..<100 { f.add(db, "k\(i)", expireAt: f.now + 1_000) }
        f.keyspace.activeExpireCycle(kind: .slow, hz: 10, monotonicMicros: { 0 })
        #expect(db.count == 100)
        f.clock.manualMilliseconds! += 1_001
        // No updateTime() here: the cycle reads the clock itself.
        f.keyspace.activeExpireCycle(kind: .slow, hz: 10, monotonicMicros: { 0 })
        #expect(f.keyspace.now == f.clock.manualMilliseconds)
        #expect(db.count == 0)
    }
}
