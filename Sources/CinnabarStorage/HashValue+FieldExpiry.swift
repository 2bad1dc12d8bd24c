// Hash-field expiration (Redis 7.4's HEXPIRE family): a field may carry a deadline in Unix milliseconds, after which
// it no longer exists. The deadlines live in a side table (FieldDeadlines) that a hash gets with its first deadline
// and loses with its last, so a hash without any costs nothing: the table takes the place of the hash's encoding
// word and holds that word itself. The table maps each field to its deadline and keeps a min-heap of (deadline,
// field) so that finding and removing the due fields costs O(log n) each, whatever the encoding. Heap entries are
// invalidated lazily: an entry counts only while the map still holds the same deadline for its field, and the heap
// is rebuilt from the map when stale entries outnumber live ones.
// Expiry itself is driven from outside: the hash commands call ``HashValue/expireFields(before:limit:)`` before
// they look at a hash (lazy expiry), and the active-expire cycle calls it for the hashes a database registered.
// SPDX-License-Identifier: BSD-3-Clause

/// The field deadlines of one hash (see the file comment).
final class FieldDeadlines {
    /// The hash's encoding word, displaced by this table (see HashValue.storage).
    var word: UInt
    /// Field → deadline (Unix ms).
    private(set) var byField: [Bytes: Int64] = [:]
    /// Min-heap on `at`; an entry is stale when `byField[field] != at`.
    private var heap: [(at: Int64, field: Bytes)] = []

    init(word: UInt) { self.word = word }

    var count: Int { byField.count }

    func deadline(_ field: UnsafeRawBufferPointer) -> Int64? { byField[Bytes(field)] }

    func set(_ field: Bytes, at when: Int64) {
        if byField.updateValue(when, forKey: field) == when { return }
        push((when, field))
        if heap.count > 2 * byField.count + 32 { rebuildHeap() }
    }

    @discardableResult
    func remove(_ field: Bytes) -> Bool {
        guard byField.removeValue(forKey: field) != nil else { return false }
        if heap.count > 2 * byField.count + 32 { rebuildHeap() }
        return true
    }

    /// The earliest deadline (RDB's minimum expire), without touching the heap.
    var minimum: Int64? { byField.values.min() }

    /// The earliest live deadline and its field, dropping stale heap entries on the way.
    func earliest() -> (at: Int64, field: Bytes)? {
        while let top = heap.first {
            if byField[top.field] == top.at { return top }
            popTop()
        }
        return nil
    }

    func copyDeadlines(from other: FieldDeadlines) {
        byField = other.byField
        rebuildHeap()
    }

    /// Bytes held by the table for MEMORY USAGE: the object, the map's storage (key, value and a control byte per
    /// slot) and the heap's, plus the fields' heap strings (each field is held by both).
    var heapBytes: Int {
        var strings = 0
        for field in byField.keys { strings += field.heapBytes }
        return 48 + byField.capacity * (MemoryLayout<Bytes>.stride + 8 + 1)
            + heap.capacity * MemoryLayout<(at: Int64, field: Bytes)>.stride + 2 * strings
    }

    // MARK: - Heap

    private func rebuildHeap() {
        heap.removeAll(keepingCapacity: heap.capacity <= 2 * byField.count + 32)
        heap.reserveCapacity(byField.count)
        for (field, at) in byField { heap.append((at, field)) }
        var i = heap.count / 2
        while i > 0 {
            i -= 1
            siftDown(i)
        }
    }

    private func push(_ item: (at: Int64, field: Bytes)) {
        heap.append(item)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if heap[parent].at <= heap[i].at { break }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    private func popTop() {
        let last = heap.removeLast()
        if heap.isEmpty { return }
        heap[0] = last
        siftDown(0)
    }

    private func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let l = 2 * i + 1
            if l >= n { return }
            var m = l
            if l + 1 < n && heap[l + 1].at < heap[l].at { m = l + 1 }
            if heap[i].at <= heap[m].at { return }
            heap.swapAt(i, m)
            i = m
        }
    }
}

extension HashValue {
    /// True while at least one field has a deadline.
    public var hasFieldDeadlines: Bool { deadlines != nil }

    /// The deadline of `field` in Unix milliseconds, nil when it has none (or does not exist).
    public func fieldDeadline(_ field: UnsafeRawBufferPointer) -> Int64? {
        deadlines?.deadline(field)
    }

    /// Gives an existing field a deadline (replacing any previous one).
    public func setFieldDeadline(_ field: UnsafeRawBufferPointer, at when: Int64) {
        attachDeadlines().set(Bytes(field), at: when)
    }

    /// Makes `field` persistent; returns whether it had a deadline. The side table goes with its last deadline.
    @discardableResult
    public func removeFieldDeadline(_ field: UnsafeRawBufferPointer) -> Bool {
        guard let d = deadlines, d.remove(Bytes(field)) else { return false }
        if d.count == 0 { detachDeadlines() }
        return true
    }

    /// The earliest field deadline, nil when no field has one.
    public var nextFieldDeadline: Int64? { deadlines?.earliest()?.at }

    /// Deletes up to `limit` fields whose deadline is before `now` (a field lives through the millisecond of its
    /// deadline, as keys do), earliest first, and returns how many it deleted. The hash may be left empty: the
    /// caller deletes the key then.
    @discardableResult
    public func expireFields(before now: Int64, limit: Int = .max) -> Int {
        var expired = 0
        while expired < limit, let d = deadlines, let (at, field) = d.earliest(), at < now {
            field.withUnsafeBytes { _ = remove($0) }
            expired += 1
        }
        return expired
    }
}

extension Bytes {
    /// Heap bytes held by this string (0 when inline): the storage object's header and count, and the bytes.
    var heapBytes: Int { count > Bytes.inlineCapacity ? count + 32 : 0 }
}
