// Tests for FieldTable, the hashtable encoding of big hashes and sets, whose entries hold a field and its value
// inline when both fit the entry's data bytes (44 for hashes, 28 for sets) and in a malloc'd cell otherwise: every
// length on both sides of that boundary, values that move an entry in and out of its cell, removal that moves the
// last entry into the hole, copies that own their cells, and SCAN across growth.
@testable import CinnabarStorage
import Testing

private func lookup<E>(_ t: FieldTable<E>, _ field: [UInt8]) -> [UInt8]? {
    field.withUnsafeBytes { f in t.find(f).map { i in t.withPair(i) { _, v in Array(v) } } }
}

private func insert<E>(_ t: FieldTable<E>, _ field: [UInt8], _ value: [UInt8]) {
    field.withUnsafeBytes { f in value.withUnsafeBytes { v in _ = t.insert(f, hash: keyHash(f), value: v) } }
}

private func index<E>(_ t: FieldTable<E>, _ field: [UInt8]) -> Int? { field.withUnsafeBytes { t.find($0) } }

/// Every entry of `t` as a dictionary.
private func contents<E>(_ t: FieldTable<E>) -> [[UInt8]: [UInt8]] {
    var out: [[UInt8]: [UInt8]] = [:]
    for i in 0..<t.count { t.withPair(i) { f, v in out[Array(f)] = Array(v) } }
    return out
}

/// Inserts every field and value length from 0 to `limit`, checks which went to a cell, and reads them all back.
private func checkBoundary<E>(_ t: FieldTable<E>, limit: Int, values: Bool) {
    var expected: [[UInt8]: [UInt8]] = [:]
    for f in 0...limit {
        for v in values ? Array(0...limit) : [0] {
            let field = [UInt8](repeating: UInt8(truncatingIfNeeded: 65 + f), count: f) + [UInt8(v)]
            let value = [UInt8]((0..<v).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ f) })
            insert(t, field, value)
            expected[field] = value
            #expect(t.isInCell(index(t, field)!) == (2 + field.count + v > E.dataBytes), "field \(field.count) value \(v)")
        }
    }
    #expect(t.count == expected.count)
    #expect(contents(t) == expected)
    for (field, value) in expected { #expect(lookup(t, field) == value) }
    #expect(lookup(t, bytes("missing")) == nil)
    #expect(lookup(t, []) == nil)
}

@Suite("FieldTable")
struct FieldTableTests {
    @Test("A hash entry is 48 bytes with 44 of data, a set entry 32 with 28")
    func entrySizes() {
        #expect(MemoryLayout<FieldPairEntry>.stride == 48)
        #expect(MemoryLayout<FieldPairEntry>.offset(of: \.next) == FieldPairEntry.dataBytes)
        #expect(MemoryLayout<SetMemberEntry>.stride == 32)
        #expect(MemoryLayout<SetMemberEntry>.offset(of: \.next) == SetMemberEntry.dataBytes)
    }

    @Test("Hash fields and values of every length around the 44-byte boundary round-trip, inline or in a cell")
    func hashBoundary() {
        checkBoundary(HashFieldTable(), limit: 46, values: true)
    }

    @Test("Set members of every length around the 28-byte boundary round-trip, inline or in a cell")
    func setBoundary() {
        checkBoundary(SetMemberTable(), limit: 300, values: false)
    }

    @Test("A 20-byte field with a 20-byte value stays in the entry (redis-benchmark's HSET)")
    func benchmarkPair() {
        let t = HashFieldTable()
        insert(t, bytes("element:000000012345"), bytes("element:000000054321"))
        #expect(!t.isInCell(0))
    }

    @Test("setValue moves an entry into its cell and back, keeping the field")
    func setValue() {
        let t = HashFieldTable()
        let field = bytes("field-of-10")
        insert(t, field, bytes("v"))
        for n in [1, 31, 32, 33, 40, 200, 0, 31, 1000, 5, 990, 1000, 33] {
            let value = [UInt8](repeating: UInt8(n & 0xFF), count: n)
            let i = index(t, field)!
            value.withUnsafeBytes { t.setValue(at: i, $0) }
            #expect(t.isInCell(i) == (2 + field.count + n > 44), "value \(n)")
            #expect(lookup(t, field) == value)
        }
        #expect(t.count == 1)
    }

    @Test("Removing entries keeps the others findable as the last entry fills each hole, across chunks")
    func removal() {
        let t = HashFieldTable()
        var expected: [[UInt8]: [UInt8]] = [:]
        for n in 0..<3000 {
            let field = n % 5 == 0 ? bytes("long-field-name-\(n)-" + String(repeating: "y", count: 30)) : bytes("f\(n)")
            let value = n % 3 == 0 ? bytes(String(repeating: "x", count: 30 + n % 50)) : bytes("v\(n)")
            insert(t, field, value)
            expected[field] = value
        }
        for (n, field) in expected.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }).enumerated() where n % 2 == 0 {
            // Half the removals pass the hash the caller already has (HDEL, SREM), half let the table compute it.
            let hash: UInt64? = n % 4 == 0 ? field.withUnsafeBytes { keyHash($0) } : nil
            t.remove(at: index(t, field)!, hash: hash)
            expected[field] = nil
        }
        #expect(t.count == 1500)
        #expect(contents(t) == expected)
        for (field, value) in expected { #expect(lookup(t, field) == value) }
        // Removing everything shrinks the table back and leaves it usable.
        for field in expected.keys { t.remove(at: index(t, field)!) }
        #expect(t.count == 0)
        insert(t, bytes("again"), bytes("1"))
        #expect(lookup(t, bytes("again")) == bytes("1"))
    }

    @Test("A copy owns its cells and chains: changing or freeing the original leaves it intact")
    func copy() {
        var t: HashFieldTable? = HashFieldTable()
        for n in 0..<1500 { insert(t!, bytes("field\(n)"), bytes(String(repeating: "long", count: 1 + n % 19))) }
        let before = contents(t!)
        let c = t!.copy()
        for n in 0..<1500 {
            let i = index(t!, bytes("field\(n)"))!
            bytes("changed").withUnsafeBytes { t!.setValue(at: i, $0) }
        }
        t = nil
        #expect(contents(c) == before)
        for (field, value) in before { #expect(lookup(c, field) == value) }
        insert(c, bytes("new"), bytes("member"))
        #expect(lookup(c, bytes("new")) == bytes("member"))
    }

    @Test("SCAN returns every member present for the whole iteration while the table grows")
    func scanDuringGrowth() {
        let t = SetMemberTable()
        for n in 0..<200 { insert(t, bytes("m\(n)"), []) }
        var seen = Set<[UInt8]>()
        var cursor: UInt64 = 0
        var added = 200
        repeat {
            cursor = t.scan(cursor: cursor) { i in t.withField(i) { _ = seen.insert(Array($0)) } }
            // Grow to 4 096 members (several doublings, each rehashed incrementally), then let the scan finish.
            for _ in 0..<50 where added < 4096 {
                insert(t, bytes("m\(added)"), [])
                added += 1
            }
        } while cursor != 0
        for n in 0..<200 { #expect(seen.contains(bytes("m\(n)")), "m\(n)") }
    }
}
