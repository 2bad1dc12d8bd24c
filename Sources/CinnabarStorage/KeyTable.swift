// The keyspace's hash table. Redis's dict semantics with a denser layout:
//  - entries live in a dense array split into fixed-size chunks (growing never copies existing entries, so a
//    table of millions grows without a latency spike); a deleted entry's hole is filled by the last entry;
//  - buckets are Int32 heads of chains threaded through the entries (`next`), in two bucket arrays while an
//    incremental rehash moves chains from the old array to the new one, a few buckets per operation;
//  - SCAN walks buckets with Redis's reverse-binary cursor, so every key present for the whole iteration is
//    returned even when the table grows or shrinks in between;
//  - a random entry is one random index into the dense array: O(1) and uniform (RANDOMKEY, active expiry,
//    eviction sampling).
// Invariant while rehashing: an entry whose old-table bucket is below `rehashIndex` is chained in the new table,
// every other entry in the old one, so a lookup walks exactly one chain.
// The entry type is a parameter: the main table's entries are KeyCell (a 32-byte slot holding a short key and its
// value, or pointing at one allocation that holds them, KeyCell.swift); the expires table's are KeyTableEntry (the
// key as Bytes and a deadline).
// SPDX-License-Identifier: BSD-3-Clause

/// What KeyTable needs of an entry: its chain link, its key's hash and comparison, and how to end its life.
/// An entry of a table whose chains are Int32 indexes threaded through a dense array (KeyTable, FieldTable).
public protocol ChainLinked {
    /// The next entry of the same chain (-1 ends it); only the table writes it.
    var next: Int32 { get set }
}

/// Makes the link that points at entry `old`, in the chain whose head is `head`, point at `new` (-1 or the
/// following entry when unlinking). `entry` maps an index to its entry. KeyTable and FieldTable unlink and move
/// entries with it.
@inline(__always)
func replaceChainLink<Entry: ChainLinked>(
    head: UnsafeMutablePointer<Int32>, to old: Int, with new: Int32, _ entry: (Int) -> UnsafeMutablePointer<Entry>
) {
    if Int(head.pointee) == old {
        head.pointee = new
        return
    }
    var i = Int(head.pointee)
    while true {
        precondition(i >= 0, "table chain corrupted")
        let e = entry(i)
        if Int(e.pointee.next) == old {
            e.pointee.next = new
            return
        }
        i = Int(e.pointee.next)
    }
}

public protocol KeyTableSlot: ChainLinked {
    /// The low 32 bits of the key's `keyHash`.
    var hash: UInt32 { get }
    /// Whether this entry's key is `key`, whose hash is `hash`.
    func matches(_ key: UnsafeRawBufferPointer, hash: UInt32) -> Bool
    /// Ends the life of an entry still in the table (removeAll, deinit).
    static func destroy(_ entry: UnsafeMutablePointer<Self>)
}

/// An entry holding the key as `Bytes`, a value, the key's 32-bit hash and the chain link.
public struct KeyTableEntry<V>: KeyTableSlot {
    public var key: Bytes
    public var value: V
    public var hash: UInt32
    public var next: Int32

    @inlinable
    public init(key: Bytes, value: V, hash: UInt32) {
        self.key = key
        self.value = value
        self.hash = hash
        next = -1
    }

    @inlinable
    public func matches(_ key: UnsafeRawBufferPointer, hash: UInt32) -> Bool {
        self.hash == hash && self.key.equals(key)
    }

    @inlinable
    public static func destroy(_ entry: UnsafeMutablePointer<Self>) { entry.deinitialize(count: 1) }
}

/// The expires table: key to deadline in Unix milliseconds.
public typealias ExpiresTable = KeyTable<KeyTableEntry<Int64>>

/// A hash table of byte-string keys; `Entry` holds each key and its value. Not thread-safe: one event loop owns it.
public final class KeyTable<Entry: KeyTableSlot> {
    @usableFromInline static var chunkShift: Int { 10 }
    @usableFromInline static var chunkSize: Int { 1 << chunkShift }
    @usableFromInline static var minimumBuckets: Int { 4 }

    @usableFromInline var chunks: [UnsafeMutablePointer<Entry>] = []
    public private(set) var count = 0

    @usableFromInline var table0: UnsafeMutablePointer<Int32>
    @usableFromInline var mask0: Int
    @usableFromInline var table1: UnsafeMutablePointer<Int32>? = nil
    @usableFromInline var mask1 = 0
    /// -1 when not rehashing; else the next old-table bucket to move.
    @usableFromInline var rehashIndex = -1
    /// SCAN and iteration can hold off automatic shrinking (not needed for correctness; it avoids churn).
    public var resizeAllowed = true

    public init() {
        mask0 = KeyTable.minimumBuckets - 1
        table0 = KeyTable.allocateBuckets(KeyTable.minimumBuckets)
    }

    deinit {
        removeAll()
        table0.deallocate()
        table1?.deallocate()
    }

    @usableFromInline static func allocateBuckets(_ n: Int) -> UnsafeMutablePointer<Int32> {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        p.initialize(repeating: -1, count: n)
        return p
    }

    // MARK: - Entry access

    @inlinable @inline(__always)
    public func entry(_ index: Int) -> UnsafeMutablePointer<Entry> {
        chunks[index &>> KeyTable.chunkShift] + (index & (KeyTable.chunkSize - 1))
    }

    public var isRehashing: Bool { rehashIndex >= 0 }

    /// Number of buckets (both tables while rehashing), for INFO/DEBUG HTSTATS-like reporting.
    public var bucketCount: Int { mask0 + 1 + (table1 == nil ? 0 : mask1 + 1) }

    /// Bytes used by the table's own structures (not the keys' and values' heap blocks).
    public var overheadBytes: Int {
        bucketCount * 4 + chunks.count * KeyTable.chunkSize * MemoryLayout<Entry>.stride
    }

    /// The chain head slot for a hash, honouring the rehash invariant.
    @inlinable @inline(__always)
    func headSlot(_ hash: UInt32) -> UnsafeMutablePointer<Int32> {
        let b0 = Int(hash) & mask0
        if rehashIndex >= 0 && b0 < rehashIndex { return table1! + (Int(hash) & mask1) }
        return table0 + b0
    }

    // MARK: - Lookup

    /// Index of the entry for `key`, or nil.
    @inlinable
    public func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        let h = UInt32(truncatingIfNeeded: hash)
        var i = Int(headSlot(h).pointee)
        while i >= 0 {
            let e = entry(i)
            if e.pointee.matches(key, hash: h) { return i }
            i = Int(e.pointee.next)
        }
        return nil
    }

    @inlinable
    public func find(_ key: Bytes) -> Int? {
        key.withUnsafeBytes { find($0, hash: key.keyHash) }
    }

    // MARK: - Insert and remove

    /// Adds an entry for a key that is not present and returns its index.
    @discardableResult
    public func insert(_ newEntry: consuming Entry, hash: UInt64) -> Int {
        if rehashIndex >= 0 {
            rehashStep(1)
        } else if count >= mask0 + 1 {
            startResize(to: (mask0 + 1) * 2)
            rehashStep(1)
        }
        let index = count
        if index & (KeyTable.chunkSize - 1) == 0 && index >> KeyTable.chunkShift == chunks.count {
            chunks.append(UnsafeMutablePointer<Entry>.allocate(capacity: KeyTable.chunkSize))
        }
        let head = headSlot(UInt32(truncatingIfNeeded: hash))
        newEntry.next = head.pointee
        entry(index).initialize(to: newEntry)
        head.pointee = Int32(index)
        count += 1
        return index
    }

    /// Removes the entry at `index` and returns it (the caller owns it now). The last entry moves into its place.
    /// `hash` is the removed key's, when the caller has it.
    @discardableResult
    public func remove(at index: Int, hash: UInt32? = nil) -> Entry {
        let e = entry(index)
        unlink(index, hash: hash ?? e.pointee.hash)
        let removed = e.move()
        let last = count - 1
        if index != last {
            let moved = entry(last)
            let h = moved.pointee.hash
            e.moveInitialize(from: moved, count: 1)
            relink(from: last, to: index, hash: h)
        }
        count -= 1
        // Keep one spare chunk so that a key added and removed at a chunk boundary does not thrash.
        if chunks.count > 1 && (chunks.count - 2) << KeyTable.chunkShift >= count {
            chunks.removeLast().deallocate()
        }
        if rehashIndex >= 0 {
            rehashStep(1)
        } else if resizeAllowed && mask0 + 1 > KeyTable.minimumBuckets && count * 10 < mask0 + 1 {
            startResize(to: max(KeyTable.minimumBuckets, (count * 2).nextPowerOfTwo))
        }
        return removed
    }

    /// Exchanges the contents of two tables (SWAPDB), leaving both objects in place.
    public func swapContents(with other: KeyTable<Entry>) {
        swap(&chunks, &other.chunks)
        swap(&count, &other.count)
        swap(&table0, &other.table0)
        swap(&mask0, &other.mask0)
        swap(&table1, &other.table1)
        swap(&mask1, &other.mask1)
        swap(&rehashIndex, &other.rehashIndex)
    }

    /// Removes every entry.
    public func removeAll() {
        for i in 0..<count { Entry.destroy(entry(i)) }
        for c in chunks { c.deallocate() }
        chunks.removeAll()
        count = 0
        table1?.deallocate()
        table1 = nil
        rehashIndex = -1
        table0.deallocate()
        mask0 = KeyTable.minimumBuckets - 1
        table0 = KeyTable.allocateBuckets(KeyTable.minimumBuckets)
    }

    /// Makes the link that points at entry `old` point at `new` (-1 or the following entry when unlinking).
    @usableFromInline func replaceLink(to old: Int, with new: Int32, hash: UInt32) {
        replaceChainLink(head: headSlot(hash), to: old, with: new, entry)
    }

    @usableFromInline func unlink(_ index: Int, hash: UInt32) {
        replaceLink(to: index, with: entry(index).pointee.next, hash: hash)
    }

    @usableFromInline func relink(from old: Int, to new: Int, hash: UInt32) {
        replaceLink(to: old, with: Int32(new), hash: hash)
    }

    // MARK: - Incremental rehashing

    func startResize(to buckets: Int) {
        precondition(rehashIndex < 0)
        if buckets == mask0 + 1 { return }
        table1 = KeyTable.allocateBuckets(buckets)
        mask1 = buckets - 1
        rehashIndex = 0
    }

    /// Moves up to `n` non-empty buckets from the old table to the new one (visiting at most 10·n empty
    /// buckets, as Redis's dictRehash does). Returns true while rehashing is still in progress.
    @discardableResult
    public func rehashStep(_ n: Int) -> Bool {
        guard rehashIndex >= 0, let t1 = table1 else { return false }
        var moves = n
        var emptyVisits = n * 10
        while moves > 0 && rehashIndex <= mask0 {
            let slot = table0 + rehashIndex
            if slot.pointee < 0 {
                rehashIndex += 1
                emptyVisits -= 1
                if emptyVisits == 0 { break }
                continue
            }
            var i = Int(slot.pointee)
            while i >= 0 {
                let e = entry(i)
                let next = Int(e.pointee.next)
                let b = Int(e.pointee.hash) & mask1
                e.pointee.next = t1[b]
                t1[b] = Int32(i)
                i = next
            }
            slot.pointee = -1
            rehashIndex += 1
            moves -= 1
        }
        if rehashIndex > mask0 {
            table0.deallocate()
            table0 = t1
            mask0 = mask1
            table1 = nil
            rehashIndex = -1
            return false
        }
        return true
    }

    /// Rehashes for up to `microseconds` of wall time, in batches of 100 buckets (the server cron's share).
    public func rehashFor(microseconds: Int, now: () -> Int64) -> Int {
        let start = now()
        var rounds = 0
        while rehashStep(100) {
            rounds += 100
            if now() - start > Int64(microseconds) { break }
        }
        return rounds
    }

    // MARK: - Random sampling and SCAN

    /// A uniformly random entry index, or nil when empty.
    @inlinable
    public func randomIndex(_ rng: inout FastRandom) -> Int? {
        count == 0 ? nil : rng.below(count)
    }

    /// Calls `body` with the index of every entry in the bucket(s) the cursor names and returns the next cursor
    /// (0 when the iteration is complete). Redis's reverse-binary cursor: the high bits are incremented first,
    /// so buckets already visited are not visited again after the table grows, and a shrink at most repeats some.
    public func scan(cursor: UInt64, _ body: (Int) -> Void) -> UInt64 {
        // An empty table completes at once, whatever its size (Redis's dictScan), instead of making SCAN walk
        // every empty bucket of a table that lost its keys.
        if count == 0 { return 0 }
        var v = cursor
        func emitChain(_ head: Int32) {
            var i = Int(head)
            while i >= 0 {
                let next = Int(entry(i).pointee.next)
                body(i)
                i = next
            }
        }
        if rehashIndex < 0 {
            let m = UInt64(mask0)
            emitChain(table0[Int(v & m)])
            v |= ~m
            v = (v.bitReversed &+ 1).bitReversed
            return v
        }
        // Rehashing: visit the bucket in the smaller table, then all its expansions in the larger one.
        // Entries of old buckets below rehashIndex are already chained in the new table, so each visit of
        // "the small table's bucket" covers both places the entries of that bucket can be.
        let (small, smallMask, large, largeMask): (UnsafeMutablePointer<Int32>, UInt64, UnsafeMutablePointer<Int32>, UInt64)
        if mask0 <= mask1 {
            (small, smallMask, large, largeMask) = (table0, UInt64(mask0), table1!, UInt64(mask1))
        } else {
            (small, smallMask, large, largeMask) = (table1!, UInt64(mask1), table0, UInt64(mask0))
        }
        emitChain(small[Int(v & smallMask)])
        repeat {
            emitChain(large[Int(v & largeMask)])
            v |= ~largeMask
            v = (v.bitReversed &+ 1).bitReversed
        } while v & (smallMask ^ largeMask) != 0
        return v
    }
}

extension UInt64 {
    @inlinable var bitReversed: UInt64 {
        var v = self
        v = ((v >> 1) & 0x5555_5555_5555_5555) | ((v & 0x5555_5555_5555_5555) << 1)
        v = ((v >> 2) & 0x3333_3333_3333_3333) | ((v & 0x3333_3333_3333_3333) << 2)
        v = ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        return v.byteSwapped
    }
}

extension Int {
    @usableFromInline var nextPowerOfTwo: Int {
        if self <= 1 { return 1 }
        return 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount)
    }
}

extension KeyTable {
    /// Adds a `KeyTableEntry` for a key that is not present and returns its index.
    @discardableResult
    public func insert<V>(_ key: Bytes, hash: UInt64, value: V) -> Int where Entry == KeyTableEntry<V> {
        insert(KeyTableEntry(key: key, value: value, hash: UInt32(truncatingIfNeeded: hash)), hash: hash)
    }
}
