// Tests for Bytes: the inline/heap boundary at 23/24 bytes, round trips, equality and hash invariants (keyHash of raw bytes equals Bytes.keyHash), equals(raw) and byte-order comparison.
@testable import CinnabarStorage
import Testing

private func pattern(_ n: Int, seed: UInt8 = 1) -> [UInt8] {
    (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ Int(seed)) }
}

@Suite("Bytes")
struct BytesTests {
    @Test("Strings of up to 23 bytes are stored inline, 24 bytes and more on the heap")
    func inlineHeapBoundary() {
        #expect(Bytes.inlineCapacity == 23)
        for n in 0...23 {
            let b = Bytes(pattern(n))
            #expect(b.heap == nil, "length \(n) should be inline")
            #expect(b.count == n)
        }
        for n in [24, 25, 31, 32, 100, 4096] {
            let b = Bytes(pattern(n))
            #expect(b.heap != nil, "length \(n) should be on the heap")
            #expect(b.count == n)
        }
    }

    @Test("Every construction path round-trips the exact bytes for lengths 0 through 100")
    func roundTrip() {
        for n in 0...100 {
            let raw = pattern(n, seed: UInt8(n))
            let fromArray = Bytes(raw)
            let fromPointer = raw.withUnsafeBytes { Bytes($0) }
            let fromSlice = Bytes(([0] + raw)[1...])
            let fromNonContiguous = Bytes(raw.lazy.map { $0 })
            for b in [fromArray, fromPointer, fromSlice, fromNonContiguous] {
                #expect(b.array == raw)
                #expect(b.count == n)
                #expect(b.isEmpty == (n == 0))
                #expect(b.withUnsafeBytes { $0.count } == n)
            }
            #expect(fromArray == fromPointer && fromPointer == fromSlice && fromSlice == fromNonContiguous)
        }
    }

    @Test("String initializer uses UTF-8 and description decodes it back")
    func stringConversion() {
        #expect(Bytes("héllo").array == [104, 195, 169, 108, 108, 111])
        #expect(Bytes("héllo").description == "héllo")
        #expect(Bytes("").isEmpty)
        #expect(Bytes(String(repeating: "x", count: 30)).description == String(repeating: "x", count: 30))
        #expect(Bytes([0xFF, 0x41]).description == "\u{FFFD}A")
    }

    @Test("Inline strings that differ only in length or trailing zero bytes are unequal")
    func inlineZeroPadding() {
        let empty = Bytes()
        let zero = Bytes([0])
        let zeros = Bytes([0, 0])
        #expect(empty != zero)
        #expect(zero != zeros)
        #expect(empty.keyHash != zero.keyHash)
        #expect(zero.keyHash != zeros.keyHash)
        #expect(Bytes([UInt8](repeating: 0, count: 23)) != Bytes([UInt8](repeating: 0, count: 22)))
        #expect(Bytes([1, 2, 3]) == Bytes([1, 2, 3]))
        #expect(Bytes([1, 2, 3]) != Bytes([1, 2, 4]))
    }

    @Test("Heap strings compare by content: same storage, equal copies, and differing lengths or bytes")
    func heapEquality() {
        let raw = pattern(40)
        let a = Bytes(raw)
        let b = Bytes(raw)
        #expect(a.heap !== b.heap)
        #expect(a == b)
        let copy = a
        #expect(copy.heap === a.heap)
        #expect(copy == a)
        var changedLast = raw
        changedLast[39] &+= 1
        #expect(a != Bytes(changedLast))
        var changedFirst = raw
        changedFirst[0] &+= 1
        #expect(a != Bytes(changedFirst))
        #expect(a != Bytes(Array(raw.prefix(39))))
        #expect(Bytes(Array(raw.prefix(39))) != Bytes(Array(raw.prefix(38))))
    }

    @Test("An inline string never equals a heap one, even with the same bytes")
    func inlineNeverEqualsHeap() {
        let raw = pattern(10)
        let inline = Bytes(raw)
        var heap = Bytes()
        heap.heap = raw.withUnsafeBytes { ByteStorage.make(copying: $0) }
        #expect(heap.array == raw)
        #expect(inline != heap)
        #expect(heap != inline)
        // Every public way of building Bytes keeps short strings inline, so this never happens in practice.
        #expect(Bytes(storage: heap.heap!).heap == nil)
        #expect(Bytes(storage: heap.heap!) == inline)
    }

    @Test("keyHash of raw bytes equals Bytes.keyHash for lengths 0 through 64")
    func keyHashMatches() {
        var rng = FastRandom(seed: 7)
        for n in 0...64 {
            for round in 0..<8 {
                let raw: [UInt8] = round == 0 ? [UInt8](repeating: 0, count: n) : (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let b = Bytes(raw)
                let direct = raw.withUnsafeBytes { keyHash($0) }
                #expect(direct == b.keyHash, "length \(n)")
                #expect(b.hashValue == Bytes(raw).hashValue)
            }
        }
    }

    @Test("keyHash separates near-identical keys and is deterministic")
    func keyHashSpread() {
        var seen = Set<UInt64>()
        for i in 0..<10_000 {
            seen.insert(Bytes("key:\(i)").keyHash)
        }
        #expect(seen.count == 10_000)
        #expect(Bytes("abc").keyHash == Bytes("abc").keyHash)
        #expect(Bytes(pattern(50)).keyHash == Bytes(pattern(50)).keyHash)
        #expect(Bytes(pattern(50)).keyHash != Bytes(pattern(51)).keyHash)
    }

    @Test("Bytes works as a Set element and dictionary key")
    func hashable() {
        var set = Set<Bytes>()
        for n in 0..<60 { set.insert(Bytes(pattern(n))) }
        for n in 0..<60 { set.insert(Bytes(pattern(n))) }
        #expect(set.count == 60)
        #expect(set.contains(Bytes(pattern(30))))
        #expect(!set.contains(Bytes(pattern(30, seed: 9))))
    }

    @Test("equals(raw) compares content and length")
    func equalsRaw() {
        for n in [0, 1, 23, 24, 64] {
            let raw = pattern(n)
            let b = Bytes(raw)
            #expect(raw.withUnsafeBytes { b.equals($0) })
            let longer = raw + [0]
            #expect(!longer.withUnsafeBytes { b.equals($0) })
            if n > 0 {
                var other = raw
                other[n - 1] ^= 0x80
                #expect(!other.withUnsafeBytes { b.equals($0) })
            }
        }
    }

    @Test("compare orders by unsigned bytes, then by length, returning -1, 0 or 1")
    func compareOrdering() {
        func cmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
            a.withUnsafeBytes { x in b.withUnsafeBytes { y in Bytes.compare(x, y) } }
        }
        #expect(cmp([], []) == 0)
        #expect(cmp([], [0]) == -1)
        #expect(cmp([0], []) == 1)
        #expect(cmp(Array("a".utf8), Array("b".utf8)) == -1)
        #expect(cmp(Array("a".utf8), Array("ab".utf8)) == -1)
        #expect(cmp(Array("abc".utf8), Array("abc".utf8)) == 0)
        #expect(cmp([0x01], [0xFF]) == -1)
        #expect(cmp([0xFF], [0x01]) == 1)
        // Differences inside and after the 8-byte words are found at their exact position.
        let base = pattern(40)
        for i in 0..<40 {
            var bigger = base
            bigger[i] = base[i] &+ 1
            if bigger[i] == 0 { continue }
            #expect(cmp(base, bigger) == -1, "position \(i)")
            #expect(cmp(bigger, base) == 1, "position \(i)")
            // A later difference in the other direction does not matter.
            if i + 1 < 40 { bigger[i + 1] = 0 }
            #expect(cmp(base, bigger) == -1, "position \(i)")
        }
        // Random pairs agree with lexicographic order on arrays.
        var rng = FastRandom(seed: 3)
        for _ in 0..<2000 {
            let a = (0..<rng.below(20)).map { _ in UInt8(rng.below(3)) }
            let b = (0..<rng.below(20)).map { _ in UInt8(rng.below(3)) }
            let expected = a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
            #expect(cmp(a, b) == expected, "\(a) vs \(b)")
        }
    }
}
