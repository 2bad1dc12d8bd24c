// Tests for Database and Keyspace with a manual clock: set/get, TTLs (keepTTL, setExpire, removeExpire), lazy expiry and its hooks and statistics, paused expiry, hit/miss counters, take/delete, SWAPDB, the modification hook, detachAll (FLUSHALL ASYNC) and the release hooks of lazy freeing.
@testable import CinnabarStorage
import Testing

private func k(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A keyspace whose clock is set by hand.
private final class Fixture {
    let clock = KeyspaceClock()
    let keyspace: Keyspace
    var modified: [(db: Int, key: String)] = []
    var expired: [(db: Int, key: String)] = []

    init(databases: Int = 4, now: Int64 = 1_700_000_000_000) {
        clock.manualMilliseconds = now
        keyspace = Keyspace(databases: databases, clock: clock)
        keyspace.onKeyModified = { [unowned self] db, key in
            self.modified.append((db.id, String(decoding: key, as: UTF8.self)))
        }
        keyspace.onKeyExpired = { [unowned self] db, key in
            self.expired.append((db.id, String(decoding: key, as: UTF8.self)))
        }
    }

    var db: Database { keyspace.databases[0] }

    /// Moves the clock and refreshes the keyspace's cached time, as the server does before each batch.
    func advance(_ ms: Int64) {
        clock.manualMilliseconds! += ms
        keyspace.updateTime()
    }

    var now: Int64 { keyspace.now }
}

private func set(_ db: Database, _ key: String, _ value: String, keepTTL: Bool = false) -> Bool {
    k(key).withUnsafeBytes { kb in k(value).withUnsafeBytes { db.set(kb, Value(string: $0), keepTTL: keepTTL) } }
}

private func get(_ db: Database, _ key: String, options: LookupOptions = []) -> String? {
    guard let v = k(key).withUnsafeBytes({ db.get($0, options: options) }) else { return nil }
    return v.withStringBytes { String(decoding: $0, as: UTF8.self) }
}

private func find(_ db: Database, _ key: String, options: LookupOptions = []) -> Int? {
    k(key).withUnsafeBytes { db.find($0, options: options) }
}

private func expireTime(_ db: Database, _ key: String) -> Int64? { k(key).withUnsafeBytes { db.expireTime($0) } }
private func setExpire(_ db: Database, _ key: String, _ when: Int64) { k(key).withUnsafeBytes { db.setExpire($0, at: when) } }
private func removeExpire(_ db: Database, _ key: String) -> Bool { k(key).withUnsafeBytes { db.removeExpire($0) } }
private func delete(_ db: Database, _ key: String) -> Bool { k(key).withUnsafeBytes { db.delete($0) } }
private func isExpired(_ db: Database, _ key: String) -> Bool { k(key).withUnsafeBytes { db.isExpired($0) } }

@Suite("Database and Keyspace")
struct DatabaseTests {
    @Test("The keyspace takes its time from the manual clock and only refreshes it on updateTime")
    func manualClock() {
        let f = Fixture(now: 5_000)
        #expect(f.keyspace.now == 5_000)
        f.clock.manualMilliseconds = 9_000
        #expect(f.keyspace.now == 5_000)
        f.keyspace.updateTime()
        #expect(f.keyspace.now == 9_000)
        #expect(f.keyspace.lruClock == 9)
        #expect(f.keyspace.databases.map(\.id) == [0, 1, 2, 3])
    }

    @Test("set stores new keys and overwrites existing ones; get returns the value")
    func setAndGet() {
        let f = Fixture()
        #expect(set(f.db, "a", "1"))
        #expect(set(f.db, "b", "hello world, a string longer than 23 bytes"))
        #expect(!set(f.db, "a", "2"))
        #expect(get(f.db, "a") == "2")
        #expect(get(f.db, "b") == "hello world, a string longer than 23 bytes")
        #expect(get(f.db, "missing") == nil)
        #expect(f.db.count == 2)
        #expect(f.keyspace.totalKeys == 2)
        #expect(f.keyspace.databases[1].count == 0)
        let index = find(f.db, "a")!
        #expect(f.db.key(at: index) == Bytes("a"))
        #expect(f.db.keys.entry(index).pointee.value.integer == 2)
    }

    @Test("add inserts a key reported missing and returns its index")
    func addKey() {
        let f = Fixture()
        let index = k("n").withUnsafeBytes { f.db.add($0, Value(integer: 41)) }
        #expect(f.db.key(at: index) == Bytes("n"))
        f.db.setValue(at: index, Value(integer: 42))
        #expect(get(f.db, "n") == "42")
        #expect(f.modified.map(\.key) == ["n"])
    }

    @Test("Overwriting a key drops its TTL unless keepTTL is set")
    func keepTTL() {
        let f = Fixture()
        _ = set(f.db, "k", "v1")
        setExpire(f.db, "k", f.now + 10_000)
        #expect(!set(f.db, "k", "v2", keepTTL: true))
        #expect(expireTime(f.db, "k") == f.now + 10_000)
        #expect(get(f.db, "k") == "v2")
        #expect(!set(f.db, "k", "v3"))
        #expect(expireTime(f.db, "k") == nil)
        #expect(f.db.expires.count == 0)
        #expect(get(f.db, "k") == "v3")
    }

    @Test("setExpire sets and updates a deadline, expireTime reads it and removeExpire clears it")
    func expireAPI() {
        let f = Fixture()
        _ = set(f.db, "k", "v")
        #expect(expireTime(f.db, "k") == nil)
        #expect(!removeExpire(f.db, "k"))
        setExpire(f.db, "k", f.now + 500)
        #expect(expireTime(f.db, "k") == f.now + 500)
        setExpire(f.db, "k", f.now + 800)
        #expect(expireTime(f.db, "k") == f.now + 800)
        #expect(f.db.expires.count == 1)
        #expect(removeExpire(f.db, "k"))
        #expect(expireTime(f.db, "k") == nil)
        #expect(f.db.expires.count == 0)
        f.advance(10_000)
        #expect(get(f.db, "k") == "v")
    }

    @Test("A key lives through the millisecond of its deadline and expires once the clock passes it")
    func deadlineBoundary() {
        let f = Fixture()
        _ = set(f.db, "k", "v")
        setExpire(f.db, "k", f.now + 100)
        f.advance(99)
        #expect(get(f.db, "k") == "v")
        #expect(!isExpired(f.db, "k"))
        f.advance(1)  // now == deadline
        #expect(get(f.db, "k") == "v")
        #expect(!isExpired(f.db, "k"))
        f.advance(1)
        #expect(isExpired(f.db, "k"))
        #expect(get(f.db, "k") == nil)
    }

    @Test("An expired key is reported missing by find, deleted, counted and reported to onKeyExpired")
    func lazyExpiry() {
        let f = Fixture()
        _ = set(f.db, "gone", "v")
        _ = set(f.db, "stays", "v")
        setExpire(f.db, "gone", f.now + 1_000)
        setExpire(f.db, "stays", f.now + 5_000)
        let dirtyBefore = f.keyspace.dirty
        f.modified.removeAll()
        f.advance(2_000)
        #expect(f.db.count == 2)  // nothing happens until a lookup
        #expect(find(f.db, "gone") == nil)
        #expect(f.db.count == 1)
        #expect(f.db.expires.count == 1)
        #expect(f.keyspace.stats.expiredKeys == 1)
        #expect(f.keyspace.stats.keyspaceMisses == 1)
        #expect(f.keyspace.stats.keyspaceHits == 0)
        #expect(f.expired.map(\.key) == ["gone"])
        #expect(f.expired.map(\.db) == [0])
        #expect(f.keyspace.dirty == dirtyBefore + 1)
        #expect(f.modified.isEmpty)
        #expect(k("gone").withUnsafeBytes { f.db.keys.find($0, hash: keyHash($0)) } == nil)
        // A second lookup is an ordinary miss.
        #expect(find(f.db, "gone") == nil)
        #expect(f.keyspace.stats.expiredKeys == 1)
        #expect(f.keyspace.stats.keyspaceMisses == 2)
        #expect(get(f.db, "stays") == "v")
        #expect(f.keyspace.stats.keyspaceHits == 1)
    }

    @Test("With .noExpire or paused expiry an expired key is reported missing but not deleted")
    func noExpireAndPaused() {
        let f = Fixture()
        _ = set(f.db, "k", "v")
        setExpire(f.db, "k", f.now + 10)
        f.advance(20)
        #expect(find(f.db, "k", options: .noExpire) == nil)
        #expect(f.db.count == 1)
        #expect(f.keyspace.stats.expiredKeys == 0)
        #expect(f.keyspace.stats.keyspaceMisses == 1)
        f.keyspace.isExpiryPaused = true
        #expect(find(f.db, "k") == nil)
        #expect(get(f.db, "k") == nil)
        #expect(f.db.count == 1)
        #expect(f.db.expires.count == 1)
        #expect(f.keyspace.stats.expiredKeys == 0)
        #expect(f.expired.isEmpty)
        #expect(isExpired(f.db, "k"))
        f.keyspace.isExpiryPaused = false
        #expect(find(f.db, "k") == nil)
        #expect(f.db.count == 0)
        #expect(f.keyspace.stats.expiredKeys == 1)
        #expect(f.expired.map(\.key) == ["k"])
    }

    @Test("Hits and misses are counted per lookup unless .noStats is given")
    func hitsAndMisses() {
        let f = Fixture()
        _ = set(f.db, "a", "1")
        _ = find(f.db, "a")
        _ = find(f.db, "a")
        _ = find(f.db, "b")
        #expect(f.keyspace.stats.keyspaceHits == 2)
        #expect(f.keyspace.stats.keyspaceMisses == 1)
        _ = find(f.db, "a", options: .noStats)
        _ = find(f.db, "b", options: .noStats)
        #expect(f.keyspace.stats.keyspaceHits == 2)
        #expect(f.keyspace.stats.keyspaceMisses == 1)
        // Writes do not count as lookups.
        _ = set(f.db, "c", "3")
        _ = delete(f.db, "c")
        #expect(f.keyspace.stats.keyspaceHits == 2)
        #expect(f.keyspace.stats.keyspaceMisses == 1)
    }

    @Test("A lookup refreshes the access time unless .noTouch is given")
    func touch() {
        let f = Fixture(now: 1_000_000)
        _ = set(f.db, "a", "1")
        let index = find(f.db, "a")!
        #expect(f.db.keys.entry(index).pointee.lru == 1000)
        f.advance(4_000_000)
        _ = find(f.db, "a", options: .noTouch)
        #expect(f.db.keys.entry(find(f.db, "a", options: [.noTouch, .noStats])!).pointee.lru == 1000)
        #expect(f.keyspace.idleMilliseconds(lru: 1000) == 4_000_000)
        _ = find(f.db, "a")
        #expect(f.db.keys.entry(find(f.db, "a", options: .noTouch)!).pointee.lru == 5000)
    }

    @Test("take removes a key with its deadline and returns both, without a modification signal")
    func take() {
        let f = Fixture()
        _ = set(f.db, "a", "1")
        _ = set(f.db, "b", "2")
        setExpire(f.db, "a", f.now + 777)
        f.modified.removeAll()
        let dirty = f.keyspace.dirty
        let taken = k("a").withUnsafeBytes { f.db.take($0) }
        #expect(taken?.value.value.integer == 1)
        #expect(taken?.expire == f.now + 777)
        #expect(f.db.count == 1)
        #expect(f.db.expires.count == 0)
        let persistent = k("b").withUnsafeBytes { f.db.take($0) }
        #expect(persistent?.value.value.integer == 2)
        #expect(persistent != nil && persistent!.expire == nil)
        #expect(k("b").withUnsafeBytes { f.db.take($0) } == nil)
        #expect(f.modified.isEmpty)
        #expect(f.keyspace.dirty == dirty)
    }

    @Test("delete removes the key and its deadline, reports whether it existed and signals the change")
    func deleteKey() {
        let f = Fixture()
        _ = set(f.db, "a", "1")
        setExpire(f.db, "a", f.now + 1000)
        let dirty = f.keyspace.dirty
        f.modified.removeAll()
        #expect(delete(f.db, "a"))
        #expect(!delete(f.db, "a"))
        #expect(f.db.count == 0)
        #expect(f.db.expires.count == 0)
        #expect(f.modified.map(\.key) == ["a"])
        #expect(f.keyspace.dirty == dirty + 1)
        // Re-creating the key does not resurrect the old deadline.
        _ = set(f.db, "a", "2")
        #expect(expireTime(f.db, "a") == nil)
    }

    @Test("onKeyModified fires with the database and key on every set and delete, and dirty counts them")
    func modifiedHook() {
        let f = Fixture()
        let db2 = f.keyspace.databases[2]
        _ = set(f.db, "x", "1")
        _ = set(f.db, "x", "2")
        _ = set(db2, "y", "3")
        _ = delete(db2, "y")
        _ = delete(db2, "nope")
        #expect(f.modified.map(\.key) == ["x", "x", "y", "y"])
        #expect(f.modified.map(\.db) == [0, 0, 2, 2])
        #expect(f.keyspace.dirty == 4)
        k("x").withUnsafeBytes { f.db.modified($0) }
        #expect(f.modified.count == 5)
        #expect(f.keyspace.dirty == 5)
    }

    @Test("swap exchanges two databases' contents; the Database objects and their ids stay in place")
    func swapDatabases() {
        let f = Fixture()
        let first = f.keyspace.databases[0]
        let third = f.keyspace.databases[2]
        _ = set(first, "in-zero", "0")
        _ = set(third, "in-two", "2")
        setExpire(third, "in-two", f.now + 50)
        f.keyspace.swap(0, 2)
        // Clients keep a reference to their selected Database; after SWAPDB it must show the other data.
        #expect(f.keyspace.databases[0] === first)
        #expect(f.keyspace.databases[2] === third)
        #expect(first.id == 0)
        #expect(third.id == 2)
        #expect(get(first, "in-two") == "2")
        #expect(get(f.keyspace.databases[0], "in-two") == "2")
        #expect(expireTime(f.keyspace.databases[0], "in-two") == f.now + 50)
        #expect(get(f.keyspace.databases[2], "in-zero") == "0")
        #expect(get(f.keyspace.databases[0], "in-zero") == nil)
        // Hooks see the new numbers.
        f.modified.removeAll()
        _ = set(f.keyspace.databases[2], "z", "1")
        #expect(f.modified.map(\.db) == [2])
        f.keyspace.swap(1, 1)
        #expect(f.keyspace.databases.map(\.id) == [0, 1, 2, 3])
    }

    @Test("flushAll and removeAll empty every database including deadlines")
    func flush() {
        let f = Fixture()
        for (i, db) in f.keyspace.databases.enumerated() {
            for j in 0..<50 {
                _ = set(db, "key\(j)", "\(i)")
                if j % 2 == 0 { setExpire(db, "key\(j)", f.now + 1000) }
            }
        }
        f.keyspace.databases[0].averageTTL = 123
        #expect(f.keyspace.totalKeys == 200)
        f.keyspace.databases[1].removeAll()
        #expect(f.keyspace.totalKeys == 150)
        #expect(f.keyspace.databases[1].expires.count == 0)
        f.keyspace.flushAll()
        #expect(f.keyspace.totalKeys == 0)
        #expect(f.keyspace.databases.allSatisfy { $0.expires.count == 0 })
        #expect(f.keyspace.databases[0].averageTTL == 0)
        #expect(get(f.db, "key0") == nil)
    }

    @Test("detachAll empties the database at once and hands back the old tables with every key and deadline")
    func detachAll() {
        let f = Fixture()
        for j in 0..<100 {
            _ = set(f.db, "key\(j)", "v\(j)")
            if j % 2 == 0 { setExpire(f.db, "key\(j)", f.now + 1000) }
        }
        f.db.averageTTL = 123
        let (keys, expires) = f.db.detachAll()
        #expect(f.db.count == 0 && f.db.expires.count == 0 && f.db.averageTTL == 0)
        #expect(get(f.db, "key7") == nil)
        #expect(keys.count == 100 && expires.count == 50)
        #expect(k("key7").withUnsafeBytes { keys.find($0, hash: keyHash($0)) } != nil)
        #expect(k("key8").withUnsafeBytes { expires.find($0, hash: keyHash($0)) } != nil)
        // The database goes on with fresh tables; the detached ones are not touched by it.
        _ = set(f.db, "key7", "new")
        #expect(f.db.count == 1 && keys.count == 100)
        #expect(get(f.db, "key7") == "new")
    }

    @Test("releaseRemoved receives the collections a delete or an overwrite removes, releaseExpired those expiry removes; strings never")
    func releaseHooks() {
        final class Seen { var removed: [ValueType] = []; var expired: [ValueType] = [] }
        let f = Fixture()
        let seen = Seen()
        func aSet() -> Value { Value(object: SetValue(encoding: .intset), type: .set) }
        // Without hooks everything is freed inline.
        k("a").withUnsafeBytes { _ = f.db.set($0, aSet()) }
        #expect(k("a").withUnsafeBytes { f.db.delete($0) })
        f.keyspace.state.releaseRemoved = { v in seen.removed.append(v.type) }
        f.keyspace.state.releaseExpired = { v in seen.expired.append(v.type) }
        k("a").withUnsafeBytes { _ = f.db.set($0, aSet()) }
        #expect(seen.removed.isEmpty)  // a new key removes nothing
        _ = set(f.db, "a", "string over a set")
        #expect(seen.removed == [.set])
        _ = set(f.db, "a", "string over a string")
        #expect(k("a").withUnsafeBytes { f.db.delete($0) })
        #expect(seen.removed == [.set])  // strings are never handed over
        k("b").withUnsafeBytes { _ = f.db.set($0, aSet()) }
        #expect(k("b").withUnsafeBytes { f.db.delete($0) })
        #expect(seen.removed == [.set, .set])
        // take (RENAME, MOVE, UNLINK) hands the value to the caller instead.
        k("t").withUnsafeBytes { _ = f.db.set($0, aSet()) }
        #expect(k("t").withUnsafeBytes { f.db.take($0) } != nil)
        #expect(seen.removed == [.set, .set])
        k("e").withUnsafeBytes { _ = f.db.set($0, aSet()) }
        setExpire(f.db, "e", f.now + 10)
        _ = set(f.db, "s", "v")
        setExpire(f.db, "s", f.now + 10)
        f.advance(20)
        #expect(get(f.db, "s") == nil)
        #expect(k("e").withUnsafeBytes { f.db.get($0) } == nil)
        #expect(seen.expired == [.set])
        #expect(seen.removed == [.set, .set])
    }

    @Test("Values set through the database keep their string encodings")
    func encodingsThroughDatabase() {
        let f = Fixture()
        _ = set(f.db, "i", "12345")
        _ = set(f.db, "s", "012345")
        _ = set(f.db, "l", String(repeating: "x", count: 50))
        #expect(k("i").withUnsafeBytes { f.db.get($0) }?.stringEncoding == "int")
        #expect(k("s").withUnsafeBytes { f.db.get($0) }?.stringEncoding == "embstr")
        #expect(k("l").withUnsafeBytes { f.db.get($0) }?.stringEncoding == "raw")
    }
}
