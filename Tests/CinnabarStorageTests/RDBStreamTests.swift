// Streams in RDB form (RDBStream.swift): round trips keep every node, tombstone, counter, group, PEL entry and
// consumer; payloads written by Redis 7.2.6 (type 21) and Redis 7.0.15 (type 19) load, and Redis 7.2.6's is
// re-dumped byte for byte; a Redis 5/6 form (type 15) derives the 7.x counters; malformed payloads are refused,
// never crash.
@testable import CinnabarStorage
import Testing

@Suite("Streams in RDB")
struct RDBStreamTests {
    static let limits = RDBLoadLimits(list: ListLimits(), set: SetLimits(), zset: ZSetLimits(), hash: HashLimits())

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    static func add(_ s: StreamValue, _ id: StreamID, _ pairs: [(String, String)], maxEntries: Int = 4) {
        let f = StreamFieldBuffer(fields: pairs.map { bytes($0.0) }, values: pairs.map { bytes($0.1) })
        s.append(id, f, maxNodeBytes: 4096, maxNodeEntries: maxEntries)
    }

    /// Everything observable about a stream, as text.
    static func describe(_ s: StreamValue) -> [String] {
        var out = ["length \(s.length) nodes \(s.nodeCount) last \(s.lastID) first \(s.firstID) "
                   + "maxdel \(s.maxDeletedID) added \(s.entriesAdded)"]
        s.forEach { e in
            var line = "\(e.id):"
            e.forEachPair { f, v in line += " \(String(decoding: f, as: UTF8.self))=\(String(decoding: v, as: UTF8.self))" }
            out.append(line)
            return true
        }
        for node in s.nodes { out.append("node \(node.master) live \(node.live) deleted \(node.deleted)") }
        for g in s.groups {
            out.append("group \(String(decoding: g.name.array, as: UTF8.self)) last \(g.lastID) read \(g.entriesRead)")
            for (i, id) in g.pel.keys.enumerated() {
                let n = g.pel.values[i]
                out.append("  pending \(id) \(String(decoding: n.consumer?.name.array ?? [], as: UTF8.self)) "
                           + "\(n.deliveryTime) \(n.deliveryCount)")
            }
            for c in g.consumers {
                let owned = c.pel.keys.map { "\($0)" }.joined(separator: ",")
                out.append("  consumer \(String(decoding: c.name.array, as: UTF8.self)) seen \(c.seenTime) "
                           + "active \(c.activeTime) owns \(owned)")
                for (i, id) in c.pel.keys.enumerated() { #expect(g.pel[id] === c.pel.values[i]) }
            }
        }
        return out
    }

    static func load(_ payload: [UInt8]) throws -> StreamValue {
        let v = try payload.withUnsafeBytes { try loadDumpPayload($0, limits: limits) }
        #expect(v.type == .stream)
        return unsafeDowncast(v.collection, to: StreamValue.self)
    }

    static func deliver(_ s: StreamValue, _ g: StreamGroup, _ c: StreamConsumer, _ id: StreamID, time: Int64,
                        count: Int64 = 1) {
        let n = StreamNACK(deliveryTime: time, deliveryCount: count, consumer: c)
        g.pel.insert(id, n)
        c.pel.insert(id, n)
        c.activeTime = time
    }

    /// Several nodes, deletions (a node emptied, tombstones), a trim, entries with and without the master fields,
    /// integers (stored as listpack integers) and long values, two groups with PELs and consumers.
    static func sample() -> StreamValue {
        let s = StreamValue()
        for i in 1...30 {
            let pairs: [(String, String)] = i % 4 == 0
                ? [("other", "-\(i * 1000)"), ("big", String(repeating: "x", count: 70 * i))]
                : [("f", "\(i)"), ("name", "value \(i)")]
            add(s, StreamID(ms: 1_700_000_000_000 + UInt64(i / 3), seq: UInt64(i)), pairs)
        }
        for seq in [5, 6, 7, 8, 10, 29] { _ = s.delete(StreamID(ms: 1_700_000_000_000 + UInt64(seq / 3), seq: UInt64(seq))) }
        _ = s.trim(.maxLength(20), approx: false, limit: 0)
        let g = s.createGroup(Array("readers".utf8).withUnsafeBytes { $0 }, lastID: StreamID(ms: 1_700_000_000_006, seq: 19),
                              entriesRead: 12)!
        let alice = Array("alice".utf8).withUnsafeBytes { g.createConsumer($0, now: 1_700_000_000_100) }!
        let bob = Array("bob".utf8).withUnsafeBytes { g.createConsumer($0, now: 1_700_000_000_200) }!
        _ = Array("idle".utf8).withUnsafeBytes { g.createConsumer($0, now: 1_700_000_000_300) }
        deliver(s, g, alice, StreamID(ms: 1_700_000_000_004, seq: 13), time: 1_700_000_000_400, count: 3)
        deliver(s, g, bob, StreamID(ms: 1_700_000_000_005, seq: 15), time: 1_700_000_000_500)
        deliver(s, g, alice, StreamID(ms: 1_700_000_000_006, seq: 19), time: 1_700_000_000_600)
        s.createGroup(Array("later".utf8).withUnsafeBytes { $0 }, lastID: s.lastID, entriesRead: -1)
        return s
    }

    @Test("A stream with deletions, trims, groups, PELs and consumers round-trips node for node")
    func roundTrip() throws {
        let s = RDBStreamTests.sample()
        let payload = dumpPayload(Value(object: s, type: .stream))
        #expect(payload[0] == RDBType.streamListpacks3.rawValue)
        let loaded = try RDBStreamTests.load(payload)
        #expect(RDBStreamTests.describe(loaded) == RDBStreamTests.describe(s))
        #expect(dumpPayload(Value(object: loaded, type: .stream)) == payload)
        // The loaded stream keeps working: appends go to the last node as before.
        RDBStreamTests.add(loaded, StreamID(ms: 1_800_000_000_000, seq: 0), [("f", "new")])
        RDBStreamTests.add(s, StreamID(ms: 1_800_000_000_000, seq: 0), [("f", "new")])
        #expect(RDBStreamTests.describe(loaded) == RDBStreamTests.describe(s))
    }

    @Test("An empty stream keeps its groups, counters and last ID")
    func emptyWithGroups() throws {
        let s = StreamValue()
        RDBStreamTests.add(s, StreamID(ms: 5, seq: 5), [("a", "1")])
        _ = s.delete(StreamID(ms: 5, seq: 5))
        let g = s.createGroup(Array("g".utf8).withUnsafeBytes { $0 }, lastID: s.lastID, entriesRead: 1)!
        _ = Array("c".utf8).withUnsafeBytes { g.createConsumer($0, now: 77) }
        let loaded = try RDBStreamTests.load(dumpPayload(Value(object: s, type: .stream)))
        #expect(RDBStreamTests.describe(loaded) == RDBStreamTests.describe(s))
        #expect(loaded.length == 0 && loaded.nodeCount == 0 && loaded.maxDeletedID == StreamID(ms: 5, seq: 5))
        let bare = try RDBStreamTests.load(dumpPayload(Value(object: StreamValue(), type: .stream)))
        #expect(RDBStreamTests.describe(bare) == RDBStreamTests.describe(StreamValue()))
    }

    static func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    // Recorded from Redis (rdbcompression no, stream-node-max-entries 4): XADD s 1000-1 .. 1003-9 (f/name pairs,
    // 1001-5 with "other"), XDEL 1000-1 1002-7, XGROUP CREATE g 0 and h 1001-3, XREADGROUP alice COUNT 3, bob
    // COUNT 1, XCLAIM s g bob 0 1000-2.
    static let redis726 = hex(
        "15031000000000000003e800000000000000014050500000001e00030101010201816602846e616d650500010301000100010101827631030501020100010101020182763203050102010101020103018276330305010201010103010401827634030501ff1000000000000003e90000000000000005406c6c0000002500030101010101856f74686572060001020100010001817802040100010101010102018166020601846e616d650582763603080101010101020102018166020701846e616d650582763703080100010101030102018166020801846e616d6505827638030801ff1000000000000003eb000000000000000926260000000c00010100010201816602846e616d650500010201000100010901827639030501ff0743eb0943e80243ea070902016743e90581ffffffffffffffff0400000000000003e80000000000000002d67eaa22a20100000200000000000003e90000000000000003d57eaa22a20100000100000000000003e90000000000000004d57eaa22a20100000100000000000003e90000000000000005d57eaa22a2010000010205616c696365d57eaa22a2010000d57eaa22a20100000200000000000003e9000000000000000300000000000003e9000000000000000403626f62d67eaa22a2010000d67eaa22a20100000200000000000003e8000000000000000200000000000003e90000000000000005016843e90381ffffffffffffffff00000b00b5f5f11e127e9440")
    static let redis7015 = hex(
        "13031000000000000003e800000000000000014050500000001e00030101010201816602846e616d650500010301000100010101827631030501020100010101020182763203050102010101020103018276330305010201010103010401827634030501ff1000000000000003e90000000000000005406c6c0000002500030101010101856f74686572060001020100010001817802040100010101010102018166020601846e616d650582763603080101010101020102018166020701846e616d650582763703080100010101030102018166020801846e616d6505827638030801ff1000000000000003eb000000000000000926260000000c00010100010201816602846e616d650500010201000100010901827639030501ff0743eb0943e80243ea070902016743e90581ffffffffffffffff0400000000000003e80000000000000002db7eaa22a20100000200000000000003e90000000000000003db7eaa22a20100000100000000000003e90000000000000004db7eaa22a20100000100000000000003e90000000000000005db7eaa22a2010000010205616c696365db7eaa22a20100000200000000000003e9000000000000000300000000000003e9000000000000000403626f62db7eaa22a20100000200000000000003e8000000000000000200000000000003e90000000000000005016843e90381ffffffffffffffff00000a006c9e13365d68dc94")

    static func expectRecordedStream(_ s: StreamValue, activeTimes: Bool) {
        let d = describe(s)
        #expect(d[0] == "length 7 nodes 3 last 1003-9 first 1000-2 maxdel 1002-7 added 9")
        #expect(Array(d[1...7]) == [
            "1000-2: f=2 name=v2", "1001-3: f=3 name=v3", "1001-4: f=4 name=v4", "1001-5: other=x",
            "1002-6: f=6 name=v6", "1002-8: f=8 name=v8", "1003-9: f=9 name=v9",
        ])
        #expect(Array(d[8...10]) == [
            "node 1000-1 live 3 deleted 1", "node 1001-5 live 3 deleted 1", "node 1003-9 live 1 deleted 0",
        ])
        #expect(d[11] == "group g last 1001-5 read -1")
        #expect(d[12].hasPrefix("  pending 1000-2 bob ") && d[12].hasSuffix(" 2"))
        #expect(d[13].hasPrefix("  pending 1001-3 alice ") && d[13].hasSuffix(" 1"))
        #expect(d[16].hasPrefix("  consumer alice seen ") && d[16].hasSuffix("owns 1001-3,1001-4"))
        #expect(d[17].hasPrefix("  consumer bob seen ") && d[17].hasSuffix("owns 1000-2,1001-5"))
        let bob = s.groups[0].consumers[1]
        #expect(activeTimes ? bob.activeTime > 0 : bob.activeTime == bob.seenTime)
        #expect(d[18] == "group h last 1001-3 read -1")
        #expect(d.count == 19)
    }

    @Test("Redis 7.2.6's DUMP (type 21) loads and Cinnabar re-dumps it byte for byte")
    func redis72Payload() throws {
        let payload = RDBStreamTests.redis726
        #expect(payload.withUnsafeBytes { verifyDumpPayload($0) })
        let s = try RDBStreamTests.load(payload)
        RDBStreamTests.expectRecordedStream(s, activeTimes: true)
        #expect(dumpPayload(Value(object: s, type: .stream)) == payload)
    }

    @Test("Redis 7.0.15's DUMP (type 19) loads; active times default to seen times")
    func redis70Payload() throws {
        let payload = RDBStreamTests.redis7015
        #expect(payload.withUnsafeBytes { verifyDumpPayload($0) })
        RDBStreamTests.expectRecordedStream(try RDBStreamTests.load(payload), activeTimes: false)
    }

    @Test("Redis 5/6's form (type 15) loads with entries-added, first ID and entries-read derived")
    func type15() throws {
        let s = RDBStreamTests.sample()
        var w = RDBWriter()
        w.byte(RDBType.streamListpacks.rawValue)
        w.length(s.nodes.count)
        for node in s.nodes {
            var key: [UInt8] = []
            node.master.appendKey(to: &key)
            key.withUnsafeBytes { w.string($0) }
            node.listpack().withUnsafeBytes { w.string($0) }
        }
        w.length(s.length)
        w.length(s.lastID.ms)
        w.length(s.lastID.seq)
        w.length(1)
        w.string("g")
        w.length(s.lastID.ms)
        w.length(s.lastID.seq)
        w.length(0)
        w.length(0)
        var payload = w.bytes
        payload += [11, 0]
        let crc = crc64(0, payload)
        withUnsafeBytes(of: crc.littleEndian) { payload.append(contentsOf: $0) }
        let loaded = try RDBStreamTests.load(payload)
        #expect(loaded.length == s.length)
        #expect(loaded.entriesAdded == Int64(s.length))
        #expect(loaded.maxDeletedID == .zero)
        #expect(loaded.firstID == s.edgeID(first: true))
        #expect(loaded.groups[0].entriesRead == Int64(s.length))
    }

    @Test("Truncated or mutated stream payloads are refused, never crash")
    func corrupt() {
        let payloads = [dumpPayload(Value(object: RDBStreamTests.sample(), type: .stream)), RDBStreamTests.redis726]
        for good in payloads {
            let body = Array(good[0..<(good.count - 10)])
            for cut in 1..<body.count {
                #expect(throws: RDBFormatError.self) {
                    var rr = RDBReader(Array(body[0..<cut]))
                    let t = try rr.byte()
                    _ = try rr.value(type: t, limits: RDBStreamTests.limits)
                    // A shorter prefix that parses is still not the whole payload.
                    if rr.atEnd { throw RDBFormatError() }
                }
            }
            var random = FastRandom(seed: 21)
            for _ in 0..<4000 {
                var m = body
                for _ in 0..<(1 + Int(random.next() % 3)) {
                    m[1 + Int(random.next() % UInt64(m.count - 1))] = UInt8(truncatingIfNeeded: random.next())
                }
                var r = RDBReader(m)
                if let t = try? r.byte(), let v = try? r.value(type: t, limits: RDBStreamTests.limits),
                   v.type == .stream {
                    // Whatever loads is consistent enough to serve reads and writes.
                    let s = unsafeDowncast(v.collection, to: StreamValue.self)
                    _ = RDBStreamTests.describe(s)
                    _ = dumpPayload(v)
                    if let next = s.nextID(explicit: nil, seqGiven: false, now: 0) {
                        RDBStreamTests.add(s, next, [("f", "v")])
                    }
                }
            }
        }
    }

    @Test("Inconsistent streams are refused: entries out of order, counts that disagree, unowned or doubly owned NACKs")
    func inconsistent() throws {
        let s = StreamValue()
        RDBStreamTests.add(s, StreamID(ms: 10, seq: 1), [("a", "1")])
        RDBStreamTests.add(s, StreamID(ms: 10, seq: 2), [("a", "2")])
        let node = s.nodes[0].listpack()
        func payload(key: StreamID, listpack: [UInt8], length: Int, last: StreamID,
                     groups: (inout RDBWriter) -> Void = { $0.length(0) }) -> [UInt8] {
            var w = RDBWriter()
            w.byte(RDBType.streamListpacks3.rawValue)
            w.length(1)
            var k: [UInt8] = []
            key.appendKey(to: &k)
            k.withUnsafeBytes { w.string($0) }
            listpack.withUnsafeBytes { w.string($0) }
            w.length(length)
            for v in [last.ms, last.seq, 10, 1, 0, 0, 2] as [UInt64] { w.length(v) }
            groups(&w)
            var p = w.bytes
            p += [11, 0]
            let crc = crc64(0, p)
            withUnsafeBytes(of: crc.littleEndian) { p.append(contentsOf: $0) }
            return p
        }
        _ = try RDBStreamTests.load(payload(key: StreamID(ms: 10, seq: 1), listpack: node, length: 2, last: StreamID(ms: 10, seq: 2)))
        // An entry below its node's master ID (a negative delta), and entries out of order.
        func listpack(_ seqDeltas: [Int64]) -> [UInt8] {
            var b = ListpackBuilder(capacity: 64)
            for v: Int64 in [Int64(seqDeltas.count), 0, 1] { b.append(v) }
            Array("a".utf8).withUnsafeBytes { b.append($0) }
            b.append(0)
            for d in seqDeltas {
                for v: Int64 in [2, 0, d, 7, 4] { b.append(v) }
            }
            return b.finish()
        }
        _ = try RDBStreamTests.load(payload(key: StreamID(ms: 10, seq: 1), listpack: listpack([0, 1]), length: 2,
                                            last: StreamID(ms: 10, seq: 2)))
        for deltas: [Int64] in [[-1, 1], [1, 0], [0, 0]] {
            #expect(throws: RDBFormatError.self) {
                _ = try RDBStreamTests.load(payload(key: StreamID(ms: 10, seq: 1), listpack: listpack(deltas),
                                                    length: 2, last: StreamID(ms: 10, seq: 9)))
            }
        }
        // Length disagreeing with the nodes; last ID below the entries.
        #expect(throws: RDBFormatError.self) {
            _ = try RDBStreamTests.load(payload(key: StreamID(ms: 10, seq: 1), listpack: node, length: 3, last: StreamID(ms: 10, seq: 2)))
        }
        #expect(throws: RDBFormatError.self) {
            _ = try RDBStreamTests.load(payload(key: StreamID(ms: 10, seq: 1), listpack: node, length: 2, last: StreamID(ms: 10, seq: 1)))
        }
        func group(pending: [StreamID], owners: [[StreamID]]) -> (inout RDBWriter) -> Void {
            { w in
                w.length(1)
                w.string("g")
                w.length(10)
                w.length(2)
                w.length(2)
                w.length(pending.count)
                for id in pending {
                    id.appendKey(to: &w.bytes)
                    w.millisecondTime(5)
                    w.length(1)
                }
                w.length(owners.count)
                for (i, owned) in owners.enumerated() {
                    w.string("c\(i)")
                    w.millisecondTime(5)
                    w.millisecondTime(5)
                    w.length(owned.count)
                    for id in owned { id.appendKey(to: &w.bytes) }
                }
            }
        }
        let a = StreamID(ms: 10, seq: 1)
        let b = StreamID(ms: 10, seq: 2)
        let ok = try RDBStreamTests.load(payload(key: a, listpack: node, length: 2, last: b,
                                                 groups: group(pending: [a, b], owners: [[a], [b]])))
        #expect(ok.groups[0].pel.count == 2 && ok.groups[0].consumers.count == 2)
        for bad in [group(pending: [a, b], owners: [[a]]), group(pending: [a], owners: [[a], [a]]),
                    group(pending: [a], owners: [[b]]), group(pending: [a, a], owners: [[a]])] {
            #expect(throws: RDBFormatError.self) {
                _ = try RDBStreamTests.load(payload(key: a, listpack: node, length: 2, last: b, groups: bad))
            }
        }
    }

    @Test("Listpacks are Redis's bytes: integer forms, string lengths, back-lengths")
    func listpackBytes() throws {
        var b = ListpackBuilder(capacity: 64)
        b.append(0)
        b.append(-1)
        b.append(4095)
        b.append(-32768)
        b.append(8_388_607)
        b.append(-2_147_483_648)
        b.append(Int64.min)
        for s in ["12", "012", "-0", "9223372036854775808", String(repeating: "y", count: 200)] {
            Array(s.utf8).withUnsafeBytes { b.append($0) }
        }
        let lp = b.finish()
        let items = try ListpackItems(lp)
        let texts = items.spans.map { String(decoding: items.arena[$0.start..<($0.start + $0.count)], as: UTF8.self) }
        #expect(texts == ["0", "-1", "4095", "-32768", "8388607", "-2147483648", "-9223372036854775808", "12", "012",
                          "-0", "9223372036854775808", String(repeating: "y", count: 200)])
        #expect(items.integers[7] == 12 && items.integers[8] == nil && items.integers[9] == nil)
        #expect(Array(lp[6..<10]) == [0x00, 0x01, 0xDF, 0xFF])  // 0 then 13-bit -1 (0xDFFF)
        #expect(Array(lp[4..<6]) == [12, 0])
        // A 200-byte string: 12-bit length header, and a 2-byte back-length for its 202 bytes.
        #expect(Array(lp[(lp.count - 3)..<(lp.count - 1)]) == [0x01, 0xCA])
    }
}
