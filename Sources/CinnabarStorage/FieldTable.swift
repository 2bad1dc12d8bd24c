// The "hashtable" encoding of big hashes and sets: Redis's dict semantics with KeyTable's layout, sized for
// collections.
//  - Entries live in a dense array: the first chunk grows by doubling up to 1024 entries (so a table of a few
//    hundred members costs a few kilobytes, not a whole chunk), later chunks hold 1024 entries each and growing
//    never copies them. A deleted entry's hole is filled by the last entry.
//  - Buckets are Int32 chain heads threaded through the entries; growing and shrinking rehash incrementally, one
//    bucket per write, as Redis's dict does for collections.
//  - HSCAN/SSCAN walk buckets with Redis's reverse-binary cursor (both tables while rehashing), so a member
//    present for the whole iteration is returned at least once across resizes.
//  - A random entry is one random index into the dense array: O(1) and uniform (SPOP, SRANDMEMBER, HRANDFIELD).
// SPDX-License-Identifier: BSD-3-Clause

/// One member: its bytes, the value (a hash's value; nothing for sets), the 32-bit hash and the chain link.
struct FieldEntry<V> {
    var key: Bytes
    var value: V
    var hash: UInt32
    var next: Int32
}

/// A hash table from byte strings to `V` (see the file comment).
final class FieldTable<V> {
    static var chunkShift: Int { 10 }
    static var chunkSize: Int { 1 << chunkShift }
    static var minimumBuckets: Int { 4 }

    /// Entries 0..<firstCapacity.
    private var first: UnsafeMutablePointer<FieldEntry<V>>
    private var firstCapacity: Int
    /// Entries from chunkSize on, chunkSize per chunk.
    private var more: [UnsafeMutablePointer<FieldEntry<V>>] = []
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
        for i in 0..<count { _ = entry(i).move() }
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

    @inline(__always)
    func entry(_ index: Int) -> UnsafeMutablePointer<FieldEntry<V>> {
        if index < FieldTable.chunkSize { return first + index }
        return more[(index >> FieldTable.chunkShift) - 1] + (index & (FieldTable.chunkSize - 1))
    }

    var bucketCount: Int { mask0 + 1 + (table1 == nil ? 0 : mask1 + 1) }

    /// Bytes of the table's own structures (entries, buckets, the object), not the members' heap blocks.
    var overheadBytes: Int {
        64 + bucketCount * 4
            + (firstCapacity + more.count * FieldTable.chunkSize) * MemoryLayout<FieldEntry<V>>.stride
    }

    @inline(__always)
    private func headSlot(_ hash: UInt32) -> UnsafeMutablePointer<Int32> {
        let b0 = Int(hash) & mask0
        if rehashIndex >= 0 && b0 < rehashIndex { return table1! + (Int(hash) & mask1) }
        return table0 + b0
    }

    // MARK: - Lookup

    /// Index of the entry for `key`, or nil.
    func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        let h = UInt32(truncatingIfNeeded: hash)
        var i = Int(headSlot(h).pointee)
        while i >= 0 {
            let e = entry(i)
            if e.pointee.hash == h && e.pointee.key.equals(key) { return i }
            i = Int(e.pointee.next)
        }
        return nil
    }

    func find(_ key: UnsafeRawBufferPointer) -> Int? { find(key, hash: keyHash(key)) }

    // MARK: - Insert and remove

    /// Adds an entry for a key that is not present and returns its index.
    @discardableResult
    func insert(_ key: Bytes, hash: UInt64, value: V) -> Int {
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
        let h = UInt32(truncatingIfNeeded: hash)
        let head = headSlot(h)
        entry(index).initialize(to: FieldEntry(key: key, value: value, hash: h, next: head.pointee))
        head.pointee = Int32(index)
        count += 1
        return index
    }

    private func resizeFirst(to capacity: Int) {
        let p = UnsafeMutablePointer<FieldEntry<V>>.allocate(capacity: capacity)
        p.moveInitialize(from: first, count: min(count, FieldTable.chunkSize))
        first.deallocate()
        first = p
        firstCapacity = capacity
    }

    /// Removes the entry at `index` and returns it. The last entry moves into its place.
    @discardableResult
    func remove(at index: Int) -> (key: Bytes, value: V) {
        let e = entry(index)
        unlink(index, hash: e.pointee.hash)
        let removed = e.move()
        let last = count - 1
        if index != last {
            let moved = entry(last)
            let h = moved.pointee.hash
            e.moveInitialize(from: moved, count: 1)
            relink(from: last, to: index, hash: h)
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
        return (removed.key, removed.value)
    }

    private func nextSlot(_ index: Int) -> UnsafeMutablePointer<Int32> {
        (UnsafeMutableRawPointer(entry(index)) + MemoryLayout<FieldEntry<V>>.offset(of: \FieldEntry<V>.next)!)
            .assumingMemoryBound(to: Int32.self)
    }

    private func unlink(_ index: Int, hash: UInt32) {
        var slot = headSlot(hash)
        while Int(slot.pointee) != index {
            precondition(slot.pointee >= 0, "FieldTable chain corrupted")
            slot = nextSlot(Int(slot.pointee))
        }
        slot.pointee = entry(index).pointee.next
    }

    private func relink(from old: Int, to new: Int, hash: UInt32) {
        var slot = headSlot(hash)
        while Int(slot.pointee) != old {
            precondition(slot.pointee >= 0, "FieldTable chain corrupted")
            slot = nextSlot(Int(slot.pointee))
        }
        slot.pointee = Int32(new)
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
                let b = Int(e.pointee.hash) & mask1
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
