// One numbered database (SELECT n): the main table from keys to values and the expires table from volatile keys
// to their deadline in Unix milliseconds, as Redis keeps `db->dict` and `db->expires`. Every read and write of a
// key goes through the methods here, so lazy expiry, hit/miss counting, the dirty counter and (later) keyspace
// notifications, WATCH invalidation and propagation happen in one place instead of in each command.
// SPDX-License-Identifier: BSD-3-Clause

/// The hash of a key given as raw bytes, equal to `Bytes(key).keyHash` without building the `Bytes`.
@inlinable
public func keyHash(_ key: UnsafeRawBufferPointer) -> UInt64 {
    if key.count <= Bytes.inlineCapacity {
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { dst in
            if let src = key.baseAddress { dst.baseAddress!.copyMemory(from: src, byteCount: key.count) }
        }
        return mixWords(words.0, words.1, words.2 | UInt64(key.count) << 56)
    }
    return hashBytes(key, seed: 0x9E37_79B9_7F4A_7C15)
}

/// How a read treats the access (Redis's LOOKUP_* flags).
public struct LookupOptions: OptionSet, Sendable {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Don't update the key's access time (CLIENT NO-TOUCH, OBJECT, TYPE...).
    @inlinable public static var noTouch: LookupOptions { LookupOptions(rawValue: 1) }
    /// Don't count a keyspace hit or miss.
    @inlinable public static var noStats: LookupOptions { LookupOptions(rawValue: 2) }
    /// Don't expire the key even if it is logically expired (reads only report it missing).
    @inlinable public static var noExpire: LookupOptions { LookupOptions(rawValue: 4) }
}

public final class Database {
    public let id: Int
    public let keys = ValueTable()
    public let expires = ExpiresTable()
    /// Sum of TTLs seen by the last active-expire samples, for INFO keyspace's avg_ttl (Redis's estimate).
    public var averageTTL: Int64 = 0
    /// Keys whose hashes have field deadlines, for the active-expire cycle (Keyspace+FieldExpire.swift).
    public var volatileHashes = VolatileHashKeys()
    /// The keyspace's shared state (clock, statistics, hooks), held strongly: it references no database.
    @usableFromInline let keyspace: KeyspaceState
    /// Clients blocked on keys of this database (BLPOP, BZPOPMIN...): the command layer's wait queue per key.
    /// Storage only needs to know which keys have waiters, to signal them when a value arrives.
    public var blockingKeys: [Bytes: AnyObject] = [:]
    /// Keys with waiters that received a value since the blocked clients were last served, in signal order
    /// (Redis's ready_keys).
    public var readyKeys: [Bytes] = []

    init(id: Int, keyspace: KeyspaceState) {
        self.id = id
        self.keyspace = keyspace
    }

    public var count: Int { keys.count }

    /// SWAPDB: exchanges the keys, expires and statistics of two databases; the objects and their ids stay,
    /// so clients that selected a database see the other one's data, as in Redis.
    func swapContents(with other: Database) {
        if keyspace.isSaving { keyspace.snapshot?.databasesSwapped(id, other.id) }
        keys.swapContents(with: other.keys)
        expires.swapContents(with: other.expires)
        swap(&averageTTL, &other.averageTTL)
        swap(&volatileHashes, &other.volatileHashes)
        signalExistingWaitedKeys()
        other.signalExistingWaitedKeys()
    }

    // MARK: - Lookup

    /// Finds a live key: a key past its deadline is deleted here (lazy expiry) and reported missing.
    @inlinable
    public func find(_ key: UnsafeRawBufferPointer, options: LookupOptions = []) -> Int? {
        let h = keyHash(key)
        guard let index = keys.find(key, hash: h) else {
            if !options.contains(.noStats) { missed(key) }
            return nil
        }
        if expires.count > 0, let e = expires.find(key, hash: h) {
            let when = expires.entry(e).pointee.value
            // Expired once the clock is past the deadline (Redis keyIsExpired: `now > when`).
            if when < keyspace.now && !keyspace.isLoading {
                if options.contains(.noExpire) || keyspace.isExpiryPaused {
                    if !options.contains(.noStats) { missed(key) }
                    return nil
                }
                expireKey(index: index, expireIndex: e)
                if !options.contains(.noStats) { missed(key) }
                return nil
            }
        }
        // A running save takes the key's value before any command can change it (RDBSnapshot.swift).
        if keyspace.isSaving { snapshotBeforeWrite(index) }
        if !options.contains(.noStats) { keyspace.stats.keyspaceHits += 1 }
        if !options.contains(.noTouch) {
            let e = keys.entry(index)
            e.pointee.lru = keyspace.accessStamp(previous: e.pointee.lru)
        }
        return index
    }

    /// A read found no key: counts a keyspace miss and reports it (keyspace event "keymiss").
    @inlinable
    func missed(_ key: UnsafeRawBufferPointer) {
        keyspace.stats.keyspaceMisses += 1
        keyspace.onKeyMiss?(self, key)
    }

    /// The value of a live key, or nil.
    @inlinable
    public func get(_ key: UnsafeRawBufferPointer, options: LookupOptions = []) -> Value? {
        guard let i = find(key, options: options) else { return nil }
        return keys.entry(i).pointee.value
    }

    /// The value of the key at `index` (a copy).
    @inlinable
    public func value(at index: Int) -> Value { keys.entry(index).pointee.value }

    /// Replaces the value of the key at `index` in place (its TTL stays; no hooks run). Call ``modified(_:)``
    /// afterwards.
    @inlinable
    public func setValue(at index: Int, _ value: Value) {
        keys.entry(index).pointee.value = value
    }

    /// Lends the value of the key at `index` to `body` for in-place modification: the value is moved out of its
    /// entry for the call, so a heap string that only the key references can be changed without a copy. `body`
    /// must not touch the keyspace. Call ``modified(_:)`` afterwards.
    @inlinable
    public func withValue<R, E: Error>(at index: Int, _ body: (inout Value) throws(E) -> R) throws(E) -> R {
        let e = keys.entry(index)
        var v = e.pointee.takeValue()
        defer { e.pointee.putValue(v) }
        return try body(&v)
    }

    public func key(at index: Int) -> Bytes { keys.entry(index).pointee.key }

    // MARK: - Writes

    /// Sets a key to a value; an existing key keeps its TTL only when `keepTTL`. Returns true when the key is new.
    @inlinable
    @discardableResult
    public func set(_ key: UnsafeRawBufferPointer, _ value: Value, keepTTL: Bool = false) -> Bool {
        let h = keyHash(key)
        if let index = keys.find(key, hash: h) {
            if keyspace.isSaving { snapshotBeforeWrite(index) }
            let e = keys.entry(index)
            if let old = e.pointee.replaceValue(value), let release = keyspace.releaseRemoved, !old.isString {
                release(consume old)
            }
            e.pointee.lru = keyspace.accessStamp(previous: e.pointee.lru)
            if !keepTTL && expires.count > 0, let x = expires.find(key, hash: h) { expires.remove(at: x) }
            if value.type == .hash { noteHashStored(key, value) }
            modified(key)
            if !blockingKeys.isEmpty { signalKeyAsReady(key) }
            return false
        }
        keys.insert(KeyCell(key: key, value: value, lru: keyspace.newStamp, epoch: keyspace.saveEpoch), hash: h)
        if value.type == .hash { noteHashStored(key, value) }
        keyspace.onKeyAdded?(self, key)
        modified(key)
        if !blockingKeys.isEmpty { signalKeyAsReady(key) }
        return true
    }

    /// Adds a key that ``find(_:options:)`` just reported missing.
    @inlinable
    public func add(_ key: UnsafeRawBufferPointer, _ value: Value) -> Int {
        let index = keys.insert(
            KeyCell(key: key, value: value, lru: keyspace.newStamp, epoch: keyspace.saveEpoch), hash: keyHash(key))
        if value.type == .hash { noteHashStored(key, value) }
        keyspace.onKeyAdded?(self, key)
        modified(key)
        if !blockingKeys.isEmpty { signalKeyAsReady(key) }
        return index
    }

    /// signalKeyAsReady: a key that clients wait on received a value (added, or overwritten by another). The
    /// command layer serves the waiters after the current command, if the value has the type they wait for.
    @usableFromInline
    func signalKeyAsReady(_ key: UnsafeRawBufferPointer) {
        let k = Bytes(key)
        guard blockingKeys[k] != nil, !readyKeys.contains(k) else { return }
        readyKeys.append(k)
        keyspace.hasReadyKeys = true
    }

    /// A write that changed a waited-on key's value in place (XADD to an existing stream, XGROUP DESTROY).
    @inlinable
    public func signalReady(_ key: UnsafeRawBufferPointer) {
        if !blockingKeys.isEmpty { signalKeyAsReady(key) }
    }

    /// After SWAPDB or FLUSHDB: every waited-on key is checked again (scanDatabaseForReadyKeys and
    /// scanDatabaseForDeletedKeys; waiters of the wrong type or a missing key are skipped unless they wait for
    /// deletion, as XREADGROUP does).
    public func signalExistingWaitedKeys() {
        for k in blockingKeys.keys {
            k.withUnsafeBytes { signalKeyAsReady($0) }
        }
    }

    /// Deletes a key (expired or not) as the server does on its own (Redis's dbDelete): the value goes to
    /// `releaseRemoved` when set. Returns whether it existed.
    @discardableResult
    public func delete(_ key: UnsafeRawBufferPointer) -> Bool {
        let h = keyHash(key)
        guard let index = keys.find(key, hash: h) else { return false }
        if keyspace.isSaving { snapshotBeforeRemove(index) }
        if expires.count > 0, let x = expires.find(key, hash: h) { expires.remove(at: x) }
        let removed = keys.remove(at: index, hash: UInt32(truncatingIfNeeded: h)).consume().value
        modified(key)
        if !blockingKeys.isEmpty { signalKeyAsReady(key) }
        if let release = keyspace.releaseRemoved, !removed.isString { release(consume removed) }
        return true
    }

    /// Removes a key's entry and returns its value (RENAME, MOVE); no modification signal.
    public func take(_ key: UnsafeRawBufferPointer) -> (value: StoredValue, expire: Int64?)? {
        let h = keyHash(key)
        guard let index = keys.find(key, hash: h) else { return nil }
        if keyspace.isSaving { snapshotBeforeRemove(index) }
        var expire: Int64? = nil
        if expires.count > 0, let x = expires.find(key, hash: h) { expire = expires.remove(at: x).value }
        let removed = keys.remove(at: index, hash: UInt32(truncatingIfNeeded: h)).consume()
        if !blockingKeys.isEmpty { signalKeyAsReady(key) }
        return (removed, expire)
    }

    /// Records that a key changed: counts a change for the dirty counter and gives later subsystems (WATCH,
    /// keyspace notifications, client tracking) their single hook.
    @inlinable
    public func modified(_ key: UnsafeRawBufferPointer) {
        keyspace.dirty &+= 1
        keyspace.onKeyModified?(self, key)
    }

    /// Removes every key; the old entries are freed here.
    public func removeAll() {
        _ = detachAll()
    }

    /// Removes every key in O(1) and returns the old tables, which nothing else references (FLUSHALL ASYNC frees
    /// them on another thread; a running save first takes what it has not written yet, as for `removeAll`).
    public func detachAll() -> (keys: ValueTable, expires: ExpiresTable) {
        if keyspace.isSaving { snapshotBeforeRemoveAll() }
        let oldKeys = ValueTable()
        let oldExpires = ExpiresTable()
        oldKeys.swapContents(with: keys)
        oldExpires.swapContents(with: expires)
        averageTTL = 0
        volatileHashes = VolatileHashKeys()
        if !blockingKeys.isEmpty { signalExistingWaitedKeys() }
        return (oldKeys, oldExpires)
    }

    // MARK: - Expiry

    /// The deadline of a key in Unix milliseconds, or nil when it has none (the key must exist).
    public func expireTime(_ key: UnsafeRawBufferPointer) -> Int64? {
        guard expires.count > 0, let x = expires.find(key, hash: keyHash(key)) else { return nil }
        return expires.entry(x).pointee.value
    }

    /// Sets the deadline of an existing key.
    public func setExpire(_ key: UnsafeRawBufferPointer, at when: Int64) {
        let h = keyHash(key)
        if let x = expires.find(key, hash: h) {
            expires.entry(x).pointee.value = when
        } else {
            expires.insert(Bytes(key), hash: h, value: when)
        }
    }

    /// Makes a key persistent. Returns whether it had a deadline.
    @discardableResult
    public func removeExpire(_ key: UnsafeRawBufferPointer) -> Bool {
        guard expires.count > 0, let x = expires.find(key, hash: keyHash(key)) else { return false }
        expires.remove(at: x)
        return true
    }

    /// Deletes an expired key found by a lookup or by the active cycle, and reports it.
    @usableFromInline
    func expireKey(index: Int, expireIndex: Int) {
        if keyspace.isSaving { snapshotBeforeRemove(index) }
        let key = keys.entry(index).pointee.key
        expires.remove(at: expireIndex)
        // `expires.remove` does not move main-table entries, so `index` is still valid.
        let removed = keys.remove(at: index).consume().value
        keyspace.stats.expiredKeys += 1
        keyspace.dirty &+= 1
        key.withUnsafeBytes { keyspace.onKeyExpired?(self, $0) }
        if let propagate = keyspace.propagateExpired { key.withUnsafeBytes { propagate(self, $0) } }
        if let release = keyspace.releaseExpired, !removed.isString { release(consume removed) }
    }

    /// True when the key exists and its deadline has passed (used by SCAN/KEYS/RANDOMKEY, which check without
    /// deleting while they iterate). A key is still alive in the millisecond of its deadline, as in Redis.
    public func isExpired(_ key: UnsafeRawBufferPointer) -> Bool {
        guard let t = expireTime(key) else { return false }
        return t < keyspace.now
    }
}
