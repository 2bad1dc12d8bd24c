// Tests for HashValue: listpack insertion order and in-place updates, the conversion rules (entries, value length,
// presizing), the hashtable at scale with deletes, ordinals, HSCAN over a hashtable, duplicate, and the digest.
@testable import CinnabarStorage
import Testing

private func withBytes<R>(_ s: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    Array(s.utf8).withUnsafeBytes(body)
}

@discardableResult
private func set(_ h: HashValue, _ f: String, _ v: String, _ limits: HashLimits = HashLimits()) -> Bool {
    withBytes(f) { fb in withBytes(v) { vb in h.set(fb, vb, limits: limits) } }
}

private func get(_ h: HashValue, _ f: String) -> String? {
    withBytes(f) { h.withValue($0) { str(Array($0)) } }
}

private func pairs(_ h: HashValue) -> [(String, String)] {
    var r: [(String, String)] = []
    h.forEach { f, v in r.append((str(Array(f)), str(Array(v)))) }
    return r
}

@Suite("HashValue")
struct HashValueTests {
    @Test("A small hash is a listpack in insertion order; updates keep the position")
    func listpackOrder() {
        let h = HashValue()
        #expect(set(h, "b", "1"))
        #expect(set(h, "a", "2"))
        #expect(set(h, "c", "3"))
        #expect(!set(h, "a", "a much longer value than before"))
        #expect(h.encodingName == "listpack")
        #expect(h.count == 3)
        #expect(pairs(h).map(\.0) == ["b", "a", "c"])
        #expect(get(h, "a") == "a much longer value than before")
        #expect(!set(h, "a", ""))
        #expect(get(h, "a") == "")
        #expect(get(h, "zz") == nil)
    }

    @Test("Deleting from a listpack closes the gap; the last field empties it")
    func listpackRemove() {
        let h = HashValue()
        for i in 0..<10 { set(h, "f\(i)", "v\(i)") }
        #expect(withBytes("f3") { h.remove($0) })
        #expect(!withBytes("f3") { h.remove($0) })
        #expect(pairs(h).map(\.0) == ["f0", "f1", "f2", "f4", "f5", "f6", "f7", "f8", "f9"])
        for i in 0..<10 where i != 3 { #expect(withBytes("f\(i)") { h.remove($0) }) }
        #expect(h.count == 0)
        #expect(h.encodingName == "listpack")
    }

    @Test("More fields than hash-max-listpack-entries convert to a hashtable")
    func convertOnEntries() {
        let limits = HashLimits(maxListpackEntries: 4, maxListpackValue: 64)
        let h = HashValue()
        for i in 0..<4 { set(h, "f\(i)", "v", limits) }
        #expect(h.encodingName == "listpack")
        set(h, "f4", "v", limits)
        #expect(h.encodingName == "hashtable")
        #expect(h.count == 5)
        for i in 0..<5 { #expect(get(h, "f\(i)") == "v") }
    }

    @Test("A field or value longer than hash-max-listpack-value converts; the limit itself does not")
    func convertOnValueLength() {
        let limits = HashLimits(maxListpackEntries: 128, maxListpackValue: 8)
        let h = HashValue()
        set(h, "12345678", "12345678", limits)
        #expect(h.encodingName == "listpack")
        set(h, "k", "123456789", limits)
        #expect(h.encodingName == "hashtable")
        let h2 = HashValue()
        set(h2, "123456789", "v", limits)
        #expect(h2.encodingName == "hashtable")
        #expect(get(h2, "123456789") == "v")
    }

    @Test("prepareForWrite converts ahead of a write that cannot fit the listpack")
    func prepare() {
        let limits = HashLimits(maxListpackEntries: 2, maxListpackValue: 10)
        let a = HashValue()
        a.prepareForWrite(pairs: 2, longest: 10, totalBytes: 40, limits: limits)
        #expect(a.isPacked)
        a.prepareForWrite(pairs: 3, longest: 1, totalBytes: 6, limits: limits)
        #expect(!a.isPacked)
        let b = HashValue()
        b.prepareForWrite(pairs: 1, longest: 11, totalBytes: 12, limits: limits)
        #expect(b.encodingName == "hashtable")
        // A listpack never grows past 1 GB (lpSafeToAdd), whatever the limits allow.
        let c = HashValue()
        c.prepareForWrite(pairs: 1, longest: 5, totalBytes: (1 << 30) + 1, limits: HashLimits(maxListpackValue: .max))
        #expect(c.encodingName == "hashtable")
    }

    @Test("A hashtable of 20 000 fields: sets, updates, deletes and lookups agree with a dictionary")
    func hashtableAtScale() {
        let h = HashValue()
        var model: [String: String] = [:]
        var rng = SplitMix64(seed: 7)
        for i in 0..<20_000 {
            let f = i % 3 == 0 ? "a-field-long-enough-for-the-heap-\(i)" : "f\(i)"
            set(h, f, "v\(i)")
            model[f] = "v\(i)"
        }
        #expect(h.encodingName == "hashtable")
        for _ in 0..<15_000 {
            let i = Int(rng.next() % 20_000)
            let f = i % 3 == 0 ? "a-field-long-enough-for-the-heap-\(i)" : "f\(i)"
            let removed = withBytes(f) { h.remove($0) }
            #expect(removed == (model.removeValue(forKey: f) != nil))
        }
        #expect(h.count == model.count)
        for (f, v) in model { #expect(get(h, f) == v) }
        var seen = 0
        h.forEach { f, v in
            seen += 1
            if model[str(Array(f))] != str(Array(v)) { Issue.record("mismatch for \(str(Array(f)))") }
        }
        #expect(seen == model.count)
    }

    @Test("HSCAN over a hashtable returns every field present for the whole scan, even as it shrinks")
    func scanGuarantee() {
        let h = HashValue()
        for i in 0..<5000 { set(h, "f\(i)", "\(i)") }
        var seen = Set<String>()
        var cursor: UInt64 = 0
        var step = 0
        repeat {
            cursor = h.scan(cursor: cursor, count: 10) { f, _ in seen.insert(str(Array(f))) }
            // Delete fields 2500..<5000 while scanning; 0..<2500 must all be seen.
            if step < 2500 { _ = withBytes("f\(2500 + step)") { h.remove($0) } }
            step += 1
        } while cursor != 0
        for i in 0..<2500 { #expect(seen.contains("f\(i)"), "f\(i)") }
    }

    @Test("A listpack scan returns everything with cursor 0")
    func scanListpack() {
        let h = HashValue()
        for i in 0..<5 { set(h, "f\(i)", "\(i)") }
        var n = 0
        #expect(h.scan(cursor: 0, count: 1) { _, _ in n += 1 } == 0)
        #expect(n == 5)
    }

    @Test("Ordinals address every pair in both encodings")
    func ordinals() {
        for limits in [HashLimits(), HashLimits(maxListpackEntries: 0, maxListpackValue: 0)] {
            let h = HashValue()
            for i in 0..<50 { set(h, "f\(i)", "v\(i)", limits) }
            let index = h.ordinals()
            var fields = Set<String>()
            for i in 0..<h.count {
                h.withPair(i, index) { f, v in
                    fields.insert(str(Array(f)))
                    #expect(str(Array(v)) == "v" + str(Array(f)).dropFirst())
                }
            }
            #expect(fields.count == 50)
        }
    }

    @Test("duplicate copies deeply and keeps the encoding")
    func duplicate() {
        for limits in [HashLimits(), HashLimits(maxListpackEntries: 1, maxListpackValue: 64)] {
            let h = HashValue()
            set(h, "a", "1", limits)
            set(h, "b", "2", limits)
            let d = h.duplicate() as! HashValue
            #expect(d.encodingName == h.encodingName)
            set(h, "a", "changed", limits)
            #expect(get(d, "a") == "1")
            #expect(pairs(d).sorted { $0.0 < $1.0 }.map(\.1) == ["1", "2"])
        }
    }

    @Test("The digest is Redis's, whatever the encoding and order")
    func digest() {
        for limits in [HashLimits(), HashLimits(maxListpackEntries: 0, maxListpackValue: 0)] {
            let h = HashValue()
            set(h, "c", "3", limits)
            set(h, "a", "1", limits)
            set(h, "b", "2", limits)
            var d = [UInt8](repeating: 0, count: 20)
            h.mixDigest(into: &d)
            // DEBUG DIGEST-VALUE mixes the type code first; compare the whole value digest with Redis 7.2.6's.
            var full = [UInt8](repeating: 0, count: 20)
            Digest.mixInt32BigEndian(&full, 4)
            h.mixDigest(into: &full)
            #expect(SHA1.hex(full) == "b60c36e529712296d694f27b5914cbe84950995e")
        }
    }

    @Test("heapSize grows with the contents")
    func heapSize() {
        let h = HashValue()
        let empty = h.heapSize
        for i in 0..<100 { set(h, "field:\(i)", "value:\(i)") }
        #expect(h.heapSize > empty + 1000)
        h.convertToTable()
        #expect(h.heapSize > empty + 1000)
    }
}
