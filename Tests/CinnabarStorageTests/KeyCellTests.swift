// Tests for KeyCell, the main table's one-allocation entries: every value kind round-trips with keys of every
// header width, values change size in place or by reallocation without touching the key, a value lent out by
// takeValue is uniquely referenced, stamps and epochs share a word without interfering, and removed or destroyed
// cells release their objects. A ValueTable at scale checks the hash the slots recompute from their keys.
@testable import CinnabarStorage
import Testing

private final class Tracked: EncodedCollection {
    var encodingName: String { "tracked" }
    func duplicate() -> AnyObject { Tracked() }
}

private func bytes(_ n: Int, _ seed: UInt8 = 0) -> [UInt8] {
    (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) }
}

private func cell(_ key: [UInt8], _ value: Value, lru: UInt32 = 0, epoch: UInt8 = 0) -> KeyCell {
    key.withUnsafeBytes { KeyCell(key: $0, value: value, lru: lru, epoch: epoch) }
}

private func stringValue(_ b: [UInt8], raw: Bool = false) -> Value {
    b.withUnsafeBytes { Value(rawString: $0, markRaw: raw) }
}

private func string(_ v: Value) -> [UInt8] { v.withStringBytes { Array($0) } }

/// Destroys a cell that is not in a table.
private func destroy(_ c: KeyCell) {
    let p = UnsafeMutablePointer<KeyCell>.allocate(capacity: 1)
    p.initialize(to: c)
    KeyCell.destroy(p)
    p.deallocate()
}

@Suite("KeyCell")
struct KeyCellTests {
    static let keyLengths = [0, 1, 10, 23, 24, 254, 255, 256, 300, 70_000]

    @Test("Keys of every header width keep their bytes, hash and identity", arguments: keyLengths)
    func keys(length: Int) {
        let key = bytes(length, 3)
        let c = cell(key, Value(integer: 7))
        #expect(c.withKey { Array($0) } == key)
        #expect(c.key == Bytes(key))
        #expect(c.hash == key.withUnsafeBytes { UInt32(truncatingIfNeeded: keyHash($0)) })
        #expect(key.withUnsafeBytes { c.matches($0, hash: 0) })
        if length > 0 {
            var other = key
            other[length - 1] &+= 1
            #expect(!other.withUnsafeBytes { c.matches($0, hash: 0) })
            #expect(!Array(key.dropLast()).withUnsafeBytes { c.matches($0, hash: 0) })
        }
        #expect(!(key + [0]).withUnsafeBytes { c.matches($0, hash: 0) })
        #expect(c.value.integer == 7)
        destroy(c)
    }

    @Test("Inline strings of 0 to 23 bytes, raw or not, come back with their encoding")
    func inlineStrings() {
        for n in 0...23 {
            for raw in [false, true] {
                let s = bytes(n, 11)
                let v = stringValue(s, raw: raw)
                let c = cell(bytes(n % 5 + 1), v)
                let back = c.value
                #expect(string(back) == s)
                #expect(back.stringEncoding == v.stringEncoding)
                #expect(c.cellBytes <= 48, "a short key and a short string share one small chunk")
                destroy(c)
            }
        }
    }

    @Test("Integers, heap strings and objects round-trip; copies retain, takeValue moves")
    func otherKinds() {
        for n: Int64 in [0, -1, Int64.min, Int64.max, 12345] {
            var c = cell(bytes(4), Value(integer: n))
            #expect(c.value.integer == n)
            #expect(c.integer == n)
            c.setInteger(n &+ 1)
            #expect(c.value.integer == n &+ 1)
            destroy(c)
        }
        // Integers are stored in as few bytes as hold them; a change of width moves the entry between slot and cell.
        for n: Int64 in [0, 1, -1, 127, 128, -128, -129, 32767, 32768, -32769, 1 << 31, -(1 << 31), 1 << 40,
                         -(1 << 40), Int64.max, Int64.min] {
            var c = cell(bytes(20), Value(integer: n))
            #expect(c.integer == n, "\(n)")
            #expect(c.isInCell == (KeyCell.integerWidth(n) > 2), "\(n)")
            for m in [n &+ 1, n &- 1, 0, Int64.max, 5] {
                c.setInteger(m)
                #expect(c.integer == m && c.value.integer == m, "\(n) -> \(m)")
                #expect(c.withKey { Array($0) } == bytes(20))
            }
            destroy(c)
        }
        var s = cell(bytes(4), stringValue(bytes(30)))
        #expect(s.integer == nil)
        s.setInteger(-5)
        #expect(s.integer == -5)
        #expect(s.value.stringEncoding == "int")
        destroy(s)
        for n in [24, 44, 45, 1000] {
            let s = bytes(n, 5)
            let c = cell(bytes(300), stringValue(s))
            #expect(string(c.value) == s)
            #expect(c.value.stringEncoding == (n <= 44 ? "embstr" : "raw"))
            destroy(c)
        }
        weak var weakObject: Tracked?
        do {
            let object = Tracked()
            weakObject = object
            var c = cell(bytes(12), Value(object: object, type: .hash))
            #expect(c.value.type == .hash)
            #expect(c.value.collection === object)
            #expect(!c.holdsString)
            let taken = c.takeValue()
            #expect(taken.collection === object)
            c.putValue(taken)
            destroy(c)
        }
        #expect(weakObject == nil, "destroying the cell released its object")
    }

    @Test("A value changing size reallocates the cell and keeps the key")
    func exchange() {
        let key = bytes(40, 9)
        var c = cell(key, stringValue([]))
        let object = Tracked()
        let sequence: [Value] = [
            Value(object: object, type: .set), stringValue(bytes(23)), Value(integer: 99), stringValue(bytes(600)),
            stringValue(bytes(3), raw: true), stringValue([]),
        ]
        var previous = stringValue([])
        for v in sequence {
            let old = c.exchangeValue(v)
            #expect(old.isString == previous.isString)
            if previous.isString { #expect(string(old) == string(previous)) }
            #expect(c.withKey { Array($0) } == key)
            if v.isString { #expect(string(c.value) == string(v)) } else { #expect(c.value.collection === object) }
            previous = v
        }
        destroy(c)
    }

    @Test("An entry lives in its slot while key and payload fit 24 bytes, and moves to a cell and back")
    func slotAndCell() {
        let key = bytes(10, 1)
        var c = cell(key, stringValue(bytes(12)))
        #expect(!c.isInCell && c.cellBytes == 0, "2 + 10 + 12 bytes fit the slot")
        let object = Tracked()
        let steps: [(Value, Bool)] = [
            (stringValue(bytes(13)), true), (Value(integer: 7), false), (stringValue(bytes(23), raw: true), true),
            (Value(object: object, type: .hash), false), (stringValue(bytes(200)), false), (stringValue([]), false),
            (stringValue(bytes(20)), true), (stringValue(bytes(2)), false),
        ]
        for (v, inCell) in steps {
            _ = c.replaceValue(v)
            #expect(c.isInCell == inCell)
            #expect(c.withKey { Array($0) } == key)
            #expect(key.withUnsafeBytes { c.matches($0, hash: 0) })
            if v.isString {
                #expect(string(c.value) == string(v))
                #expect(c.value.stringEncoding == v.stringEncoding)
            } else {
                #expect(c.value.collection === object)
            }
        }
        c.setInteger(5)
        #expect(c.integer == 5 && !c.isInCell)
        destroy(c)
        // A 22-byte key with an integer needs 32 bytes: a cell from the start.
        let long = cell(bytes(22), Value(integer: 1))
        #expect(long.isInCell && long.integer == 1)
        destroy(long)
        let short = cell(bytes(14), Value(integer: 1))
        #expect(!short.isInCell && short.integer == 1)
        destroy(short)
    }

    @Test("replaceValue hands back only a value that held a reference")
    func replace() {
        let object = Tracked()
        var c = cell(bytes(6), stringValue(bytes(5)))
        #expect(c.replaceValue(Value(integer: 3)) == nil)
        #expect(c.replaceValue(Value(object: object, type: .zset)) == nil)
        #expect(c.replaceValue(stringValue(bytes(100)))?.collection === object)
        #expect(c.replaceValue(stringValue(bytes(2))).map { string($0) } == bytes(100))
        #expect(string(c.value) == bytes(2))
        #expect(c.withKey { Array($0) } == bytes(6))
        destroy(c)
    }

    @Test("A heap string lent out by withValue is uniquely referenced and changes in place")
    func inPlaceMutation() {
        let keyspace = Keyspace(databases: 1, clock: KeyspaceClock())
        let db = keyspace.databases[0]
        let key = bytes(8)
        let index = key.withUnsafeBytes { db.add($0, stringValue(bytes(30))) }
        // The first change outgrows the string's block and makes a copy with spare capacity; the second fits it.
        db.withValue(at: index) { v in v.mutateString(minimumCount: 100) { _ in } }
        let first = ObjectIdentifier(db.value(at: index).collection)
        db.withValue(at: index) { v in v.mutateString(minimumCount: 150) { _ in } }
        #expect(ObjectIdentifier(db.value(at: index).collection) == first)
        #expect(db.value(at: index).stringLength == 150)
        #expect(db.value(at: index).stringEncoding == "raw")
    }

    @Test("The access stamp and the save epoch share a word without interfering")
    func stampAndEpoch() {
        var c = cell(bytes(5), Value(integer: 1), lru: 0xFF_FFFF, epoch: 0xAB)
        #expect(c.lru == 0xFF_FFFF)
        #expect(c.epoch == 0xAB)
        c.lru = 0x12_3456
        #expect(c.epoch == 0xAB)
        c.epoch = 0x01
        #expect(c.lru == 0x12_3456)
        c.lru = 0xFFFF_FFFF
        #expect(c.lru == 0xFF_FFFF)
        #expect(c.epoch == 0x01)
        destroy(c)
    }

    @Test("A ValueTable of 20 000 keys grows, shrinks and frees; removed cells return their values")
    func table() {
        weak var weakObject: Tracked?
        do {
            let t = ValueTable()
            let object = Tracked()
            weakObject = object
            func key(_ i: Int) -> [UInt8] { Array("key:\(i)".utf8) + (i % 7 == 0 ? bytes(260) : []) }
            for i in 0..<20_000 {
                let v = i == 5 ? Value(object: object, type: .list) : Value(integer: Int64(i))
                key(i).withUnsafeBytes {
                    t.insert(KeyCell(key: $0, value: v, lru: UInt32(i), epoch: 0), hash: keyHash($0))
                }
            }
            for i in stride(from: 0, to: 20_000, by: 2) where i != 6 {
                let index = key(i).withUnsafeBytes { t.find($0, hash: keyHash($0)) }!
                let removed = t.remove(at: index).consume()
                #expect(removed.value.integer == Int64(i))
                #expect(removed.lru == UInt32(i))
            }
            while t.rehashStep(100) {}
            for i in 0..<20_000 {
                let index = key(i).withUnsafeBytes { t.find($0, hash: keyHash($0)) }
                #expect((index != nil) == (i % 2 == 1 || i == 6))
                if let index, i != 5 { #expect(t.entry(index).pointee.value.integer == Int64(i)) }
            }
            let five = key(5).withUnsafeBytes { t.find($0, hash: keyHash($0)) }!
            #expect(t.entry(five).pointee.value.collection === object)
        }
        #expect(weakObject == nil, "the table's deinit released the object its cell held")
    }
}
