// Streams in Redis's RDB form (rdb.c's OBJ_STREAM branches, t_stream.c's listpack layout). A stream is written as
// RDB_TYPE_STREAM_LISTPACKS_3, what Redis 7.2 writes: every node as its master ID (16 bytes, big-endian ms then seq,
// the radix-tree key) and a listpack holding the master entry (live count, deleted count, the master field names,
// a 0 terminator) and then each entry (flags, ms and seq deltas from the master ID, the field count and names unless
// the SAMEFIELDS flag is set, the values, and the lp-count of the entry's listpack items); then the length, last ID,
// first ID, max-deleted-entry ID and entries-added; then each group (name, last ID, entries-read, its PEL with
// delivery times and counts, its consumers with seen and active times and the IDs they own).
// Reading accepts types 15 (Redis 5 and 6), 19 (Redis 7.0) and 21, and keeps each node as Redis had it (same node
// boundaries, deleted entries kept as tombstones), so XINFO STREAM FULL reads the same after a reload. Anything
// inconsistent (IDs out of order, counts that disagree, a consumer owning an ID its group does not have pending)
// is refused with RDBFormatError, never trusted: a node's deltas are only meaningful when its entries ascend.
// SPDX-License-Identifier: BSD-3-Clause

// MARK: - Listpack encoding (listpack.c)

/// The size of an entry's back-length for an entry of `size` bytes (lpEncodeBacklen).
@inline(__always)
func listpackBacklenSize(_ size: Int) -> Int {
    size <= 127 ? 1 : size < 16383 ? 2 : size < 2_097_151 ? 3 : size < 268_435_455 ? 4 : 5
}

/// Builds a listpack the way lpAppend / lpAppendInteger lay it out: the 6-byte header (total bytes, element count),
/// each element in its smallest encoding followed by its back-length, and the 0xFF terminator. Strings that are the
/// canonical text of a 64-bit integer are stored as integers, as lpAppend does (lpStringToInt64), so the bytes are
/// Redis's own.
struct ListpackBuilder {
    private(set) var bytes: [UInt8] = [0, 0, 0, 0, 0, 0]
    private var count = 0

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func append(_ v: Int64) {
        let start = bytes.count
        if v >= 0 && v <= 127 {
            bytes.append(UInt8(v))
        } else if v >= -4096 && v <= 4095 {
            let u = v < 0 ? (1 << 13) + v : v
            bytes.append(UInt8(truncatingIfNeeded: u >> 8) | 0xC0)
            bytes.append(UInt8(truncatingIfNeeded: u))
        } else {
            let (tag, width): (UInt8, Int) =
                v >= -32768 && v <= 32767 ? (0xF1, 2)
                : v >= -8_388_608 && v <= 8_388_607 ? (0xF2, 3)
                : v >= -2_147_483_648 && v <= 2_147_483_647 ? (0xF3, 4) : (0xF4, 8)
            bytes.append(tag)
            let u = UInt64(bitPattern: v)
            for i in 0..<width { bytes.append(UInt8(truncatingIfNeeded: u >> (8 * UInt64(i)))) }
        }
        finishElement(start)
    }

    mutating func append(_ s: UnsafeRawBufferPointer) {
        if let v = ListpackBuilder.canonicalInteger(s) {
            append(v)
            return
        }
        let start = bytes.count
        if s.count < 64 {
            bytes.append(0x80 | UInt8(s.count))
        } else if s.count < 4096 {
            bytes.append(0xE0 | UInt8(s.count >> 8))
            bytes.append(UInt8(s.count & 0xFF))
        } else {
            bytes.append(0xF0)
            withUnsafeBytes(of: UInt32(s.count).littleEndian) { bytes.append(contentsOf: $0) }
        }
        bytes.append(contentsOf: s)
        finishElement(start)
    }

    private mutating func finishElement(_ start: Int) {
        let l = UInt64(bytes.count - start)
        let n = listpackBacklenSize(Int(l))
        // The first byte holds the highest bits; the others carry the continuation bit.
        for i in 0..<n {
            let shift = UInt64(7 * (n - 1 - i))
            bytes.append(UInt8((l >> shift) & 127) | (i == 0 ? 0 : 128))
        }
        count += 1
    }

    /// The finished listpack: terminator and header filled in.
    mutating func finish() -> [UInt8] {
        bytes.append(0xFF)
        let total = UInt32(bytes.count)
        for i in 0..<4 { bytes[i] = UInt8(truncatingIfNeeded: total >> (8 * UInt32(i))) }
        let n = UInt16(min(count, 65535))  // LP_HDR_NUMELE_UNKNOWN past 65534
        bytes[4] = UInt8(n & 0xFF)
        bytes[5] = UInt8(n >> 8)
        return bytes
    }

    /// lpStringToInt64: the value when `s` is exactly how that integer prints (no sign on 0, no leading zeros).
    static func canonicalInteger(_ s: UnsafeRawBufferPointer) -> Int64? {
        if s.isEmpty || s.count >= 21 { return nil }
        if s.count == 1 && s[0] == UInt8(ascii: "0") { return 0 }
        var i = 0
        let negative = s[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        guard i < s.count, s[i] >= UInt8(ascii: "1"), s[i] <= UInt8(ascii: "9") else { return nil }
        var v: UInt64 = 0
        while i < s.count {
            let c = s[i]
            guard c >= 48 && c <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - 48))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        if negative {
            if v > UInt64(Int64.max) + 1 { return nil }
            return v == UInt64(Int64.max) + 1 ? .min : -Int64(v)
        }
        return v > UInt64(Int64.max) ? nil : Int64(v)
    }
}

/// A listpack decoded for reading: every element's text in one arena (integers printed in decimal, as lpGet gives
/// them), with the integer value of those that are integers.
struct ListpackItems {
    var arena: [UInt8] = []
    var spans: [(start: Int, count: Int)] = []
    var integers: [Int64?] = []

    /// Decodes and checks a listpack blob (lpValidateIntegrity: header size, element encodings and back-lengths
    /// within bounds, the terminator last).
    init(_ blob: [UInt8]) throws(RDBFormatError) {
        guard blob.count >= 7 else { throw RDBFormatError() }
        let total = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard total == blob.count, blob[total - 1] == 0xFF else { throw RDBFormatError() }
        arena.reserveCapacity(blob.count)
        var p = 6
        let end = total - 1
        func need(_ n: Int) throws(RDBFormatError) { if n > end - p { throw RDBFormatError() } }
        func int(_ at: Int, _ n: Int) -> Int64 {
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(blob[at + i]) << (8 * UInt64(i)) }
            let shift = UInt64(64 - 8 * n)
            return Int64(bitPattern: v << shift) >> Int64(shift)
        }
        while p < end {
            let b = blob[p]
            let start = p
            var value: Int64? = nil
            var text: Range<Int>? = nil
            if b & 0x80 == 0 {
                value = Int64(b)
                p += 1
            } else if b & 0xC0 == 0x80 {
                let n = Int(b & 0x3F)
                try need(1 + n)
                text = (p + 1)..<(p + 1 + n)
                p += 1 + n
            } else if b & 0xE0 == 0xC0 {
                try need(2)
                var v = Int64(b & 0x1F) << 8 | Int64(blob[p + 1])
                if v >= 1 << 12 { v -= 1 << 13 }
                value = v
                p += 2
            } else if b & 0xF0 == 0xE0 {
                try need(2)
                let n = Int(b & 0x0F) << 8 | Int(blob[p + 1])
                try need(2 + n)
                text = (p + 2)..<(p + 2 + n)
                p += 2 + n
            } else if b == 0xF0 {
                try need(5)
                let n = Int(UInt32(truncatingIfNeeded: int(p + 1, 4)))
                try need(5 + n)
                text = (p + 5)..<(p + 5 + n)
                p += 5 + n
            } else {
                let width: Int
                switch b {
                case 0xF1: width = 2
                case 0xF2: width = 3
                case 0xF3: width = 4
                case 0xF4: width = 8
                default: throw RDBFormatError()
                }
                try need(1 + width)
                value = int(p + 1, width)
                p += 1 + width
            }
            let size = p - start
            let backlen = listpackBacklenSize(size)
            try need(backlen)
            p += backlen
            let at = arena.count
            if let r = text {
                arena.append(contentsOf: blob[r])
                integers.append(ListpackItems.parse(blob[r]))
            } else {
                StreamID.appendDecimalSigned(value!, to: &arena)
                integers.append(value)
            }
            spans.append((at, arena.count - at))
        }
    }

    /// lpGetIntegerIfValid on a string element: string2ll's strict form.
    static func parse(_ s: ArraySlice<UInt8>) -> Int64? {
        s.withUnsafeBytes { ListpackBuilder.canonicalInteger($0) }
    }

    var count: Int { spans.count }
}

extension StreamID {
    static func appendDecimalSigned(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        appendDecimal(v.magnitude, to: &out)
    }

    /// The radix-tree key form: ms then seq, each big-endian.
    func appendKey(to out: inout [UInt8]) {
        withUnsafeBytes(of: ms.bigEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: seq.bigEndian) { out.append(contentsOf: $0) }
    }

    init(key s: ArraySlice<UInt8>) {
        var ms: UInt64 = 0
        var seq: UInt64 = 0
        let b = s.startIndex
        for i in 0..<8 {
            ms = ms << 8 | UInt64(s[b + i])
            seq = seq << 8 | UInt64(s[b + 8 + i])
        }
        self.init(ms: ms, seq: seq)
    }
}

// MARK: - Writing

extension RDBWriter {
    /// rdbSaveObjectType + rdbSaveObject for a stream (RDB_TYPE_STREAM_LISTPACKS_3).
    mutating func stream(_ s: StreamValue) {
        byte(RDBType.streamListpacks3.rawValue)
        length(s.nodes.count)
        var key: [UInt8] = []
        key.reserveCapacity(16)
        for node in s.nodes {
            key.removeAll(keepingCapacity: true)
            node.master.appendKey(to: &key)
            key.withUnsafeBytes { string($0) }
            let lp = node.listpack()
            lp.withUnsafeBytes { string($0) }
        }
        length(s.length)
        length(s.lastID.ms)
        length(s.lastID.seq)
        length(s.firstID.ms)
        length(s.firstID.seq)
        length(s.maxDeletedID.ms)
        length(s.maxDeletedID.seq)
        length(UInt64(bitPattern: s.entriesAdded))
        length(s.groups.count)
        for g in s.groups {
            g.name.withUnsafeBytes { string($0) }
            length(g.lastID.ms)
            length(g.lastID.seq)
            length(UInt64(bitPattern: g.entriesRead))
            length(g.pel.count)
            for (i, id) in g.pel.keys.enumerated() {
                id.appendKey(to: &bytes)
                let nack = g.pel.values[i]
                millisecondTime(nack.deliveryTime)
                length(UInt64(bitPattern: nack.deliveryCount))
            }
            length(g.consumers.count)
            for c in g.consumers {
                c.name.withUnsafeBytes { string($0) }
                millisecondTime(c.seenTime)
                millisecondTime(c.activeTime)
                length(c.pel.count)
                for id in c.pel.keys { id.appendKey(to: &bytes) }
            }
        }
    }

    /// rdbSaveMillisecondTime: 8 bytes little-endian.
    mutating func millisecondTime(_ t: Int64) {
        withUnsafeBytes(of: t.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

extension StreamNode {
    /// The node in Redis's listpack layout (streamAppendItem's comments in t_stream.c).
    func listpack() -> [UInt8] {
        var lp = ListpackBuilder(capacity: data.count + 8 * entries + 16)
        data.withUnsafeBytes { p in
            lp.append(Int64(live))
            lp.append(Int64(deleted))
            lp.append(Int64(masterFieldCount))
            var at = 0
            _ = StreamNode.readVarint(p, &at)
            for _ in 0..<masterFieldCount {
                let n = Int(StreamNode.readVarint(p, &at))
                lp.append(UnsafeRawBufferPointer(rebasing: p[at..<(at + n)]))
                at += n
            }
            lp.append(0)
            at = headerEnd
            while at < p.count {
                let e = decode(p, &at)
                lp.append(Int64(e.flags))
                // Redis stores both deltas from the master ID (wrapping, read back the same way).
                lp.append(Int64(bitPattern: e.id.ms &- master.ms))
                lp.append(Int64(bitPattern: e.id.seq &- master.seq))
                var f = e.fieldsAt
                func next() -> UnsafeRawBufferPointer {
                    let n = Int(StreamNode.readVarint(p, &f))
                    defer { f += n }
                    return UnsafeRawBufferPointer(rebasing: p[f..<(f + n)])
                }
                if e.flags & StreamNode.flagSameFields != 0 {
                    for _ in 0..<masterFieldCount { lp.append(next()) }
                    lp.append(Int64(masterFieldCount + 3))
                } else {
                    let n = Int(StreamNode.readVarint(p, &f))
                    lp.append(Int64(n))
                    for _ in 0..<(2 * n) { lp.append(next()) }
                    lp.append(Int64(2 * n + 4))
                }
            }
        }
        return lp.finish()
    }
}

// MARK: - Reading

/// An entry's fields as spans of a decoded listpack's arena (valid while the arena is pinned).
private struct ArenaFields: StreamFields {
    let base: UnsafeRawBufferPointer
    var names: [(start: Int, count: Int)]
    var values: [(start: Int, count: Int)]
    var pairCount: Int { values.count }
    func field(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: base[names[i].start..<(names[i].start + names[i].count)])
    }
    func value(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: base[values[i].start..<(values[i].start + values[i].count)])
    }
}

extension RDBReader {
    /// rdbLoadObject for RDB_TYPE_STREAM_LISTPACKS, _2 and _3.
    mutating func stream(type: RDBType) throws(RDBFormatError) -> StreamValue {
        let s = StreamValue()
        let nodeCount = try length()
        var nodes: [StreamNode] = []
        for _ in 0..<nodeCount {
            let key = try string()
            guard key.count == 16 else { throw RDBFormatError() }  // "Stream node key entry is not the size of a stream ID"
            let master = StreamID(key: key[...])
            let blob = try string()
            if let node = try RDBReader.streamNode(master: master, listpack: blob) { nodes.append(node) }
        }
        nodes.sort { $0.master < $1.master }
        var live = 0
        for (i, n) in nodes.enumerated() {
            // Nodes do not overlap (and two with one key are "Listpack re-added with existing key").
            if i > 0 && nodes[i - 1].lastID >= n.master { throw RDBFormatError() }
            live += n.live
        }
        let length = try self.length()
        guard length == live else { throw RDBFormatError() }  // "Stream length inconsistent with rax entries"
        let lastID = StreamID(ms: try length64(), seq: try length64())
        // Later entries must get IDs above every stored one, or a node's deltas would run backwards.
        if let last = nodes.last, last.lastID > lastID { throw RDBFormatError() }
        s.loadNodes(nodes, length: length)
        s.lastID = lastID
        if type == .streamListpacks {
            s.maxDeletedID = .zero
            s.entriesAdded = Int64(length)
            s.firstID = s.edgeID(first: true) ?? .zero
        } else {
            s.firstID = StreamID(ms: try length64(), seq: try length64())
            s.maxDeletedID = StreamID(ms: try length64(), seq: try length64())
            s.entriesAdded = Int64(bitPattern: try length64())
        }
        let groupCount = try self.length()
        for _ in 0..<groupCount {
            let name = try string()
            let groupLastID = StreamID(ms: try length64(), seq: try length64())
            let entriesRead = type == .streamListpacks
                ? s.estimateDistance(to: groupLastID) : Int64(bitPattern: try length64())
            guard name.withUnsafeBytes({ s.group($0) }) == nil else { throw RDBFormatError() }  // duplicated group
            let g = StreamGroup(name: Bytes(name), lastID: groupLastID, entriesRead: entriesRead)
            s.addLoadedGroup(g)
            let pending = try self.length()
            for _ in 0..<pending {
                let id = StreamID(key: try take(16))
                let time = try millisecondTime()
                let count = Int64(bitPattern: try length64())
                guard g.pel.insert(id, StreamNACK(deliveryTime: time, deliveryCount: count, consumer: nil)) else {
                    throw RDBFormatError()  // "Duplicated global PEL entry loading stream consumer group"
                }
            }
            let consumerCount = try self.length()
            for _ in 0..<consumerCount {
                let cname = try string()
                guard cname.withUnsafeBytes({ g.consumer($0) }) == nil else { throw RDBFormatError() }
                let seen = try millisecondTime()
                let active = type == .streamListpacks3 ? try millisecondTime() : seen
                let c = StreamConsumer(name: Bytes(cname), seenTime: seen, activeTime: active)
                g.addConsumer(c)
                let owned = try self.length()
                for _ in 0..<owned {
                    let id = StreamID(key: try take(16))
                    // "Consumer entry not found in group global PEL"; one owner per NACK.
                    guard let nack = g.pel[id], nack.consumer == nil else { throw RDBFormatError() }
                    nack.consumer = c
                    c.pel.insert(id, nack)
                }
            }
            // "Stream CG PEL entry without consumer" (Redis checks it with sanitize-dump-payload; always here).
            for nack in g.pel.values where nack.consumer == nil { throw RDBFormatError() }
        }
        return s
    }

    /// rdbLoadMillisecondTime.
    mutating func millisecondTime() throws(RDBFormatError) -> Int64 {
        let s = try take(8)
        var v: UInt64 = 0
        for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return Int64(bitPattern: v)
    }

    /// One node from its master ID and listpack (streamValidateListpackIntegrity's walk, plus ID order). Returns
    /// nil for a node without live entries, which Redis never writes (it drops a node when its last entry goes).
    static func streamNode(master: StreamID, listpack blob: [UInt8]) throws(RDBFormatError) -> StreamNode? {
        let items = try ListpackItems(blob)
        var i = 0
        func integer() throws(RDBFormatError) -> Int64 {
            guard i < items.count, let v = items.integers[i] else { throw RDBFormatError() }
            i += 1
            return v
        }
        func span() throws(RDBFormatError) -> (start: Int, count: Int) {
            guard i < items.count else { throw RDBFormatError() }
            i += 1
            return items.spans[i - 1]
        }
        let liveCount = try integer()
        let deletedCount = try integer()
        let masterFields = try integer()
        guard liveCount >= 0, deletedCount >= 0, masterFields >= 0,
              liveCount <= items.count, deletedCount <= items.count, masterFields <= items.count
        else { throw RDBFormatError() }
        var masterNames: [(start: Int, count: Int)] = []
        for _ in 0..<masterFields { masterNames.append(try span()) }
        guard try integer() == 0 else { throw RDBFormatError() }
        if liveCount == 0 { return nil }
        // The entries' fields point into the arena, so the node is built inside its pinning closure.
        let built = items.arena.withUnsafeBytes { base in Result { () throws(RDBFormatError) -> StreamNode in
            let names = masterNames.map { UnsafeRawBufferPointer(rebasing: base[$0.start..<($0.start + $0.count)]) }
            let node = StreamNode(master: master, fields: names, capacity: blob.count)
            var previous: StreamID? = nil
            for _ in 0..<(liveCount + deletedCount) {
                let flags = try integer()
                let ms = master.ms &+ UInt64(bitPattern: try integer())
                let seq = master.seq &+ UInt64(bitPattern: try integer())
                let id = StreamID(ms: ms, seq: seq)
                if let p = previous { guard id > p else { throw RDBFormatError() } } else {
                    guard id >= master else { throw RDBFormatError() }
                }
                previous = id
                var fields = ArenaFields(base: base, names: [], values: [])
                let extra: Int64
                if flags & Int64(StreamNode.flagSameFields) != 0 {
                    fields.names = masterNames
                    for _ in 0..<masterFields { fields.values.append(try span()) }
                    extra = 3
                } else {
                    let n = try integer()
                    guard n >= 0, n <= items.count - i else { throw RDBFormatError() }
                    for _ in 0..<n {
                        fields.names.append(try span())
                        fields.values.append(try span())
                    }
                    extra = n + 4
                }
                guard try integer() == Int64(fields.values.count) + extra else { throw RDBFormatError() }
                node.appendLoaded(id, fields, deleted: flags & Int64(StreamNode.flagDeleted) != 0)
            }
            guard i == items.count, node.live == liveCount, node.deleted == deletedCount else {
                throw RDBFormatError()
            }
            return node
        } }
        return try built.get()
    }
}
