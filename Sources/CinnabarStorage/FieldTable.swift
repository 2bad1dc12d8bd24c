// The "hashtable" encoding of big hashes and sets: Redis's dict semantics with KeyTable's layout, sized for
// collections.
//  - Entries live in a dense array: the first chunk grows by doubling up to 1024 entries (so a table of a few
//    hundred members costs a few kilobytes, not a whole chunk), later chunks hold 1024 entries each and growing
//    never copies them. A deleted entry's hole is filled by the last entry.
//  - An entry is its data and a chain link, like a key's slot (KeyCell.swift). The data holds the member and its
//    value when both fit, else the address of one malloc'd cell that holds them. A hash's entry is 48 bytes (44 of
//    data: a 20-byte field with a 20-byte value fits), a set's 32 (28 of data: members up to 26 bytes). A hash
//    field of 8 bytes with an 8-byte value costs the entry and a 4-byte bucket, where Redis spends a dictEntry, two
//    sds strings and an 8-byte bucket.
//  - Why 44 bytes for hashes: with 24, a 20-byte field and value went to a cell, and the second random access per
//    lookup (the entry, then its cell) cost redis-benchmark's HSET at -P 16 about 0.15 us of server CPU per request
//    (docs/performance.md).
//  - Entries store no hash: a lookup compares the length byte and then the bytes, and rehashing and unlinking
//    hash the member again (as Redis's dict does), which keeps the data bytes for the member.
//  - Buckets are Int32 chain heads threaded through the entries; growing and shrinking rehash incrementally, one
//    bucket per write, as Redis's dict does for collections.
//  - HSCAN/SSCAN walk buckets with Redis's reverse-binary cursor (both tables while rehashing), so a member
//    present for the whole iteration is returned at least once across resizes.
//  - A random entry is one random index into the dense array: O(1) and uniform (SPOP, SRANDMEMBER, HRANDFIELD).
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An entry type of FieldTable: `dataBytes` bytes of data at its start (see FieldData), then the chain link.
protocol FieldTableEntry: ChainLinked {
    static var dataBytes: Int { get }
}

/// A hash's entry: 44 bytes of data and the link.
struct FieldPairEntry: FieldTableEntry {
    var data: (UInt64, UInt64, UInt64, UInt64, UInt64)
    var tail: UInt32
    var next: Int32
    static var dataBytes: Int { 44 }
}

/// A set's entry: 28 bytes of data and the link.
struct SetMemberEntry: FieldTableEntry {
    var data: (UInt64, UInt64, UInt64)
    var tail: UInt32
    var next: Int32
    static var dataBytes: Int { 28 }
}

typealias HashFieldTable = FieldTable<FieldPairEntry>
typealias SetMemberTable = FieldTable<SetMemberEntry>

/// The data of an entry: a field (or set member) and its value (empty for sets), at `p` with room for `capacity`
/// bytes:
///
///     [field length: UInt8][field][value length: UInt8][value]      in the entry, when 2 + both lengths <= capacity
///     [0xFF][7 bytes unused][cell address]                          otherwise, with the cell (malloc'd):
///     [field length: UInt32][value length: UInt32][field][value]
enum FieldData {
    @inline(__always)
    static func isInCell(_ p: UnsafeRawPointer) -> Bool { p.load(as: UInt8.self) == 0xFF }

    @inline(__always)
    static func cell(_ p: UnsafeRawPointer) -> UnsafeMutableRawPointer {
        p.load(fromByteOffset: 8, as: UnsafeMutableRawPointer.self)
    }

    /// Writes the data for `field` and `value`, over whatever `p` held.
    @inline(__always)
    static func store(
        _ p: UnsafeMutableRawPointer, capacity: Int, field: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer
    ) {
        let f = field.count
        if 2 + f + value.count <= capacity {
            p.storeBytes(of: UInt8(f), as: UInt8.self)
            if f > 0 { (p + 1).copyMemory(from: field.baseAddress!, byteCount: f) }
            storeValue(p, after: f, value)
        } else {
            setCell(p, makeCell(field: field, value: value))
        }
    }

    /// Writes an inline value after a field of `f` bytes.
    @inline(__always)
    private static func storeValue(_ p: UnsafeMutableRawPointer, after f: Int, _ value: UnsafeRawBufferPointer) {
        p.storeBytes(of: UInt8(value.count), toByteOffset: 1 + f, as: UInt8.self)
        if value.count > 0 { (p + 2 + f).copyMemory(from: value.baseAddress!, byteCount: value.count) }
    }

    @inline(__always)
    private static func setCell(_ p: UnsafeMutableRawPointer, _ c: UnsafeMutableRawPointer) {
        p.storeBytes(of: 0xFF, as: UInt8.self)
        p.storeBytes(of: c, toByteOffset: 8, as: UnsafeMutableRawPointer.self)
    }

    private static func makeCell(field: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
        let f = field.count
        let v = value.count
        let c = malloc(8 + f + v)!
        c.storeBytes(of: UInt32(f), as: UInt32.self)
        c.storeBytes(of: UInt32(v), toByteOffset: 4, as: UInt32.self)
        if f > 0 { (c + 8).copyMemory(from: field.baseAddress!, byteCount: f) }
        if v > 0 { (c + 8 + f).copyMemory(from: value.baseAddress!, byteCount: v) }
        return c
    }

    /// Calls `body` with the field and the value (pointers into the table: valid until it changes).
    @inline(__always)
    static func withPair<R>(
        _ p: UnsafeRawPointer, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        let first = p.load(as: UInt8.self)
        if first == 0xFF {
            let c = UnsafeRawPointer(cell(p))
            let f = Int(c.load(as: UInt32.self))
            let v = Int(c.load(fromByteOffset: 4, as: UInt32.self))
            return try body(UnsafeRawBufferPointer(start: c + 8, count: f), UnsafeRawBufferPointer(start: c + 8 + f, count: v))
        }
        let f = Int(first)
        let v = Int(p.load(fromByteOffset: 1 + f, as: UInt8.self))
        return try body(UnsafeRawBufferPointer(start: p + 1, count: f), UnsafeRawBufferPointer(start: p + 2 + f, count: v))
    }

    /// Whether the field is `key`.
    @inline(__always)
    static func fieldEquals(_ p: UnsafeRawPointer, _ key: UnsafeRawBufferPointer) -> Bool {
        let n = key.count
        let first = p.load(as: UInt8.self)
        if first == 0xFF {
            let c = UnsafeRawPointer(cell(p))
            return Int(c.load(as: UInt32.self)) == n && (n == 0 || memcmp(c + 8, key.baseAddress!, n) == 0)
        }
        return Int(first) == n && (n == 0 || memcmp(p + 1, key.baseAddress!, n) == 0)
    }

    /// The field's hash (rehashing and unlinking).
    @inline(__always)
    static func hash(_ p: UnsafeRawPointer) -> UInt64 { withPair(p) { f, _ in keyHash(f) } }

    /// Replaces the value, keeping the field: in the entry when both fit, else in the cell, rewritten in place when
    /// the value fits it without leaving a whole chunk unused (an HSET of a value as long as the old one).
    static func setValue(_ p: UnsafeMutableRawPointer, capacity: Int, _ value: UnsafeRawBufferPointer) {
        let v = value.count
        guard isInCell(p) else {
            let f = Int(p.load(as: UInt8.self))
            if 2 + f + v <= capacity {
                storeValue(p, after: f, value)
            } else {
                setCell(p, makeCell(field: UnsafeRawBufferPointer(start: p + 1, count: f), value: value))
            }
            return
        }
        let c = cell(p)
        let f = Int(c.load(as: UInt32.self))
        if 2 + f + v <= capacity {
            p.storeBytes(of: UInt8(f), as: UInt8.self)
            if f > 0 { (p + 1).copyMemory(from: c + 8, byteCount: f) }
            storeValue(p, after: f, value)
            free(c)
            return
        }
        let needed = 8 + f + v
        let usable = cinnabar_malloc_usable_size(c)
        if needed <= usable && usable - needed < 32 {
            c.storeBytes(of: UInt32(v), toByteOffset: 4, as: UInt32.self)
            if v > 0 { (c + 8 + f).copyMemory(from: value.baseAddress!, byteCount: v) }
            return
        }
        setCell(p, makeCell(field: UnsafeRawBufferPointer(start: c + 8, count: f), value: value))
        free(c)
    }

    /// Frees the cell, if any (the entry is leaving the table).
    @inline(__always)
    static func destroy(_ p: UnsafeRawPointer) {
        if isInCell(p) { free(cell(p)) }
    }

    /// Gives an entry copied bitwise from another table its own cell.
    static func ownCell(_ p: UnsafeMutableRawPointer) {
        guard isInCell(p) else { return }
        withPair(p) { f, v in setCell(p, makeCell(field: f, value: v)) }
    }

    /// Bytes of the cell (its malloc chunk: usable size plus glibc's size word; 0 without one), for MEMORY USAGE.
    static func cellBytes(_ p: UnsafeRawPointer) -> Int { isInCell(p) ? cinnabar_malloc_usable_size(cell(p)) + 8 : 0 }
}

/// A hash table from byte strings to byte strings (see the file comment).
final class FieldTable<Entry: FieldTableEntry> {
    static var chunkShift: Int { 10 }
    static var chunkSize: Int { 1 << chunkShift }
    static var minimumBuckets: Int { 4 }

    /// The value of a set's members.
    static var noValue: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }

    /// Entries 0..<firstCapacity.
    private var first: UnsafeMutablePointer<Entry>
    private var firstCapacity: Int
    /// Entries from chunkSize on, chunkSize per chunk.
    private var more: [UnsafeMutablePointer<Entry>] = []
    private(set) var count = 0

    private var table0: UnsafeMutablePointer<Int32>
    private var mask0: Int
    private var table1: UnsafeMutablePointer<Int32>? = nil
    private var mask1 = 0
    /// -1 when not rehashing; else the next old-table bucket to move.
    private var rehashIndex = -1

    /// A table presized for `capacity` entries (Redis presizes the dict when it converts an encoding).
    init(capacity: Int = 0) {
        let c = max(1, min(capacity, FieldTable.chunkSize))
        firstCapacity = c
        first = .allocate(capacity: c)
        let buckets = max(FieldTable.minimumBuckets, capacity.nextPowerOfTwo)
        mask0 = buckets - 1
        table0 = FieldTable.allocateBuckets(buckets)
    }

    deinit {
        for i in 0..<count { FieldData.destroy(entry(i)) }
        first.deallocate()
        for c in more { c.deallocate() }
        table0.deallocate()
        table1?.deallocate()
    }

    private static func allocateBuckets(_ n: Int) -> UnsafeMutablePointer<Int32> {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        p.initialize(repeating: -1, count: n)
        return p
    }

    // MARK: - Entry access

    /// Calls `body` with the field and value at `index` (pointers into the table: valid until it changes).
    @inline(__always)
    func withPair<R>(
        _ index: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        try FieldData.withPair(entry(index), body)
    }

    /// Calls `body` with the field (or set member) at `index`.
    @inline(__always)
    func withField<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try FieldData.withPair(entry(index)) { f, _ in try body(f) }
    }

    /// Replaces the value at `index`.
    func setValue(at index: Int, _ value: UnsafeRawBufferPointer) {
        FieldData.setValue(entry(index), capacity: Entry.dataBytes, value)
    }

    /// Whether the entry at `index` keeps its data in a cell.
    func isInCell(_ index: Int) -> Bool { FieldData.isInCell(entry(index)) }

    /// Bytes of the cell of the entry at `index` (0 without one), for MEMORY USAGE.
    func cellBytes(at index: Int) -> Int { FieldData.cellBytes(entry(index)) }

    @inline(__always)
    func entry(_ index: Int) -> UnsafeMutablePointer<Entry> {
        if index < FieldTable.chunkSize { return first + index }
        return more[(index >> FieldTable.chunkShift) - 1] + (index & (FieldTable.chunkSize - 1))
    }

    var bucketCount: Int { mask0 + 1 + (table1 == nil ? 0 : mask1 + 1) }

    /// Bytes of the table's own structures (entries, buckets, the object), not the entries' cells.
    var overheadBytes: Int {
        64 + bucketCount * 4
            + (firstCapacity + more.count * FieldTable.chunkSize) * MemoryLayout<Entry>.stride
    }

    @inline(__always)
    private func headSlot(_ hash: UInt32) -> UnsafeMutablePointer<Int32> {
        let b0 = Int(hash) & mask0
        if rehashIndex >= 0 && b0 < rehashIndex { return table1! + (Int(hash) & mask1) }
        return table0 + b0
    }

    // MARK: - Lookup

    /// Index of the entry for `key`, or nil.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        let h = UInt32(truncatingIfNeeded: hash)
        var i = Int(headSlot(h).pointee)
        while i >= 0 {
            let e = entry(i)
            if FieldData.fieldEquals(e, key) { return i }
            i = Int(e.pointee.next)
        }
        return nil
    }

    func find(_ key: UnsafeRawBufferPointer) -> Int? { find(key, hash: keyHash(key)) }

    // MARK: - Insert and remove

    /// A copy of the table (COPY of a big hash or set): the same entries, chains and buckets, each cell copied.
    func copy() -> FieldTable {
        let t = FieldTable(capacity: 0)
        t.first.deallocate()
        t.first = .allocate(capacity: firstCapacity)
        t.firstCapacity = firstCapacity
        t.first.initialize(from: first, count: min(count, FieldTable.chunkSize))
        for c in more {
            let n = UnsafeMutablePointer<Entry>.allocate(capacity: FieldTable.chunkSize)
            n.initialize(from: c, count: FieldTable.chunkSize)
            t.more.append(n)
        }
        t.count = count
        for i in 0..<count { FieldData.ownCell(t.entry(i)) }
        t.table0.deallocate()
        t.table0 = FieldTable.copyBuckets(table0, mask0 + 1)
        t.mask0 = mask0
        if let table1 { t.table1 = FieldTable.copyBuckets(table1, mask1 + 1) }
        t.mask1 = mask1
        t.rehashIndex = rehashIndex
        return t
    }

    private static func copyBuckets(_ source: UnsafeMutablePointer<Int32>, _ n: Int) -> UnsafeMutablePointer<Int32> {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        p.initialize(from: source, count: n)
        return p
    }

    /// Adds `field` with `value` (empty for sets); the field must not be present. Returns its index.
    @discardableResult
    func insert(_ field: UnsafeRawBufferPointer, hash: UInt64, value: UnsafeRawBufferPointer) -> Int {
        if rehashIndex >= 0 {
            rehashStep()
        } else if count >= mask0 + 1 {
            startResize(to: (mask0 + 1) * 2)
            rehashStep()
        }
        let index = count
        if index >= FieldTable.chunkSize {
            if index & (FieldTable.chunkSize - 1) == 0 && (index >> FieldTable.chunkShift) - 1 == more.count {
                more.append(.allocate(capacity: FieldTable.chunkSize))
            }
        } else if index == firstCapacity {
            resizeFirst(to: min(FieldTable.chunkSize, firstCapacity * 2))
        }
        let e = entry(index)
        FieldData.store(UnsafeMutableRawPointer(e), capacity: Entry.dataBytes, field: field, value: value)
        let head = headSlot(UInt32(truncatingIfNeeded: hash))
        e.pointee.next = head.pointee
        head.pointee = Int32(index)
        count += 1
        return index
    }

    private func resizeFirst(to capacity: Int) {
        let p = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
        p.moveInitialize(from: first, count: min(count, FieldTable.chunkSize))
        first.deallocate()
        first = p
        firstCapacity = capacity
    }

    /// Removes the entry at `index`. The last entry moves into its place.
    /// `hash` is the field's keyHash when the caller has it (a removal by name), nil to compute it (by index).
    func remove(at index: Int, hash: UInt64? = nil) {
        let e = entry(index)
        unlink(index, hash: hash ?? FieldData.hash(e))
        FieldData.destroy(e)
        let last = count - 1
        if index != last {
            let moved = entry(last)
            relink(from: last, to: index, hash: FieldData.hash(moved))
            e.moveInitialize(from: moved, count: 1)
        }
        count -= 1
        // Keep one spare chunk so that a member added and removed at a chunk boundary does not thrash.
        if more.count > 1 && (more.count - 1) << FieldTable.chunkShift >= count {
            more.removeLast().deallocate()
        }
        if count <= FieldTable.chunkSize && firstCapacity > 16 && count * 4 <= firstCapacity {
            resizeFirst(to: firstCapacity / 2)
        }
        if rehashIndex >= 0 {
            rehashStep()
        } else if mask0 + 1 > FieldTable.minimumBuckets && count * 10 < mask0 + 1 {
            // Redis's htNeedsResize / dictResize: shrink to the smallest power of two that holds the members.
            startResize(to: max(FieldTable.minimumBuckets, count.nextPowerOfTwo))
        }
    }

    /// Makes whatever links to entry `index` in its chain link to `target` instead.
    private func replaceLink(to index: Int, hash: UInt64, with target: Int32) {
        replaceChainLink(head: headSlot(UInt32(truncatingIfNeeded: hash)), to: index, with: target, entry)
    }

    private func unlink(_ index: Int, hash: UInt64) {
        replaceLink(to: index, hash: hash, with: entry(index).pointee.next)
    }

    private func relink(from old: Int, to new: Int, hash: UInt64) {
        replaceLink(to: old, hash: hash, with: Int32(new))
    }

    // MARK: - Incremental rehashing

    private func startResize(to buckets: Int) {
        if buckets == mask0 + 1 { return }
        table1 = FieldTable.allocateBuckets(buckets)
        mask1 = buckets - 1
        rehashIndex = 0
    }

    /// Moves one non-empty bucket (visiting at most 10 empty ones) from the old table to the new one.
    private func rehashStep() {
        guard rehashIndex >= 0, let t1 = table1 else { return }
        var emptyVisits = 10
        while rehashIndex <= mask0 {
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
                let b = Int(truncatingIfNeeded: FieldData.hash(e)) & mask1
                e.pointee.next = t1[b]
                t1[b] = Int32(i)
                i = next
            }
            slot.pointee = -1
            rehashIndex += 1
            break
        }
        if rehashIndex > mask0 {
            table0.deallocate()
            table0 = t1
            mask0 = mask1
            table1 = nil
            rehashIndex = -1
        }
    }

    // MARK: - Random sampling and SCAN

    /// Calls `body` with the index of every entry in the bucket(s) the cursor names and returns the next cursor
    /// (0 when the iteration is complete): Redis's dictScan, reverse-binary so that growth and shrinking between
    /// calls never skip a member present for the whole iteration.
    func scan(cursor: UInt64, _ body: (Int) -> Void) -> UInt64 {
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
            return (v.bitReversed &+ 1).bitReversed
        }
        let small: UnsafeMutablePointer<Int32>, smallMask: UInt64, large: UnsafeMutablePointer<Int32>, largeMask: UInt64
        if mask0 <= mask1 {
            (small, smallMask, large, largeMask) = (table0, UInt64(mask0), table1!, UInt64(mask1))
        } else {
            (small, smallMask, large, largeMask) = (table1!, UInt64(mask1), table0, UInt64(mask0))
        }
        // Entries of old buckets below rehashIndex are already chained in the new table, so visiting a small-table
        // bucket and all its expansions in the large table covers every place its entries can be.
        emitChain(small[Int(v & smallMask)])
        repeat {
            emitChain(large[Int(v & largeMask)])
            v |= ~largeMask
            v = (v.bitReversed &+ 1).bitReversed
        } while v & (smallMask ^ largeMask) != 0
        return v
    }
}
