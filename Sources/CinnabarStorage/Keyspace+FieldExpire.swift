// Active expiry of hash fields (Redis 7.4's activeExpireHashFieldCycle). Lazy expiry alone would keep the expired
// fields of hashes nobody reads, so each database registers the keys of its hashes that have field deadlines
// (HEXPIRE*, and any write of such a hash under a key: RENAME, MOVE, COPY), and every active-expire cycle visits
// them round-robin and deletes the due fields, up to a quota of fields per call (Redis's 10000 per second, i.e.
// 10000 / hz per call), deleting a hash whose last field expires. Registrations are checked when visited: a key
// that is gone, holds something else or whose hash no longer has deadlines is dropped then, so deleting, renaming
// or persisting needs no bookkeeping.
// SPDX-License-Identifier: BSD-3-Clause

/// The keys of a database's hashes with field deadlines; entries may be stale (see the file comment).
public struct VolatileHashKeys {
    private var keys: [Bytes] = []
    private var positions: [Bytes: Int] = [:]
    /// The next entry the active cycle visits.
    private var cursor = 0

    public init() {}

    public var count: Int { keys.count }

    public mutating func insert(_ key: Bytes) {
        guard positions[key] == nil else { return }
        positions[key] = keys.count
        keys.append(key)
    }

    fileprivate mutating func remove(at i: Int) {
        let key = keys[i]
        positions[key] = nil
        let last = keys.removeLast()
        if i < keys.count {
            keys[i] = last
            positions[last] = i
        }
        if cursor > i { cursor = i }
    }

    /// The next entry to visit, advancing the cursor.
    fileprivate mutating func next() -> (index: Int, key: Bytes)? {
        if keys.isEmpty { return nil }
        if cursor >= keys.count { cursor = 0 }
        let i = cursor
        cursor += 1
        return (i, keys[i])
    }
}

extension Database {
    /// Registers `key` when `value` is a hash with field deadlines (called by every write that stores a value).
    @usableFromInline
    func noteHashStored(_ key: UnsafeRawBufferPointer, _ value: Value) {
        if unsafeDowncast(value.collection, to: HashValue.self).hasFieldDeadlines { volatileHashes.insert(Bytes(key)) }
    }

    /// The hash at `key` if it is one with field deadlines (no lookup statistics, no access stamp).
    private func volatileHash(_ key: UnsafeRawBufferPointer) -> HashValue? {
        guard let i = keys.find(key, hash: keyHash(key)) else { return nil }
        let v = keys.entry(i).pointee.value
        guard v.type == .hash else { return nil }
        if keyspace.isSaving { snapshotBeforeWrite(i) }
        let hash = unsafeDowncast(v.collection, to: HashValue.self)
        return hash.hasFieldDeadlines ? hash : nil
    }

    /// Deletes the due fields of the registered hashes, at most `quota` fields and as many hash visits; returns
    /// the number of fields deleted.
    func activeExpireHashFields(quota: Int) -> Int {
        let now = keyspace.now
        var expired = 0
        var visits = min(quota, volatileHashes.count)
        while visits > 0 && expired < quota, let (index, key) = volatileHashes.next() {
            visits -= 1
            let gone = key.withUnsafeBytes { k -> Bool in
                guard let hash = volatileHash(k) else { return true }
                let n = hash.expireFields(before: now, limit: quota - expired)
                expired += n
                if n > 0 {
                    if hash.count == 0 {
                        delete(k)
                        keyspace.onHashFieldsExpired?(self, k, true)
                        return true
                    }
                    modified(k)
                    keyspace.onHashFieldsExpired?(self, k, false)
                }
                return !hash.hasFieldDeadlines
            }
            if gone { volatileHashes.remove(at: index) }  // the last entry moves to `index`, visited next
        }
        keyspace.stats.expiredFields += expired
        return expired
    }
}

extension Keyspace {
    /// One pass of hash-field active expiry over every database (see the file comment); returns the number of
    /// fields deleted. Runs at the start of each active-expire cycle, as Redis interleaves it before the keys.
    @discardableResult
    public func activeExpireHashFields(hz: Int) -> Int {
        if isExpiryPaused { return 0 }
        var quota = 10_000 / max(hz, 1)
        var total = 0
        for db in databases where db.volatileHashes.count > 0 && quota > 0 {
            let n = db.activeExpireHashFields(quota: quota)
            total += n
            quota -= n
        }
        return total
    }
}
