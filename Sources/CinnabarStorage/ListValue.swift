// The list type's API (Redis's t_list.c "List API" over quicklist.c): a sequence of byte strings kept in nodes (see
// ListNode). A small list is one node and reports the "listpack" encoding; once pushes would take it past
// list-max-listpack-size it becomes a "quicklist", a sequence of nodes each within that limit, and it goes back to
// one node when it shrinks to half the limit, as Redis converts. Positions are found by walking the node counts from
// the nearer end, so LINDEX and LSET cost O(nodes) + O(node), like Redis's quicklist.
// SPDX-License-Identifier: BSD-3-Clause

/// list-max-listpack-size: positive, the most entries per node; negative, a node size of 4, 8, 16, 32 or 64 KB.
public struct ListLimits: Sendable {
    public var fill: Int
    public init(fill: Int = -2) { self.fill = fill }

    /// quicklistNodeLimit: (size limit, count limit); one of them is unbounded.
    var limits: (size: Int, count: Int) {
        if fill >= 0 { return (Int.max, fill == 0 ? 1 : fill) }
        // optimization_level: 4, 8, 16, 32 or 64 KB for -1...-5 (and beyond).
        return (4096 << min(-fill - 1, 4), Int.max)
    }

    /// quicklistNodeExceedsLimit.
    func exceeds(size: Int, count: Int) -> Bool {
        let (sizeLimit, countLimit) = limits
        if sizeLimit != Int.max { return size > sizeLimit }
        // A count limit still keeps nodes within the 8 KB safety size.
        return size > 8192 || count > countLimit
    }
}

public enum ListEnd: Sendable {
    case head, tail
}

public final class ListValue: EncodedCollection, DigestibleValue {
    /// The nodes, head first; never empty. One node while the encoding is listpack.
    var nodes: NodeList
    /// The element count, and the quicklist flag in the top bit: one word, so the object is a 48-byte malloc chunk.
    private var countAndFlag: UInt64 = 0

    public private(set) var count: Int {
        @inline(__always) get { Int(truncatingIfNeeded: countAndFlag & ~(1 << 63)) }
        set { countAndFlag = (countAndFlag & (1 << 63)) | UInt64(newValue) }
    }

    public private(set) var isQuicklist: Bool {
        @inline(__always) get { countAndFlag >> 63 != 0 }
        set { countAndFlag = newValue ? countAndFlag | (1 << 63) : countAndFlag & ~(1 << 63) }
    }

    /// A quicklist's new end node starts with room for a run of pushes rather than growing from one entry.
    static var newNodeCapacity: Int { 1024 - ListNode.headerSize - 8 }

    /// An empty list (a key never holds one: the caller pushes right away).
    public init() {
        nodes = NodeList(ListNode.make(capacity: 0))
    }

    deinit {
        for n in nodes { n.release() }
    }

    public var encodingName: String { isQuicklist ? "quicklist" : "listpack" }

    public func duplicate() -> AnyObject {
        let copy = ListValue()
        copy.nodes[0].release()
        copy.nodes = NodeList(copying: nodes)
        copy.count = count
        copy.isQuicklist = isQuicklist
        return copy
    }

    public var heapSize: Int {
        var total = 48 + nodes.arrayBytes
        for n in nodes { total += n.allocatedBytes }
        return total
    }

    public func mixDigest(into digest: inout [UInt8]) {
        forEach { Digest.mix(&digest, $0) }
    }

    // MARK: - Encoding conversion

    /// listTypeTryConvertListpack: before adding elements of `addBytes` total length (`addCount` of them), a
    /// listpack that would pass the limit becomes a quicklist.
    public func prepareForAdding(bytes addBytes: Int, count addCount: Int, limits: ListLimits) {
        guard !isQuicklist else { return }
        if limits.exceeds(size: nodes[0].listpackBytes + addBytes, count: count + addCount) {
            isQuicklist = true
        }
    }

    /// listTypeTryConvertQuicklist after a removal: a quicklist of one node within half the limits becomes a
    /// listpack again.
    public func shrunk(limits: ListLimits) {
        guard isQuicklist, nodes.count == 1 else { return }
        var (sizeLimit, countLimit) = limits.limits
        if sizeLimit != Int.max { sizeLimit /= 2 }
        if countLimit != Int.max { countLimit /= 2 }
        if nodes[0].listpackBytes > sizeLimit || count > countLimit { return }
        isQuicklist = false
    }

    /// The most entry bytes a quicklist node holds under a size limit (no cap for a listpack or a count limit).
    @inline(__always)
    private func nodeBytesLimit(_ limits: ListLimits) -> Int {
        guard isQuicklist else { return Int.max }
        let size = limits.limits.size
        return size == Int.max ? Int.max : size - ListNode.listpackOverhead
    }

    /// Whether a quicklist node can take one more element of `n` bytes (_quicklistNodeAllowInsert).
    @inline(__always)
    private func nodeAllows(_ node: ListNode, _ n: Int, _ limits: ListLimits) -> Bool {
        !limits.exceeds(size: node.listpackBytes + n + 8, count: node.count + 1)
    }

    // MARK: - Push and pop

    /// Pushes one element at `end`. Call ``prepareForAdding(bytes:count:limits:)`` first.
    public func push(_ s: UnsafeRawBufferPointer, at end: ListEnd, limits: ListLimits) {
        let size = ListNode.entrySize(s.count)
        if end == .head {
            if isQuicklist && nodes[0].count > 0 && !nodeAllows(nodes[0], s.count, limits) {
                nodes.insert(ListNode.make(capacity: max(size, ListValue.newNodeCapacity), atFront: true), at: 0)
            }
            let node = nodes[0].reserve(front: size, back: 0, limit: nodeBytesLimit(limits))
            nodes[0] = node
            node.pushFront(s)
        } else {
            let last = nodes.count - 1
            if isQuicklist && nodes[last].count > 0 && !nodeAllows(nodes[last], s.count, limits) {
                nodes.append(ListNode.make(capacity: max(size, ListValue.newNodeCapacity)))
            }
            let i = nodes.count - 1
            let node = nodes[i].reserve(front: 0, back: size, limit: nodeBytesLimit(limits))
            nodes[i] = node
            node.pushBack(s)
        }
        count += 1
    }

    /// Calls `body` with the element at `end`. Precondition: not empty.
    @inline(__always)
    public func withElement<R>(at end: ListEnd, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if end == .head {
            let n = nodes[0]
            return try body(n.entry(at: n.start).bytes)
        }
        let n = nodes[nodes.count - 1]
        return try body(n.entry(endingAt: n.end).bytes)
    }

    /// Removes the element at `end`. Precondition: not empty.
    public func removeElement(at end: ListEnd) {
        let i = end == .head ? 0 : nodes.count - 1
        let n = nodes[i]
        if end == .head {
            n.remove(from: n.start, to: n.entry(at: n.start).next, entries: 1)
        } else {
            n.remove(from: n.entry(endingAt: n.end).start, to: n.end, entries: 1)
        }
        count -= 1
        nodeShrank(i)
    }

    /// Pops the element at `end` as `Bytes`. Precondition: not empty.
    public func pop(at end: ListEnd) -> Bytes {
        let b = withElement(at: end) { Bytes($0) }
        removeElement(at: end)
        return b
    }

    /// After entries left node `i`: drops it when empty (keeping at least one node), or gives memory back.
    private func nodeShrank(_ i: Int) {
        let n = nodes[i]
        if n.count == 0 && nodes.count > 1 {
            n.release()
            nodes.remove(at: i)
        } else {
            nodes[i] = n.shrinkIfSparse()
        }
    }

    // MARK: - Positions

    /// A position: node index and the data offset of the entry's first byte.
    public struct Position {
        var node: Int
        var offset: Int
    }

    /// The position of element `index` (0-based from the head, in range).
    public func position(_ index: Int) -> Position {
        if index < count / 2 {
            var i = index
            var k = 0
            while i >= nodes[k].count {
                i -= nodes[k].count
                k += 1
            }
            let n = nodes[k]
            var o = n.start
            for _ in 0..<i { o = n.entry(at: o).next }
            return Position(node: k, offset: o)
        }
        var i = count - 1 - index  // from the tail
        var k = nodes.count - 1
        while i >= nodes[k].count {
            i -= nodes[k].count
            k -= 1
        }
        let n = nodes[k]
        var o = n.end
        for _ in 0...i { o = n.entry(endingAt: o).start }
        return Position(node: k, offset: o)
    }

    /// The element at a position.
    @inline(__always)
    public func element(at p: Position) -> UnsafeRawBufferPointer { nodes[p.node].entry(at: p.offset).bytes }

    /// The position after `p`, or nil at the tail.
    @inline(__always)
    public func next(_ p: Position) -> Position? {
        let n = nodes[p.node]
        let o = n.entry(at: p.offset).next
        if o < n.end { return Position(node: p.node, offset: o) }
        var k = p.node + 1
        while k < nodes.count {
            if nodes[k].count > 0 { return Position(node: k, offset: nodes[k].start) }
            k += 1
        }
        return nil
    }

    /// The position before `p`, or nil at the head.
    @inline(__always)
    public func previous(_ p: Position) -> Position? {
        let n = nodes[p.node]
        if p.offset > n.start { return Position(node: p.node, offset: n.entry(endingAt: p.offset).start) }
        var k = p.node - 1
        while k >= 0 {
            let m = nodes[k]
            if m.count > 0 { return Position(node: k, offset: m.entry(endingAt: m.end).start) }
            k -= 1
        }
        return nil
    }

    /// Calls `body` with every element from the head; stops when it returns false.
    public func forEach(_ body: (UnsafeRawBufferPointer) throws -> Bool) rethrows {
        for n in nodes {
            var o = n.start
            let e = n.end
            while o < e {
                let (bytes, next) = n.entry(at: o)
                if try !body(bytes) { return }
                o = next
            }
        }
    }

    /// Calls `body` with every element from the head.
    public func forEach(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try forEach { (s: UnsafeRawBufferPointer) -> Bool in
            try body(s)
            return true
        }
    }

    /// Calls `body` with elements `start...end` (in range, start ≤ end) in order.
    public func forEach(in range: ClosedRange<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var p = position(range.lowerBound)
        var remaining = range.count
        var n = nodes[p.node]
        var o = p.offset
        while true {
            while o < n.end {
                let (bytes, next) = n.entry(at: o)
                try body(bytes)
                remaining -= 1
                if remaining == 0 { return }
                o = next
            }
            p.node += 1
            n = nodes[p.node]
            o = n.start
        }
    }

    /// Calls `body` with every element from the tail; stops when it returns false.
    public func forEachReversed(_ body: (UnsafeRawBufferPointer) throws -> Bool) rethrows {
        for n in nodes.reversed() {
            var o = n.end
            let s = n.start
            while o > s {
                let (bytes, start) = n.entry(endingAt: o)
                if try !body(bytes) { return }
                o = start
            }
        }
    }

    // MARK: - Edits at a position

    /// LSET: replaces the element at `index` (in range). Call ``prepareForAdding`` with the new element first.
    public func replace(at index: Int, with s: UnsafeRawBufferPointer) {
        let p = position(index)
        var n = nodes[p.node]
        let old = n.entry(at: p.offset)
        let oldSize = old.next - p.offset
        let newSize = ListNode.entrySize(s.count)
        let relative = p.offset - n.start
        if newSize > oldSize {
            n = n.reserve(front: 0, back: newSize - oldSize)
            nodes[p.node] = n
        }
        let o = n.start + relative
        let tail = n.end - (o + oldSize)
        (n.data + o + newSize).copyMemory(from: n.data + o + oldSize, byteCount: tail)
        n.end += newSize - oldSize
        _ = ListNode.write(s, at: n.data + o)
        // Like quicklistReplaceEntry, the node takes the new element in place even past the limit.
    }

    /// LINSERT: inserts `s` before (or after) the element at `p`. Call ``prepareForAdding`` first.
    public func insert(_ s: UnsafeRawBufferPointer, at p: Position, after: Bool, limits: ListLimits) {
        var n = nodes[p.node]
        var relative = p.offset - n.start
        if after { relative = n.entry(at: p.offset).next - n.start }
        let size = ListNode.entrySize(s.count)
        n = n.reserve(front: 0, back: size)
        nodes[p.node] = n
        n.insert(s, at: n.start + relative)
        count += 1
        if isQuicklist { splitIfNeeded(p.node, limits) }
    }

    /// A quicklist node past the limit after an insertion in its middle splits in two.
    private func splitIfNeeded(_ k: Int, _ limits: ListLimits) {
        let n = nodes[k]
        guard n.count > 1, limits.exceeds(size: n.listpackBytes, count: n.count) else { return }
        let keep = n.count / 2
        var o = n.start
        for _ in 0..<keep { o = n.entry(at: o).next }
        let moved = n.end - o
        let right = ListNode.make(capacity: moved)
        right.data.copyMemory(from: n.data + o, byteCount: moved)
        right.end = moved
        right.count = n.count - keep
        n.end = o
        n.count = keep
        nodes.insert(right, at: k + 1)
    }

    /// Removes the element at `p` and returns the position of the element that followed it, if any.
    @discardableResult
    public func remove(at p: Position) -> Position? {
        let n = nodes[p.node]
        let next = n.entry(at: p.offset).next
        let relative = p.offset - n.start
        let wasLast = next == n.end
        n.remove(from: p.offset, to: next, entries: 1)
        count -= 1
        let nodesBefore = nodes.count
        nodeShrank(p.node)
        if nodes.count < nodesBefore {
            // The node went away; the next element is the head of what is now node p.node.
            return p.node < nodes.count ? Position(node: p.node, offset: nodes[p.node].start) : nil
        }
        let m = nodes[p.node]
        if wasLast || m.count == 0 {
            var k = p.node + 1
            while k < nodes.count {
                if nodes[k].count > 0 { return Position(node: k, offset: nodes[k].start) }
                k += 1
            }
            return nil
        }
        return Position(node: p.node, offset: m.start + relative)
    }

    /// LREM: removes up to `limit` elements equal to `s` (0: all), scanning from the head or the tail. Returns how
    /// many were removed.
    public func remove(matching s: UnsafeRawBufferPointer, limit: Int, fromTail: Bool) -> Int {
        guard count > 0 else { return 0 }
        var removed = 0
        if !fromTail {
            var p: Position? = position(0)
            while let cur = p {
                let e = element(at: cur)
                if e.count == s.count && memEqual(e, s) {
                    p = remove(at: cur)
                    removed += 1
                    if removed == limit { break }
                } else {
                    p = next(cur)
                }
            }
            return removed
        }
        var p: Position? = position(count - 1)
        while let cur = p {
            let prev = previous(cur)
            let e = element(at: cur)
            if e.count == s.count && memEqual(e, s) {
                // Removing `cur` can move its node's bytes (never an earlier node's): keep `prev` relative.
                let relative = prev.map { ($0.node, $0.offset - nodes[$0.node].start) }
                remove(at: cur)
                removed += 1
                if removed == limit { break }
                p = relative.map { Position(node: $0.0, offset: nodes[$0.0].start + $0.1) }
            } else {
                p = prev
            }
        }
        return removed
    }

    /// LTRIM: removes `head` elements from the head and `tail` from the tail (head + tail ≤ count).
    public func trim(head: Int, tail: Int) {
        var h = head
        while h > 0 {
            let n = nodes[0]
            if n.count <= h && nodes.count > 1 {
                h -= n.count
                count -= n.count
                n.release()
                nodes.remove(at: 0)
                continue
            }
            var o = n.start
            let k = min(h, n.count)
            for _ in 0..<k { o = n.entry(at: o).next }
            n.remove(from: n.start, to: o, entries: k)
            count -= k
            h -= k
            nodeShrank(0)
        }
        var t = tail
        while t > 0 {
            let last = nodes.count - 1
            let n = nodes[last]
            if n.count <= t && nodes.count > 1 {
                t -= n.count
                count -= n.count
                n.release()
                nodes.removeLast()
                continue
            }
            var o = n.end
            let k = min(t, n.count)
            for _ in 0..<k { o = n.entry(endingAt: o).start }
            n.remove(from: o, to: n.end, entries: k)
            count -= k
            t -= k
            nodeShrank(nodes.count - 1)
        }
    }
}

/// A list's nodes: the first inline and the rest in an array that exists only once there are two or more, so a
/// small (listpack) list costs no array allocation. Index 0 is the head.
struct NodeList: RandomAccessCollection, MutableCollection {
    private var head: ListNode
    private var rest: ContiguousArray<ListNode> = []

    init(_ head: ListNode) { self.head = head }

    /// Copies every node (COPY).
    init(copying other: NodeList) {
        head = other.head.copy()
        rest = ContiguousArray(other.rest.map { $0.copy() })
    }

    var startIndex: Int { 0 }
    var endIndex: Int { rest.count + 1 }

    subscript(i: Int) -> ListNode {
        @inline(__always) get { i == 0 ? head : rest[i - 1] }
        set {
            if i == 0 { head = newValue } else { rest[i - 1] = newValue }
        }
    }

    /// Heap bytes of the array part (MEMORY USAGE).
    var arrayBytes: Int { rest.capacity == 0 ? 0 : 32 + 8 * rest.capacity }

    mutating func insert(_ node: ListNode, at i: Int) {
        if i == 0 {
            rest.insert(head, at: 0)
            head = node
        } else {
            rest.insert(node, at: i - 1)
        }
    }

    mutating func append(_ node: ListNode) { rest.append(node) }

    /// Removes node `i`; a list always keeps at least one node, so the head is removed only when another follows.
    mutating func remove(at i: Int) {
        precondition(count > 1, "a list keeps one node")
        if i == 0 {
            head = rest.removeFirst()
        } else {
            rest.remove(at: i - 1)
        }
        if rest.isEmpty { rest = [] }
    }

    mutating func removeLast() { remove(at: count - 1) }
}
