// The order of a big sorted set: a counted B+tree over (score, member id), compared by score and then by the
// member's bytes (memcmp, then length), as Redis's skiplist orders ties.
//
// Why a B+tree and not Redis's skiplist: a skiplist node is one allocation per member (about 45 bytes with its
// levels and spans) and a lookup chases ~2·log2(n) pointers to nodes scattered over the heap. Here a leaf packs 64
// scores and ids (12 bytes per member, ~17 at the usual fill), inner nodes keep each child's size (for rank and
// select) and largest key (for search), and a lookup in a million members visits four nodes, each a binary search
// over contiguous memory. Ranges walk the leaves through their neighbour links.
//
// Nodes are raw memory owned by their ZSetTable (freed in its deinit), not classes: no reference counting while
// descending. Keys in nodes carry ids, and a comparison on equal scores reads the member from the entry array;
// ZSetTable renumbers a moved member with treeReplaceID before it moves the entry.
// SPDX-License-Identifier: BSD-3-Clause
#if canImport(Glibc)
import Glibc
#endif

/// A leaf: a count, neighbour links, then `capacity` scores and `capacity` ids.
struct ZLeaf {
    static let capacity = 64
    static let scoresOffset = 24
    static let idsOffset = scoresOffset + 8 * capacity
    static let byteCount = idsOffset + 4 * capacity
    let raw: UnsafeMutableRawPointer

    init(raw: UnsafeMutableRawPointer) { self.raw = raw }

    static func allocate() -> ZLeaf {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 8)
        raw.storeBytes(of: 0, as: Int.self)
        raw.storeBytes(of: 0, toByteOffset: 8, as: UInt.self)
        raw.storeBytes(of: 0, toByteOffset: 16, as: UInt.self)
        (raw + scoresOffset).bindMemory(to: Double.self, capacity: capacity)
        (raw + idsOffset).bindMemory(to: UInt32.self, capacity: capacity)
        return ZLeaf(raw: raw)
    }

    var count: Int {
        @inline(__always) get { raw.load(as: Int.self) }
        @inline(__always) nonmutating set { raw.storeBytes(of: newValue, as: Int.self) }
    }
    var prev: ZLeaf? {
        get { UnsafeMutableRawPointer(bitPattern: raw.load(fromByteOffset: 8, as: UInt.self)).map(ZLeaf.init) }
        nonmutating set { raw.storeBytes(of: UInt(bitPattern: newValue?.raw), toByteOffset: 8, as: UInt.self) }
    }
    var next: ZLeaf? {
        get { UnsafeMutableRawPointer(bitPattern: raw.load(fromByteOffset: 16, as: UInt.self)).map(ZLeaf.init) }
        nonmutating set { raw.storeBytes(of: UInt(bitPattern: newValue?.raw), toByteOffset: 16, as: UInt.self) }
    }
    var scores: UnsafeMutablePointer<Double> {
        @inline(__always) get { (raw + ZLeaf.scoresOffset).assumingMemoryBound(to: Double.self) }
    }
    var ids: UnsafeMutablePointer<UInt32> {
        @inline(__always) get { (raw + ZLeaf.idsOffset).assumingMemoryBound(to: UInt32.self) }
    }

    /// Moves slots `from..<count` by `delta` (positive opens a gap, negative closes one).
    func shift(from: Int, by delta: Int) {
        let n = count - from
        if n <= 0 { return }
        memmove(scores + from + delta, scores + from, n * 8)
        memmove(ids + from + delta, ids + from, n * 4)
    }

    func insert(at p: Int, _ score: Double, _ id: UInt32) {
        shift(from: p, by: 1)
        scores[p] = score
        ids[p] = id
        count += 1
    }

    func remove(at p: Int) {
        shift(from: p + 1, by: -1)
        count -= 1
    }

    /// Copies `n` slots from `source` at `from` to this leaf at `to` (the regions do not overlap).
    func copy(_ n: Int, from source: ZLeaf, at from: Int, to: Int) {
        memcpy(scores + to, source.scores + from, n * 8)
        memcpy(ids + to, source.ids + from, n * 4)
    }
}

/// An inner node: a child count, the subtree total, then per child its pointer, size, largest score and its id.
struct ZInner {
    static let capacity = 64
    static let childrenOffset = 16
    static let countsOffset = childrenOffset + 8 * capacity
    static let maxScoresOffset = countsOffset + 8 * capacity
    static let maxIDsOffset = maxScoresOffset + 8 * capacity
    static let byteCount = maxIDsOffset + 4 * capacity
    let raw: UnsafeMutableRawPointer

    init(raw: UnsafeMutableRawPointer) { self.raw = raw }

    static func allocate() -> ZInner {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 8)
        raw.storeBytes(of: 0, as: Int.self)
        raw.storeBytes(of: 0, toByteOffset: 8, as: Int.self)
        (raw + childrenOffset).bindMemory(to: UnsafeMutableRawPointer.self, capacity: capacity)
        (raw + countsOffset).bindMemory(to: Int.self, capacity: capacity)
        (raw + maxScoresOffset).bindMemory(to: Double.self, capacity: capacity)
        (raw + maxIDsOffset).bindMemory(to: UInt32.self, capacity: capacity)
        return ZInner(raw: raw)
    }

    var count: Int {
        @inline(__always) get { raw.load(as: Int.self) }
        @inline(__always) nonmutating set { raw.storeBytes(of: newValue, as: Int.self) }
    }
    /// Members in the subtree.
    var total: Int {
        @inline(__always) get { raw.load(fromByteOffset: 8, as: Int.self) }
        @inline(__always) nonmutating set { raw.storeBytes(of: newValue, toByteOffset: 8, as: Int.self) }
    }
    var children: UnsafeMutablePointer<UnsafeMutableRawPointer> {
        @inline(__always) get { (raw + ZInner.childrenOffset).assumingMemoryBound(to: UnsafeMutableRawPointer.self) }
    }
    var counts: UnsafeMutablePointer<Int> {
        @inline(__always) get { (raw + ZInner.countsOffset).assumingMemoryBound(to: Int.self) }
    }
    var maxScores: UnsafeMutablePointer<Double> {
        @inline(__always) get { (raw + ZInner.maxScoresOffset).assumingMemoryBound(to: Double.self) }
    }
    var maxIDs: UnsafeMutablePointer<UInt32> {
        @inline(__always) get { (raw + ZInner.maxIDsOffset).assumingMemoryBound(to: UInt32.self) }
    }

    func shift(from: Int, by delta: Int) {
        let n = count - from
        if n <= 0 { return }
        memmove(children + from + delta, children + from, n * 8)
        memmove(counts + from + delta, counts + from, n * 8)
        memmove(maxScores + from + delta, maxScores + from, n * 8)
        memmove(maxIDs + from + delta, maxIDs + from, n * 4)
    }

    func copy(_ n: Int, from source: ZInner, at from: Int, to: Int) {
        memcpy(children + to, source.children + from, n * 8)
        memcpy(counts + to, source.counts + from, n * 8)
        memcpy(maxScores + to, source.maxScores + from, n * 8)
        memcpy(maxIDs + to, source.maxIDs + from, n * 4)
    }

    func recomputeTotal() {
        var t = 0
        for i in 0..<count { t += counts[i] }
        total = t
    }
}

extension ZSetTable {
    // MARK: - Keys

    /// Orders (score, member) against the member `id` with score `s`: negative, zero or positive.
    @inline(__always)
    func compare(_ score: Double, _ member: UnsafeRawBufferPointer, _ s: Double, _ id: UInt32) -> Int {
        if score < s { return -1 }
        if score > s { return 1 }
        return entry(Int(id)).pointee.member.withUnsafeBytes { Bytes.compare(member, $0) }
    }

    /// The first slot of `leaf` whose key is not below (score, member); `after` makes it the first slot above.
    @inline(__always)
    func leafSearch(_ leaf: ZLeaf, _ score: Double, _ member: UnsafeRawBufferPointer, after: Bool) -> Int {
        var lo = 0
        var hi = leaf.count
        let scores = leaf.scores
        let ids = leaf.ids
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = compare(score, member, scores[mid], ids[mid])
            if c > 0 || (after && c == 0) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The child of `inner` whose subtree holds (or would hold) the key: the first with a largest key not below
    /// it, else the last.
    @inline(__always)
    func childIndex(_ inner: ZInner, _ score: Double, _ member: UnsafeRawBufferPointer) -> Int {
        var lo = 0
        var hi = inner.count - 1
        let scores = inner.maxScores
        let ids = inner.maxIDs
        while lo < hi {
            let mid = (lo + hi) >> 1
            if compare(score, member, scores[mid], ids[mid]) > 0 { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    @inline(__always)
    func nodeSize(_ node: UnsafeMutableRawPointer, _ level: Int) -> Int {
        level == 0 ? ZLeaf(raw: node).count : ZInner(raw: node).count
    }

    @inline(__always)
    func nodeTotal(_ node: UnsafeMutableRawPointer, _ level: Int) -> Int {
        level == 0 ? ZLeaf(raw: node).count : ZInner(raw: node).total
    }

    /// Copies child `i`'s largest key into `inner` (the child must not be empty).
    @inline(__always)
    func refreshMax(_ inner: ZInner, _ i: Int, _ level: Int) {
        let child = inner.children[i]
        if level == 0 {
            let leaf = ZLeaf(raw: child)
            inner.maxScores[i] = leaf.scores[leaf.count - 1]
            inner.maxIDs[i] = leaf.ids[leaf.count - 1]
        } else {
            let c = ZInner(raw: child)
            inner.maxScores[i] = c.maxScores[c.count - 1]
            inner.maxIDs[i] = c.maxIDs[c.count - 1]
        }
    }

    /// Where a full node of `n` slots splits when a slot is added at `p`: appends to the rightmost node and
    /// prepends to the leftmost one leave the old node full (sequential scores, such as timestamps, then fill
    /// nodes completely); anything else splits in half.
    @inline(__always)
    func splitPoint(_ p: Int, _ n: Int, leftmost: Bool, rightmost: Bool) -> Int {
        if p == n && rightmost { return n }
        if p == 0 && leftmost { return 0 }
        return n / 2
    }

    // MARK: - Insert

    /// Adds (score, id); the member's bytes are passed for the comparisons.
    func treeInsert(score: Double, member: UnsafeRawBufferPointer, id: UInt32) {
        guard let right = insert(root, height, score, member, id, leftmost: true, rightmost: true) else { return }
        let top = ZInner.allocate()
        top.count = 2
        top.children[0] = root
        top.children[1] = right
        top.counts[0] = nodeTotal(root, height)
        top.counts[1] = nodeTotal(right, height)
        top.total = top.counts[0] + top.counts[1]
        refreshMax(top, 0, height)
        refreshMax(top, 1, height)
        root = top.raw
        height += 1
    }

    /// Inserts below `node`; returns a new right sibling when `node` split.
    private func insert(
        _ node: UnsafeMutableRawPointer, _ level: Int, _ score: Double, _ member: UnsafeRawBufferPointer,
        _ id: UInt32, leftmost: Bool, rightmost: Bool
    ) -> UnsafeMutableRawPointer? {
        if level == 0 {
            let leaf = ZLeaf(raw: node)
            let n = leaf.count
            let p = leafSearch(leaf, score, member, after: true)
            if n < ZLeaf.capacity {
                leaf.insert(at: p, score, id)
                return nil
            }
            let keep = splitPoint(p, n, leftmost: leftmost, rightmost: rightmost)
            let right = ZLeaf.allocate()
            right.copy(n - keep, from: leaf, at: keep, to: 0)
            right.count = n - keep
            leaf.count = keep
            right.next = leaf.next
            right.prev = leaf
            leaf.next?.prev = right
            leaf.next = right
            if p < keep || (p == keep && keep < n) {
                leaf.insert(at: p, score, id)
            } else {
                right.insert(at: p - keep, score, id)
            }
            return right.raw
        }
        let inner = ZInner(raw: node)
        let n = inner.count
        let i = childIndex(inner, score, member)
        let child = inner.children[i]
        let split = insert(child, level - 1, score, member, id, leftmost: leftmost && i == 0,
                           rightmost: rightmost && i == n - 1)
        inner.total += 1
        guard let newChild = split else {
            inner.counts[i] += 1
            refreshMax(inner, i, level - 1)
            return nil
        }
        inner.counts[i] = nodeTotal(child, level - 1)
        refreshMax(inner, i, level - 1)
        let q = i + 1
        var target = inner
        var slot = q
        var right: ZInner? = nil
        if n == ZInner.capacity {
            let keep = splitPoint(q, n, leftmost: leftmost, rightmost: rightmost)
            let r = ZInner.allocate()
            r.copy(n - keep, from: inner, at: keep, to: 0)
            r.count = n - keep
            inner.count = keep
            if !(q < keep || (q == keep && keep < n)) {
                target = r
                slot = q - keep
            }
            right = r
        }
        target.shift(from: slot, by: 1)
        target.children[slot] = newChild
        target.counts[slot] = nodeTotal(newChild, level - 1)
        target.count += 1
        refreshMax(target, slot, level - 1)
        inner.recomputeTotal()
        right?.recomputeTotal()
        return right?.raw
    }

    // MARK: - Remove

    /// Removes the member with this key (it must be present).
    func treeRemove(score: Double, member: UnsafeRawBufferPointer) {
        remove(root, height, score, member)
        while height > 0 && ZInner(raw: root).count == 1 {
            let top = root
            root = ZInner(raw: top).children[0]
            top.deallocate()
            height -= 1
        }
    }

    private func remove(
        _ node: UnsafeMutableRawPointer, _ level: Int, _ score: Double, _ member: UnsafeRawBufferPointer
    ) {
        if level == 0 {
            let leaf = ZLeaf(raw: node)
            let p = leafSearch(leaf, score, member, after: false)
            precondition(p < leaf.count && compare(score, member, leaf.scores[p], leaf.ids[p]) == 0,
                         "sorted set order tree lost a member")
            leaf.remove(at: p)
            return
        }
        let inner = ZInner(raw: node)
        let i = childIndex(inner, score, member)
        let child = inner.children[i]
        remove(child, level - 1, score, member)
        inner.counts[i] -= 1
        inner.total -= 1
        let size = nodeSize(child, level - 1)
        let minimum = (level == 1 ? ZLeaf.capacity : ZInner.capacity) / 4
        if size == 0 {
            // An empty child goes at once (an inner node may have a single child after an append split).
            if level == 1 {
                let leaf = ZLeaf(raw: child)
                leaf.prev?.next = leaf.next
                leaf.next?.prev = leaf.prev
            }
            child.deallocate()
            inner.shift(from: i + 1, by: -1)
            inner.count -= 1
        } else if size < minimum && inner.count > 1 {
            rebalance(inner, i, level - 1)
        } else if size > 0 {
            refreshMax(inner, i, level - 1)
        }
    }

    /// Merges child `i` of `inner` with a neighbour, or evens them out when together they would not fit one node.
    private func rebalance(_ inner: ZInner, _ i: Int, _ level: Int) {
        let l = i + 1 < inner.count ? i : i - 1
        let r = l + 1
        let left = inner.children[l]
        let right = inner.children[r]
        let sl = nodeSize(left, level)
        let sr = nodeSize(right, level)
        let capacity = level == 0 ? ZLeaf.capacity : ZInner.capacity
        if sl + sr <= capacity {
            if level == 0 {
                let a = ZLeaf(raw: left)
                let b = ZLeaf(raw: right)
                a.copy(sr, from: b, at: 0, to: sl)
                a.count = sl + sr
                a.next = b.next
                b.next?.prev = a
            } else {
                let a = ZInner(raw: left)
                let b = ZInner(raw: right)
                a.copy(sr, from: b, at: 0, to: sl)
                a.count = sl + sr
                a.total += b.total
            }
            right.deallocate()
            inner.counts[l] += inner.counts[r]
            inner.shift(from: r + 1, by: -1)
            inner.count -= 1
            refreshMax(inner, l, level)
            return
        }
        let targetLeft = (sl + sr) / 2
        if level == 0 {
            let a = ZLeaf(raw: left)
            let b = ZLeaf(raw: right)
            if sl < targetLeft {
                let k = targetLeft - sl
                a.copy(k, from: b, at: 0, to: sl)
                a.count = sl + k
                b.shift(from: k, by: -k)
                b.count = sr - k
            } else {
                let k = sl - targetLeft
                b.shift(from: 0, by: k)
                b.count = sr + k
                b.copy(k, from: a, at: targetLeft, to: 0)
                a.count = targetLeft
            }
            inner.counts[l] = a.count
            inner.counts[r] = b.count
        } else {
            let a = ZInner(raw: left)
            let b = ZInner(raw: right)
            if sl < targetLeft {
                let k = targetLeft - sl
                a.copy(k, from: b, at: 0, to: sl)
                a.count = sl + k
                b.shift(from: k, by: -k)
                b.count = sr - k
            } else {
                let k = sl - targetLeft
                b.shift(from: 0, by: k)
                b.count = sr + k
                b.copy(k, from: a, at: targetLeft, to: 0)
                a.count = targetLeft
            }
            a.recomputeTotal()
            b.recomputeTotal()
            inner.counts[l] = a.total
            inner.counts[r] = b.total
        }
        refreshMax(inner, l, level)
        refreshMax(inner, r, level)
    }

    // MARK: - Renumbering

    /// Replaces id `old` by `new` for the member with this key, in its leaf and wherever it is a largest key.
    func treeReplaceID(score: Double, member: UnsafeRawBufferPointer, old: UInt32, new: UInt32) {
        var node = root
        var level = height
        while level > 0 {
            let inner = ZInner(raw: node)
            let i = childIndex(inner, score, member)
            if inner.maxIDs[i] == old { inner.maxIDs[i] = new }
            node = inner.children[i]
            level -= 1
        }
        let leaf = ZLeaf(raw: node)
        let p = leafSearch(leaf, score, member, after: false)
        precondition(p < leaf.count && leaf.ids[p] == old, "sorted set order tree lost a member")
        leaf.ids[p] = new
    }

    // MARK: - Rank, select, partition

    /// Number of members ordered before (score, member).
    func treeRank(score: Double, member: UnsafeRawBufferPointer) -> Int {
        var rank = 0
        var node = root
        var level = height
        while level > 0 {
            let inner = ZInner(raw: node)
            let i = childIndex(inner, score, member)
            for j in 0..<i { rank += inner.counts[j] }
            node = inner.children[i]
            level -= 1
        }
        return rank + leafSearch(ZLeaf(raw: node), score, member, after: false)
    }

    /// The leaf and slot of the member at `rank` (0 ≤ rank < count).
    func treeSelect(_ rank: Int) -> (leaf: ZLeaf, slot: Int) {
        var r = rank
        var node = root
        var level = height
        while level > 0 {
            let inner = ZInner(raw: node)
            var i = 0
            while i < inner.count - 1 && r >= inner.counts[i] {
                r -= inner.counts[i]
                i += 1
            }
            node = inner.children[i]
            level -= 1
        }
        return (ZLeaf(raw: node), r)
    }

    /// Number of members, from the lowest, for which `before(score, id)` holds; `before` must hold for a prefix
    /// of the order and fail for the rest (a range bound).
    func treePartition(_ before: (Double, UInt32) -> Bool) -> Int {
        var rank = 0
        var node = root
        var level = height
        while level > 0 {
            let inner = ZInner(raw: node)
            var lo = 0
            var hi = inner.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if before(inner.maxScores[mid], inner.maxIDs[mid]) { lo = mid + 1 } else { hi = mid }
            }
            if lo == inner.count { return rank + inner.total }
            for j in 0..<lo { rank += inner.counts[j] }
            node = inner.children[lo]
            level -= 1
        }
        let leaf = ZLeaf(raw: node)
        var lo = 0
        var hi = leaf.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if before(leaf.scores[mid], leaf.ids[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return rank + lo
    }

    /// Calls `body` with the id and score of `n` members from `rank` on, ascending or (`reverse`) descending from
    /// `rank`. `body` must not modify the table.
    func treeWalk(from rank: Int, _ n: Int, reverse: Bool, _ body: (UInt32, Double) throws -> Void) rethrows {
        if n <= 0 { return }
        var (leaf, p) = treeSelect(rank)
        var left = n
        while true {
            try body(leaf.ids[p], leaf.scores[p])
            left -= 1
            if left == 0 { return }
            if reverse {
                p -= 1
                if p < 0 {
                    leaf = leaf.prev!
                    p = leaf.count - 1
                }
            } else {
                p += 1
                if p == leaf.count {
                    leaf = leaf.next!
                    p = 0
                }
            }
        }
    }

    // MARK: - Whole-tree helpers

    func freeTree(_ node: UnsafeMutableRawPointer, _ level: Int) {
        if level > 0 {
            let inner = ZInner(raw: node)
            for i in 0..<inner.count { freeTree(inner.children[i], level - 1) }
        }
        node.deallocate()
    }

    func treeBytes(_ node: UnsafeMutableRawPointer, _ level: Int) -> Int {
        if level == 0 { return ZLeaf.byteCount }
        let inner = ZInner(raw: node)
        var n = ZInner.byteCount
        for i in 0..<inner.count { n += treeBytes(inner.children[i], level - 1) }
        return n
    }

    /// A copy of the subtree; leaves are linked in order through `previousLeaf`.
    func cloneTree(
        _ node: UnsafeMutableRawPointer, _ level: Int, previousLeaf: inout ZLeaf?
    ) -> UnsafeMutableRawPointer {
        if level == 0 {
            let source = ZLeaf(raw: node)
            let leaf = ZLeaf.allocate()
            leaf.copy(source.count, from: source, at: 0, to: 0)
            leaf.count = source.count
            leaf.prev = previousLeaf
            previousLeaf?.next = leaf
            previousLeaf = leaf
            return leaf.raw
        }
        let source = ZInner(raw: node)
        let inner = ZInner.allocate()
        inner.copy(source.count, from: source, at: 0, to: 0)
        inner.count = source.count
        inner.total = source.total
        for i in 0..<source.count {
            inner.children[i] = cloneTree(source.children[i], level - 1, previousLeaf: &previousLeaf)
        }
        return inner.raw
    }

    /// Checks every invariant of the table and the tree (tests): order, sizes, largest keys, leaf links, ids.
    func checkInvariants() {
        var seen = [Bool](repeating: false, count: count)
        var previous: (Double, UInt32)? = nil
        var previousLeaf: ZLeaf? = nil
        func visit(
            _ node: UnsafeMutableRawPointer, _ level: Int, isRoot: Bool
        ) -> (total: Int, max: (Double, UInt32)?) {
            if level == 0 {
                let leaf = ZLeaf(raw: node)
                precondition(isRoot || leaf.count > 0, "empty leaf")
                precondition(leaf.prev?.raw == previousLeaf?.raw, "broken leaf link")
                previousLeaf?.next.map { precondition($0.raw == leaf.raw, "broken leaf link") }
                previousLeaf = leaf
                for p in 0..<leaf.count {
                    let id = leaf.ids[p]
                    precondition(Int(id) < count && !seen[Int(id)], "bad id in leaf")
                    seen[Int(id)] = true
                    precondition(entry(Int(id)).pointee.score.bitPattern == leaf.scores[p].bitPattern,
                                 "leaf score differs from the entry")
                    if let (s, i) = previous {
                        precondition(compareIDs(s, i, leaf.scores[p], id) < 0, "leaf order broken")
                    }
                    previous = (leaf.scores[p], id)
                }
                return (leaf.count, leaf.count > 0 ? (leaf.scores[leaf.count - 1], leaf.ids[leaf.count - 1]) : nil)
            }
            let inner = ZInner(raw: node)
            precondition(inner.count >= (isRoot ? 2 : 1), "empty inner node")
            var total = 0
            var last: (Double, UInt32)? = nil
            for i in 0..<inner.count {
                let (t, m) = visit(inner.children[i], level - 1, isRoot: false)
                precondition(t == inner.counts[i], "child count mismatch")
                precondition(m != nil && m!.0 == inner.maxScores[i] && m!.1 == inner.maxIDs[i], "largest key mismatch")
                total += t
                last = m
            }
            precondition(total == inner.total, "subtree total mismatch")
            return (total, last)
        }
        let (total, _) = visit(root, height, isRoot: true)
        precondition(previousLeaf?.next == nil, "last leaf has a successor")
        precondition(total == count, "tree holds \(total) members, table \(count)")
        for i in 0..<count {
            let e = entry(i)
            precondition(seen[i], "member \(i) missing from the tree")
            let found = e.pointee.member.withUnsafeBytes { find($0, hash: e.pointee.hash) }
            precondition(found == i, "member \(i) not found through its bucket")
        }
    }

    /// Orders two tree keys given by score and id.
    private func compareIDs(_ s1: Double, _ id1: UInt32, _ s2: Double, _ id2: UInt32) -> Int {
        entry(Int(id1)).pointee.member.withUnsafeBytes { compare(s1, $0, s2, id2) }
    }
}
