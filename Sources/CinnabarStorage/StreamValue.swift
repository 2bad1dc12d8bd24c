// Streams (Redis's t_stream.c data structure): entries in ID order, packed into nodes of up to
// stream-node-max-entries entries / stream-node-max-bytes bytes, as Redis packs them into the listpacks of a radix
// tree. Each node is one byte array: the master fields (the first entry's field names) and then the entries, each a
// flags byte (deleted, same fields as the master), the ID as deltas from the node's master ID and the fields as
// varint-length strings (only the values when the names are the master's). A sorted array of nodes gives O(log n)
// seeks (binary search on the master IDs, then a scan of at most one node), appends go to the last node, and trims
// drop whole nodes from the front or mark entries deleted, exactly where Redis's do, so MAXLEN/MINID with `~`
// leave the same lengths. Consumer groups keep their pending entries (NACKs) in ID-sorted maps, one per group and
// one per consumer, sharing the NACK objects.
// SPDX-License-Identifier: BSD-3-Clause

// MARK: - IDs

/// A stream entry ID: milliseconds and sequence number.
public struct StreamID: Comparable, Hashable, Sendable {
    public var ms: UInt64
    public var seq: UInt64

    @inlinable public init(ms: UInt64, seq: UInt64) {
        self.ms = ms
        self.seq = seq
    }

    public static let zero = StreamID(ms: 0, seq: 0)
    public static let max = StreamID(ms: .max, seq: .max)

    @inlinable public static func < (a: StreamID, b: StreamID) -> Bool {
        a.ms != b.ms ? a.ms < b.ms : a.seq < b.seq
    }

    public var isZero: Bool { ms == 0 && seq == 0 }

    /// streamIncrID: the next ID, nil past the last possible one.
    public var next: StreamID? {
        if seq == .max {
            if ms == .max { return nil }
            return StreamID(ms: ms + 1, seq: 0)
        }
        return StreamID(ms: ms, seq: seq + 1)
    }

    /// streamDecrID: the previous ID, nil before 0-0.
    public var previous: StreamID? {
        if seq == 0 {
            if ms == 0 { return nil }
            return StreamID(ms: ms - 1, seq: .max)
        }
        return StreamID(ms: ms, seq: seq - 1)
    }

    /// "<ms>-<seq>" as bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(41)
        StreamID.appendDecimal(ms, to: &out)
        out.append(UInt8(ascii: "-"))
        StreamID.appendDecimal(seq, to: &out)
        return out
    }

    /// Calls `body` with "<ms>-<seq>" written on the stack.
    @inlinable
    public func withFormatted<R>(separator: UInt8 = UInt8(ascii: "-"),
                                 _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var buf: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        return try Swift.withUnsafeMutableBytes(of: &buf) { raw in
            var n = StreamID.write(ms, raw, 0)
            raw[n] = separator
            n = StreamID.write(seq, raw, n + 1)
            return try body(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
        }
    }

    @usableFromInline
    static func write(_ v: UInt64, _ raw: UnsafeMutableRawBufferPointer, _ at: Int) -> Int {
        var digits = 1
        var m = v
        while m >= 10 {
            m /= 10
            digits += 1
        }
        var i = at + digits
        m = v
        repeat {
            i -= 1
            raw[i] = UInt8(48 + m % 10)
            m /= 10
        } while m != 0
        return at + digits
    }

    static func appendDecimal(_ v: UInt64, to out: inout [UInt8]) {
        var tmp: [UInt8] = []
        var m = v
        repeat {
            tmp.append(UInt8(48 + m % 10))
            m /= 10
        } while m != 0
        out.append(contentsOf: tmp.reversed())
    }

    /// string2ull: a non-negative decimal that fits 64 bits.
    public static func parseUnsigned(_ b: UnsafeRawBufferPointer) -> UInt64? {
        if b.isEmpty || b.count > 20 { return nil }
        var v: UInt64 = 0
        for c in b {
            guard c >= 48 && c <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - 48))
            if o1 || o2 { return nil }
            v = a
        }
        return v
    }

    /// streamGenericParseIDOrReply: "-", "+", "<ms>", "<ms>-<seq>" and, when `allowSeqStar`, "<ms>-*" (then
    /// `seqGiven` is false). `strict` refuses "-" and "+".
    public static func parse(_ b: UnsafeRawBufferPointer, missingSeq: UInt64, strict: Bool = false,
                             allowSeqStar: Bool = false) -> (id: StreamID, seqGiven: Bool)? {
        if b.count > 127 { return nil }
        if b.count == 1 && (b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+")) {
            if strict { return nil }
            return (b[0] == UInt8(ascii: "-") ? .zero : .max, true)
        }
        if let dash = b.firstIndex(of: UInt8(ascii: "-")) {
            guard let ms = parseUnsigned(UnsafeRawBufferPointer(rebasing: b[0..<dash])) else { return nil }
            let rest = UnsafeRawBufferPointer(rebasing: b[(dash + 1)...])
            if allowSeqStar && rest.count == 1 && rest[0] == UInt8(ascii: "*") {
                return (StreamID(ms: ms, seq: 0), false)
            }
            guard let seq = parseUnsigned(rest) else { return nil }
            return (StreamID(ms: ms, seq: seq), true)
        }
        guard let ms = parseUnsigned(b) else { return nil }
        return (StreamID(ms: ms, seq: missingSeq), true)
    }
}

extension StreamID: CustomStringConvertible {
    public var description: String { String(decoding: bytes, as: UTF8.self) }
}

// MARK: - Sorted ID map

/// An ID-ordered map (Redis's rax keyed by encoded IDs), as two parallel sorted arrays: lookups and ordered walks
/// are binary searches and slices; inserts and removals move the tail.
public struct StreamIDMap<V> {
    public private(set) var keys: [StreamID] = []
    public private(set) var values: [V] = []

    public init() {}

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The index of the first key >= `id`.
    public func lowerBound(_ id: StreamID) -> Int {
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if keys[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public subscript(id: StreamID) -> V? {
        let i = lowerBound(id)
        return i < keys.count && keys[i] == id ? values[i] : nil
    }

    /// Inserts when absent; returns false when `id` was present.
    @discardableResult
    public mutating func insert(_ id: StreamID, _ v: V) -> Bool {
        if let last = keys.last, last < id {
            keys.append(id)
            values.append(v)
            return true
        }
        let i = lowerBound(id)
        if i < keys.count && keys[i] == id { return false }
        keys.insert(id, at: i)
        values.insert(v, at: i)
        return true
    }

    @discardableResult
    public mutating func remove(_ id: StreamID) -> V? {
        let i = lowerBound(id)
        guard i < keys.count && keys[i] == id else { return nil }
        keys.remove(at: i)
        return values.remove(at: i)
    }

    public mutating func removeAll() {
        keys.removeAll()
        values.removeAll()
    }
}

// MARK: - Consumer groups

/// A pending entry: delivered to a consumer and not yet acknowledged (streamNACK).
public final class StreamNACK {
    public var deliveryTime: Int64
    public var deliveryCount: Int64
    /// The owner; the group deletes a consumer's NACKs with it, so the reference never dangles.
    public unowned(unsafe) var consumer: StreamConsumer?

    public init(deliveryTime: Int64, deliveryCount: Int64, consumer: StreamConsumer?) {
        self.deliveryTime = deliveryTime
        self.deliveryCount = deliveryCount
        self.consumer = consumer
    }
}

/// A consumer of a group (streamConsumer).
public final class StreamConsumer {
    public let name: Bytes
    public var seenTime: Int64
    /// -1 until the consumer first reads or claims.
    public var activeTime: Int64
    public var pel = StreamIDMap<StreamNACK>()

    public init(name: Bytes, seenTime: Int64, activeTime: Int64 = -1) {
        self.name = name
        self.seenTime = seenTime
        self.activeTime = activeTime
    }
}

/// A consumer group (streamCG).
public final class StreamGroup {
    public static let invalidEntriesRead: Int64 = -1

    public let name: Bytes
    public var lastID: StreamID
    /// Entries read by the group, or -1 when unknown.
    public var entriesRead: Int64
    public var pel = StreamIDMap<StreamNACK>()
    /// Sorted by name, as Redis's rax lists them.
    public private(set) var consumers: [StreamConsumer] = []

    public init(name: Bytes, lastID: StreamID, entriesRead: Int64) {
        self.name = name
        self.lastID = lastID
        self.entriesRead = entriesRead
    }

    private func consumerIndex(_ name: UnsafeRawBufferPointer) -> (Int, Bool) {
        var lo = 0
        var hi = consumers.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = consumers[mid].name.withUnsafeBytes { Bytes.compare($0, name) }
            if c == 0 { return (mid, true) }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return (lo, false)
    }

    public func consumer(_ name: UnsafeRawBufferPointer) -> StreamConsumer? {
        let (i, found) = consumerIndex(name)
        return found ? consumers[i] : nil
    }

    /// Creates a consumer; nil when it exists.
    public func createConsumer(_ name: UnsafeRawBufferPointer, now: Int64) -> StreamConsumer? {
        let (i, found) = consumerIndex(name)
        if found { return nil }
        let c = StreamConsumer(name: Bytes(name), seenTime: now)
        consumers.insert(c, at: i)
        return c
    }

    /// Adds a consumer as loaded (RDB).
    public func addConsumer(_ c: StreamConsumer) {
        let (i, found) = c.name.withUnsafeBytes { consumerIndex($0) }
        if found { consumers[i] = c } else { consumers.insert(c, at: i) }
    }

    /// streamDelConsumer: removes the consumer and its pending entries; returns how many it had.
    public func deleteConsumer(_ name: UnsafeRawBufferPointer) -> Int? {
        let (i, found) = consumerIndex(name)
        guard found else { return nil }
        let c = consumers[i]
        let n = c.pel.count
        for id in c.pel.keys { pel.remove(id) }
        consumers.remove(at: i)
        return n
    }

    /// Acknowledges one ID; returns whether it was pending.
    public func acknowledge(_ id: StreamID) -> Bool {
        guard let nack = pel.remove(id) else { return false }
        nack.consumer?.pel.remove(id)
        return true
    }
}

// MARK: - Nodes

/// One node: up to stream-node-max-entries entries packed in a byte array.
final class StreamNode {
    static let flagDeleted: UInt8 = 1
    static let flagSameFields: UInt8 = 2

    /// The ID of the node's first entry (deleted or not): every entry's ID is at least this.
    let master: StreamID
    /// The master field names, then the entries.
    var data: [UInt8]
    /// Offset of the first entry.
    let headerEnd: Int
    let masterFieldCount: Int
    var live = 0
    var deleted = 0
    /// The ID of the last entry (deleted or not).
    var lastID: StreamID

    init(master: StreamID, fields: [UnsafeRawBufferPointer], capacity: Int) {
        self.master = master
        lastID = master
        data = []
        data.reserveCapacity(capacity)
        StreamNode.appendVarint(UInt64(fields.count), &data)
        for f in fields { StreamNode.appendString(f, &data) }
        headerEnd = data.count
        masterFieldCount = fields.count
    }

    init(copying other: StreamNode) {
        master = other.master
        data = Array(other.data)
        headerEnd = other.headerEnd
        masterFieldCount = other.masterFieldCount
        live = other.live
        deleted = other.deleted
        lastID = other.lastID
    }

    var entries: Int { live + deleted }

    @inline(__always)
    static func appendVarint(_ v: UInt64, _ out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    @inline(__always)
    static func appendString(_ s: UnsafeRawBufferPointer, _ out: inout [UInt8]) {
        appendVarint(UInt64(s.count), &out)
        out.append(contentsOf: s)
    }

    @inline(__always)
    static func readVarint(_ p: UnsafeRawBufferPointer, _ at: inout Int) -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = p[at]
            at += 1
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    /// Whether an entry's field names equal the master's.
    func sameFields(_ fields: some StreamFields) -> Bool {
        guard fields.pairCount == masterFieldCount else { return false }
        return data.withUnsafeBytes { p in
            var at = 0
            _ = StreamNode.readVarint(p, &at)
            for i in 0..<masterFieldCount {
                let n = Int(StreamNode.readVarint(p, &at))
                if !memEqual(UnsafeRawBufferPointer(rebasing: p[at..<(at + n)]), fields.field(i)) { return false }
                at += n
            }
            return true
        }
    }

    func append(_ id: StreamID, _ fields: some StreamFields) {
        let same = sameFields(fields)
        data.append(same ? StreamNode.flagSameFields : 0)
        let msDelta = id.ms - master.ms
        StreamNode.appendVarint(msDelta, &data)
        StreamNode.appendVarint(msDelta == 0 ? id.seq - master.seq : id.seq, &data)
        if same {
            for i in 0..<fields.pairCount { StreamNode.appendString(fields.value(i), &data) }
        } else {
            StreamNode.appendVarint(UInt64(fields.pairCount), &data)
            for i in 0..<fields.pairCount {
                StreamNode.appendString(fields.field(i), &data)
                StreamNode.appendString(fields.value(i), &data)
            }
        }
        live += 1
        lastID = id
    }

    /// Appends an entry read from an RDB node, keeping its deleted flag (a tombstone, as Redis keeps it).
    func appendLoaded(_ id: StreamID, _ fields: some StreamFields, deleted isDeleted: Bool) {
        let at = data.count
        append(id, fields)
        if isDeleted {
            data[at] |= StreamNode.flagDeleted
            live -= 1
            deleted += 1
        }
    }

    /// Decodes the entry at `at` (a flags byte); moves `at` past it.
    @inline(__always)
    func decode(_ p: UnsafeRawBufferPointer, _ at: inout Int) -> (id: StreamID, flags: UInt8, fieldsAt: Int) {
        let flags = p[at]
        at += 1
        let msDelta = StreamNode.readVarint(p, &at)
        let seq = StreamNode.readVarint(p, &at)
        let id = msDelta == 0 ? StreamID(ms: master.ms, seq: master.seq &+ seq) : StreamID(ms: master.ms + msDelta, seq: seq)
        let fieldsAt = at
        if flags & StreamNode.flagSameFields != 0 {
            for _ in 0..<masterFieldCount { at += Int(StreamNode.readVarint(p, &at)) }
        } else {
            let n = Int(StreamNode.readVarint(p, &at))
            for _ in 0..<(2 * n) { at += Int(StreamNode.readVarint(p, &at)) }
        }
        return (id, flags, fieldsAt)
    }
}

/// The fields of an entry being added: `pairCount` field/value pairs (the command layer adapts its arguments).
public protocol StreamFields {
    var pairCount: Int { get }
    func field(_ i: Int) -> UnsafeRawBufferPointer
    func value(_ i: Int) -> UnsafeRawBufferPointer
}

/// Fields copied into one owned buffer (RDB loading, tests).
public final class StreamFieldBuffer: StreamFields {
    private let base: UnsafeMutableRawPointer
    private var spans: [(Int, Int)] = []

    public init(fields: [[UInt8]], values: [[UInt8]]) {
        let total = fields.reduce(0) { $0 + $1.count } + values.reduce(0) { $0 + $1.count }
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(total, 1), alignment: 8)
        var at = 0
        for i in 0..<fields.count {
            for b in [fields[i], values[i]] {
                b.withUnsafeBytes { (base + at).copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(base), byteCount: $0.count) }
                spans.append((at, b.count))
                at += b.count
            }
        }
    }

    deinit { base.deallocate() }

    public var pairCount: Int { spans.count / 2 }
    public func field(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + spans[2 * i].0, count: spans[2 * i].1)
    }
    public func value(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + spans[2 * i + 1].0, count: spans[2 * i + 1].1)
    }
}

/// An entry seen during iteration: its ID and a view of its fields, valid inside the iteration callback.
public struct StreamEntry {
    public let id: StreamID
    let p: UnsafeRawBufferPointer
    let fieldsAt: Int
    let sameFields: Bool
    let masterFieldCount: Int
    public let fieldCount: Int

    /// Calls `body` with each field and value.
    public func forEachPair(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        var at = fieldsAt
        if sameFields {
            var m = 0
            _ = StreamNode.readVarint(p, &m)
            for _ in 0..<masterFieldCount {
                let fl = Int(StreamNode.readVarint(p, &m))
                let f = UnsafeRawBufferPointer(rebasing: p[m..<(m + fl)])
                m += fl
                let vl = Int(StreamNode.readVarint(p, &at))
                body(f, UnsafeRawBufferPointer(rebasing: p[at..<(at + vl)]))
                at += vl
            }
        } else {
            let n = Int(StreamNode.readVarint(p, &at))
            for _ in 0..<n {
                let fl = Int(StreamNode.readVarint(p, &at))
                let f = UnsafeRawBufferPointer(rebasing: p[at..<(at + fl)])
                at += fl
                let vl = Int(StreamNode.readVarint(p, &at))
                body(f, UnsafeRawBufferPointer(rebasing: p[at..<(at + vl)]))
                at += vl
            }
        }
    }
}

// MARK: - The stream

/// The trimming strategy of XADD/XTRIM (streamAddTrimArgs).
public enum StreamTrim {
    case maxLength(Int)
    case minID(StreamID)
}

/// A stream value.
public final class StreamValue: EncodedCollection, DigestibleValue {
    var nodes: [StreamNode] = []
    /// Live entries.
    public private(set) var length = 0
    public var lastID = StreamID.zero
    public var firstID = StreamID.zero
    public var maxDeletedID = StreamID.zero
    public var entriesAdded: Int64 = 0
    /// Sorted by name.
    public private(set) var groups: [StreamGroup] = []

    public init() {}

    public var encodingName: String { "stream" }

    public func duplicate() -> AnyObject {
        let s = StreamValue()
        s.nodes = nodes.map { StreamNode(copying: $0) }
        s.length = length
        s.lastID = lastID
        s.firstID = firstID
        s.maxDeletedID = maxDeletedID
        s.entriesAdded = entriesAdded
        for g in groups {
            let ng = StreamGroup(name: g.name, lastID: g.lastID, entriesRead: g.entriesRead)
            var map: [ObjectIdentifier: StreamConsumer] = [:]
            for c in g.consumers {
                let nc = StreamConsumer(name: c.name, seenTime: c.seenTime, activeTime: c.activeTime)
                ng.addConsumer(nc)
                map[ObjectIdentifier(c)] = nc
            }
            for (i, id) in g.pel.keys.enumerated() {
                let n = g.pel.values[i]
                let owner = n.consumer.flatMap { map[ObjectIdentifier($0)] }
                let nn = StreamNACK(deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount, consumer: owner)
                ng.pel.insert(id, nn)
                owner?.pel.insert(id, nn)
            }
            s.groups.append(ng)
        }
        return s
    }

    public var heapSize: Int {
        var n = 96 + nodes.capacity * 8
        for node in nodes { n += 64 + node.data.capacity }
        for g in groups {
            n += 96 + g.pel.count * 72
            for c in g.consumers { n += 80 + c.pel.count * 24 }
        }
        return n
    }

    /// Radix-tree keys Redis would report (one per node).
    public var nodeCount: Int { nodes.count }

    // MARK: Adding

    /// streamAppendItem's ID choice: the ID an entry added now would get, or nil when it would not be greater than
    /// the last ID (EDOM).
    public func nextID(explicit: StreamID?, seqGiven: Bool, now: Int64) -> StreamID? {
        let id: StreamID
        if let e = explicit {
            if seqGiven {
                id = e
            } else if lastID.ms == e.ms {
                if lastID.seq == .max { return nil }
                id = StreamID(ms: e.ms, seq: lastID.seq + 1)
            } else {
                id = e
            }
        } else {
            let ms = UInt64(max(now, 0))
            if ms > lastID.ms {
                id = StreamID(ms: ms, seq: 0)
            } else {
                guard let n = lastID.next else { return nil }
                id = n
            }
        }
        return id > lastID ? id : nil
    }

    /// Appends an entry with an ID from ``nextID(explicit:seqGiven:now:)``.
    public func append(_ id: StreamID, _ fields: some StreamFields, maxNodeBytes: Int, maxNodeEntries: Int) {
        var total = 0
        for i in 0..<fields.pairCount { total += fields.field(i).count + fields.value(i).count }
        var node = nodes.last
        if let n = node {
            if (maxNodeBytes > 0 && n.data.count + total >= maxNodeBytes)
                || (maxNodeEntries > 0 && n.entries >= maxNodeEntries)
            {
                // The full node will not grow again: give back its spare capacity.
                if n.data.capacity > n.data.count + 16 { n.data = Array(n.data) }
                node = nil
            }
        }
        if node == nil {
            var names: [UnsafeRawBufferPointer] = []
            names.reserveCapacity(fields.pairCount)
            for i in 0..<fields.pairCount { names.append(fields.field(i)) }
            let n = StreamNode(master: id, fields: names, capacity: Swift.min(256, 2 * total + 16))
            nodes.append(n)
            node = n
        }
        node!.append(id, fields)
        if length == 0 { firstID = id }
        length += 1
        entriesAdded += 1
        lastID = id
    }

    // MARK: Iteration

    /// The index of the node that may hold `id`: the last one whose master is <= id (or 0).
    func nodeIndex(for id: StreamID) -> Int {
        var lo = 0
        var hi = nodes.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if nodes[mid].master <= id { lo = mid + 1 } else { hi = mid }
        }
        return Swift.max(lo - 1, 0)
    }

    /// Visits the live entries with IDs in `start...end`, in order (or reversed); `body` returns false to stop.
    public func forEach(from start: StreamID = .zero, to end: StreamID = .max, reverse: Bool = false,
                        _ body: (StreamEntry) -> Bool) {
        if start > end || nodes.isEmpty { return }
        if !reverse {
            var ni = nodeIndex(for: start)
            while ni < nodes.count {
                let node = nodes[ni]
                if node.master > end { return }
                let goOn = node.data.withUnsafeBytes { p -> Bool in
                    var at = node.headerEnd
                    while at < p.count {
                        let e = node.decode(p, &at)
                        if e.id > end { return false }
                        if e.id < start || e.flags & StreamNode.flagDeleted != 0 { continue }
                        if !body(entry(node, p, e)) { return false }
                    }
                    return true
                }
                if !goOn { return }
                ni += 1
            }
        } else {
            var ni = nodeIndex(for: end)
            var offsets: [Int] = []
            while ni >= 0 {
                let node = nodes[ni]
                if node.lastID < start { return }
                let goOn = node.data.withUnsafeBytes { p -> Bool in
                    offsets.removeAll(keepingCapacity: true)
                    var at = node.headerEnd
                    while at < p.count {
                        offsets.append(at)
                        _ = node.decode(p, &at)
                    }
                    for o in offsets.reversed() {
                        var at = o
                        let e = node.decode(p, &at)
                        if e.id > end || e.flags & StreamNode.flagDeleted != 0 { continue }
                        if e.id < start { return false }
                        if !body(entry(node, p, e)) { return false }
                    }
                    return true
                }
                if !goOn { return }
                ni -= 1
            }
        }
    }

    @inline(__always)
    private func entry(_ node: StreamNode, _ p: UnsafeRawBufferPointer,
                       _ e: (id: StreamID, flags: UInt8, fieldsAt: Int)) -> StreamEntry {
        let same = e.flags & StreamNode.flagSameFields != 0
        var count = node.masterFieldCount
        if !same {
            var at = e.fieldsAt
            count = Int(StreamNode.readVarint(p, &at))
        }
        return StreamEntry(id: e.id, p: p, fieldsAt: e.fieldsAt, sameFields: same,
                           masterFieldCount: node.masterFieldCount, fieldCount: count)
    }

    /// Whether a live entry has this ID (streamEntryExists).
    public func contains(_ id: StreamID) -> Bool {
        var found = false
        forEach(from: id, to: id) { _ in
            found = true
            return false
        }
        return found
    }

    /// The first or last live entry ID (streamGetEdgeID skipping tombstones); nil when empty.
    public func edgeID(first: Bool) -> StreamID? {
        var r: StreamID?
        forEach(reverse: !first) { e in
            r = e.id
            return false
        }
        return r
    }

    // MARK: Deleting and trimming

    /// Marks one entry deleted (streamDeleteItem); returns whether it existed. Updates first and max-deleted IDs.
    public func delete(_ id: StreamID) -> Bool {
        guard !nodes.isEmpty else { return false }
        let ni = nodeIndex(for: id)
        let node = nodes[ni]
        var hit = -1
        node.data.withUnsafeBytes { p in
            var at = node.headerEnd
            while at < p.count {
                let o = at
                let e = node.decode(p, &at)
                if e.id == id {
                    if e.flags & StreamNode.flagDeleted == 0 { hit = o }
                    return
                }
                if e.id > id { return }
            }
        }
        guard hit >= 0 else { return false }
        node.data[hit] |= StreamNode.flagDeleted
        node.live -= 1
        node.deleted += 1
        if node.live == 0 { nodes.remove(at: ni) }
        length -= 1
        if id > maxDeletedID { maxDeletedID = id }
        if length == 0 {
            firstID = .zero
        } else if id == firstID {
            firstID = edgeID(first: true) ?? .zero
        }
        return true
    }

    /// streamTrim: removes entries from the front by MAXLEN or MINID. With `approx`, only whole nodes go; `limit`
    /// (0 for none) caps the entries removed by whole nodes. Returns the number removed.
    public func trim(_ strategy: StreamTrim, approx: Bool, limit: Int) -> Int {
        var removed = 0
        var dropNodes = 0
        for node in nodes {
            if case .maxLength(let maxlen) = strategy, length <= maxlen { break }
            let entries = node.live
            if limit > 0 && removed + entries > limit { break }
            let removeNode: Bool
            switch strategy {
            case .maxLength(let maxlen): removeNode = length - entries >= maxlen
            case .minID(let id): removeNode = node.lastID < id
            }
            if removeNode {
                dropNodes += 1
                length -= entries
                removed += entries
                continue
            }
            if approx { break }
            var marked = 0
            let count = length
            node.data.withUnsafeMutableBytes { mp in
                let p = UnsafeRawBufferPointer(mp)
                var at = node.headerEnd
                while at < p.count {
                    let o = at
                    let e = node.decode(p, &at)
                    switch strategy {
                    case .maxLength(let maxlen): if count - marked <= maxlen { return }
                    case .minID(let id): if e.id >= id { return }
                    }
                    if e.flags & StreamNode.flagDeleted == 0 {
                        mp[o] |= StreamNode.flagDeleted
                        marked += 1
                    }
                }
            }
            node.live -= marked
            node.deleted += marked
            length -= marked
            removed += marked
            break
        }
        if dropNodes > 0 { nodes.removeFirst(dropNodes) }
        if length == 0 {
            firstID = .zero
        } else if removed > 0 {
            firstID = edgeID(first: true) ?? .zero
        }
        return removed
    }

    // MARK: Groups

    private func groupIndex(_ name: UnsafeRawBufferPointer) -> (Int, Bool) {
        var lo = 0
        var hi = groups.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = groups[mid].name.withUnsafeBytes { Bytes.compare($0, name) }
            if c == 0 { return (mid, true) }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return (lo, false)
    }

    public func group(_ name: UnsafeRawBufferPointer) -> StreamGroup? {
        let (i, found) = groupIndex(name)
        return found ? groups[i] : nil
    }

    /// streamCreateCG: nil when the name is taken.
    @discardableResult
    public func createGroup(_ name: UnsafeRawBufferPointer, lastID: StreamID, entriesRead: Int64) -> StreamGroup? {
        let (i, found) = groupIndex(name)
        if found { return nil }
        let g = StreamGroup(name: Bytes(name), lastID: lastID, entriesRead: entriesRead)
        groups.insert(g, at: i)
        return g
    }

    public func destroyGroup(_ name: UnsafeRawBufferPointer) -> Bool {
        let (i, found) = groupIndex(name)
        if found { groups.remove(at: i) }
        return found
    }

    // MARK: Lag (Redis 7's entries-read bookkeeping)

    /// streamRangeHasTombstones.
    public func rangeHasTombstones(from start: StreamID?, to end: StreamID? = nil) -> Bool {
        if length == 0 || maxDeletedID.isZero { return false }
        if firstID > maxDeletedID { return false }
        let s = start ?? .zero
        let e = end ?? .max
        return s <= maxDeletedID && maxDeletedID <= e
    }

    /// streamEstimateDistanceFromFirstEverEntry: entries read up to `id`, or -1 when unknown.
    public func estimateDistance(to id: StreamID) -> Int64 {
        if entriesAdded == 0 { return 0 }
        if length == 0 && id <= lastID { return entriesAdded }
        if id == lastID { return entriesAdded }
        if id > lastID { return StreamGroup.invalidEntriesRead }
        if maxDeletedID.isZero || maxDeletedID < firstID {
            if id < firstID { return entriesAdded - Int64(length) }
            if id == firstID { return entriesAdded - Int64(length) + 1 }
        }
        return StreamGroup.invalidEntriesRead
    }

    /// The lag of a group (streamReplyWithCGLag), nil when it cannot be known.
    public func lag(of g: StreamGroup) -> Int64? {
        if entriesAdded == 0 { return 0 }
        if g.entriesRead != StreamGroup.invalidEntriesRead && !rangeHasTombstones(from: g.lastID) {
            return entriesAdded - g.entriesRead
        }
        let read = estimateDistance(to: g.lastID)
        return read != StreamGroup.invalidEntriesRead ? entriesAdded - read : nil
    }

    /// A group delivering `id` as new: advances its last ID and entries-read counter.
    public func advance(_ g: StreamGroup, to id: StreamID) {
        if g.entriesRead != StreamGroup.invalidEntriesRead && !rangeHasTombstones(from: id) {
            g.entriesRead += 1
        } else if entriesAdded != 0 {
            g.entriesRead = estimateDistance(to: id)
        }
        g.lastID = id
    }

    // MARK: Loading

    /// Adds a loaded entry (RDB) without the stream-level bookkeeping; `setMetadata` follows.
    public func load(_ id: StreamID, _ fields: some StreamFields, maxNodeBytes: Int, maxNodeEntries: Int) {
        let saved = (lastID, entriesAdded, firstID)
        append(id, fields, maxNodeBytes: maxNodeBytes, maxNodeEntries: maxNodeEntries)
        (lastID, entriesAdded, firstID) = saved
        if length == 1 { firstID = id }
    }

    /// Installs nodes read from an RDB (ordered, non-overlapping, `length` live entries in all); the caller sets
    /// the IDs and counters that follow them in the file.
    func loadNodes(_ loaded: [StreamNode], length: Int) {
        nodes = loaded
        self.length = length
    }

    public func addLoadedGroup(_ g: StreamGroup) {
        let (i, found) = g.name.withUnsafeBytes { groupIndex($0) }
        if found { groups[i] = g } else { groups.insert(g, at: i) }
    }

    // MARK: Digest

    public func mixDigest(into digest: inout [UInt8]) {
        forEach { e in
            e.id.withFormatted(separator: UInt8(ascii: ".")) { Digest.mix(&digest, $0) }
            e.forEachPair { f, v in
                Digest.mix(&digest, f)
                Digest.mix(&digest, v)
            }
            return true
        }
    }
}
