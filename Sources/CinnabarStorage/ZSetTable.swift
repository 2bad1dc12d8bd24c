// The big encoding of a sorted set (OBJECT ENCODING "skiplist"): Redis keeps a dict from member to score plus a
// skiplist ordered by (score, member); Cinnabar keeps the same two views with denser structures.
//  - Members live in one dense entry array (48 bytes each: the member as `Bytes`, inline up to 23 bytes, its score,
//    its hash and a chain link), split into chunks of 256 so that growing never copies more than one chunk. A
//    member's entry index is its id. Deleting moves the last entry into the hole, as KeyTable does, so ids stay
//    dense and a uniformly random member is one random index (ZRANDMEMBER).
//  - Buckets are Int32 chain heads, a power of two at most one entry per bucket on average. SCAN walks them with
//    Redis's reverse-binary cursor, so a member present for the whole iteration is returned even when the table
//    is resized in between (the table rehashes at once: a zset's table is far smaller than the keyspace's).
//  - The order is a counted B+tree over (score, id) in ZSetTable+Tree.swift: leaves hold 64 scores and ids, inner
//    nodes hold their children's sizes and largest keys, so rank, select and range bounds are O(log n) and a range
//    is a walk over linked leaves.
// SPDX-License-Identifier: BSD-3-Clause
#if canImport(Glibc)
import Glibc
#endif

/// One member of a big sorted set.
@usableFromInline
struct ZSetEntry {
    var member: Bytes
    var score: Double
    var hash: UInt32
    var next: Int32
}

/// Member table and order tree of a sorted set in its big encoding.
final class ZSetTable {
    static let chunkShift = 8
    static let chunkSize = 1 << chunkShift

    var chunks: [UnsafeMutablePointer<ZSetEntry>] = []
    /// Capacity of the first chunk while it is the only one (it grows up to `chunkSize`).
    var firstChunkCapacity = 0
    private(set) var count = 0
    var buckets: UnsafeMutablePointer<Int32>
    var mask: Int

    // The order tree (see ZSetTable+Tree.swift): `root` is a leaf when `height` is 0.
    var root: UnsafeMutableRawPointer
    var height = 0

    /// An empty table sized for `capacity` members (Redis presizes the dict when it converts or creates).
    init(capacity: Int) {
        let n = max(4, capacity).nextPowerOfTwo
        buckets = .allocate(capacity: n)
        buckets.initialize(repeating: -1, count: n)
        mask = n - 1
        root = ZLeaf.allocate().raw
        reserve(capacity)
    }

    deinit {
        for i in 0..<count { _ = entry(i).move() }
        for c in chunks { c.deallocate() }
        buckets.deallocate()
        freeTree(root, height)
    }

    // MARK: - Entries

    @inline(__always)
    func entry(_ i: Int) -> UnsafeMutablePointer<ZSetEntry> {
        chunks[i &>> ZSetTable.chunkShift] + (i & (ZSetTable.chunkSize - 1))
    }

    var capacity: Int { chunks.count <= 1 ? firstChunkCapacity : chunks.count * ZSetTable.chunkSize }

    /// Makes room for `n` entries in total.
    func reserve(_ n: Int) {
        if n <= capacity { return }
        if chunks.count <= 1 && firstChunkCapacity < ZSetTable.chunkSize {
            let newCapacity = min(ZSetTable.chunkSize, max(n, 8, firstChunkCapacity + firstChunkCapacity / 2))
            let chunk = UnsafeMutablePointer<ZSetEntry>.allocate(capacity: newCapacity)
            if let old = chunks.first {
                chunk.moveInitialize(from: old, count: count)
                old.deallocate()
                chunks[0] = chunk
            } else {
                chunks.append(chunk)
            }
            firstChunkCapacity = newCapacity
        }
        while capacity < n {
            chunks.append(.allocate(capacity: ZSetTable.chunkSize))
        }
    }

    /// Bytes held by the table and the tree, without the members' own heap blocks.
    var allocatedBytes: Int {
        capacity * MemoryLayout<ZSetEntry>.stride + (mask + 1) * 4 + treeBytes(root, height)
    }

    // MARK: - Member lookup

    /// The id of `member`, or nil.
    @inline(__always)
    func find(_ member: UnsafeRawBufferPointer, hash: UInt32) -> Int? {
        var i = Int(buckets[Int(hash) & mask])
        while i >= 0 {
            let e = entry(i)
            if e.pointee.hash == hash && e.pointee.member.equals(member) { return i }
            i = Int(e.pointee.next)
        }
        return nil
    }

    func score(of member: UnsafeRawBufferPointer) -> Double? {
        find(member, hash: ZSetTable.hash(member)).map { entry($0).pointee.score }
    }

    @inline(__always)
    static func hash(_ member: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(truncatingIfNeeded: keyHash(member))
    }

    // MARK: - Insert, update, remove

    /// Adds a member that is not present.
    func insert(_ member: Bytes, hash: UInt32, score: Double) {
        let id = count
        reserve(id + 1)
        let slot = buckets + (Int(hash) & mask)
        entry(id).initialize(to: ZSetEntry(member: member, score: score, hash: hash, next: slot.pointee))
        slot.pointee = Int32(id)
        count += 1
        member.withUnsafeBytes { treeInsert(score: score, member: $0, id: UInt32(id)) }
        if count > mask + 1 { rehash(to: (mask + 1) * 2) }
    }

    /// Changes the score of member `id`.
    func update(_ id: Int, score: Double) {
        let e = entry(id)
        let old = e.pointee.score
        e.pointee.member.withUnsafeBytes { m in
            treeRemove(score: old, member: m)
            e.pointee.score = score
            treeInsert(score: score, member: m, id: UInt32(id))
        }
    }

    /// Removes member `id`; the last entry takes its id.
    func remove(_ id: Int) {
        let e = entry(id)
        e.pointee.member.withUnsafeBytes { treeRemove(score: e.pointee.score, member: $0) }
        unlink(id)
        let last = count - 1
        if id != last {
            let moved = entry(last)
            // Renumber the last member in the tree while every id it compares with is still valid.
            moved.pointee.member.withUnsafeBytes {
                treeReplaceID(score: moved.pointee.score, member: $0, old: UInt32(last), new: UInt32(id))
            }
            unlink(last)
            _ = e.move()
            e.moveInitialize(from: moved, count: 1)
            let slot = buckets + (Int(e.pointee.hash) & mask)
            e.pointee.next = slot.pointee
            slot.pointee = Int32(id)
        } else {
            _ = e.move()
        }
        count -= 1
        if chunks.count > 1 && (chunks.count - 2) << ZSetTable.chunkShift >= count {
            chunks.removeLast().deallocate()
        }
        if mask + 1 > 4 && count * 8 < mask + 1 { rehash(to: max(4, (count * 2).nextPowerOfTwo)) }
    }

    private func unlink(_ id: Int) {
        var slot = buckets + (Int(entry(id).pointee.hash) & mask)
        while Int(slot.pointee) != id {
            precondition(slot.pointee >= 0, "ZSetTable chain corrupted")
            slot = nextSlot(Int(slot.pointee))
        }
        slot.pointee = entry(id).pointee.next
    }

    @inline(__always)
    private func nextSlot(_ i: Int) -> UnsafeMutablePointer<Int32> {
        (UnsafeMutableRawPointer(entry(i)) + MemoryLayout<ZSetEntry>.offset(of: \ZSetEntry.next)!)
            .assumingMemoryBound(to: Int32.self)
    }

    private func rehash(to size: Int) {
        buckets.deallocate()
        buckets = .allocate(capacity: size)
        buckets.initialize(repeating: -1, count: size)
        mask = size - 1
        for i in 0..<count {
            let e = entry(i)
            let slot = buckets + (Int(e.pointee.hash) & mask)
            e.pointee.next = slot.pointee
            slot.pointee = Int32(i)
        }
    }

    // MARK: - SCAN

    /// Calls `body` with the ids in the bucket the cursor names and returns the next cursor (0 when done),
    /// Redis's reverse-binary dictScan on a single table.
    func scan(cursor: UInt64, _ body: (Int) -> Void) -> UInt64 {
        if count == 0 { return 0 }
        let m = UInt64(mask)
        var i = Int(buckets[Int(cursor & m)])
        while i >= 0 {
            let next = Int(entry(i).pointee.next)
            body(i)
            i = next
        }
        var v = cursor | ~m
        v = (v.bitReversed &+ 1).bitReversed
        return v
    }

    // MARK: - Copy

    /// A deep copy with the same ids, buckets and tree shape.
    func copy() -> ZSetTable {
        let t = ZSetTable(capacity: 0)
        t.reserve(count)
        for i in 0..<count { t.entry(i).initialize(to: entry(i).pointee) }
        t.count = count
        t.buckets.deallocate()
        t.buckets = .allocate(capacity: mask + 1)
        t.buckets.update(from: buckets, count: mask + 1)
        t.mask = mask
        freeTree(t.root, t.height)
        var previous: ZLeaf? = nil
        t.root = cloneTree(root, height, previousLeaf: &previous)
        t.height = height
        return t
    }
}
