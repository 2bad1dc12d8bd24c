// Tests for SetValue: Redis's encoding rules (intset, listpack, hashtable and the moves between them), intset
// widths and order, membership across encodings with integer members, removal by ordinal, duplicate, SSCAN and the
// digest.
@testable import CinnabarStorage
import Testing

private func withBytes<R>(_ s: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    Array(s.utf8).withUnsafeBytes(body)
}

@discardableResult
private func add(_ s: SetValue, _ m: String, _ limits: SetLimits = SetLimits()) -> Bool {
    withBytes(m) { s.add($0, limits: limits) }
}

private func has(_ s: SetValue, _ m: String) -> Bool { withBytes(m) { s.contains($0) } }

private func members(_ s: SetValue) -> [String] {
    var r: [String] = []
    s.forEach { m in m.withBytes { r.append(str(Array($0))) } }
    return r
}

@Suite("SetValue")
struct SetValueTests {
    @Test("setTypeCreate: an integer starts an intset, a string a listpack, a big size hint a hashtable")
    func create() {
        func encoding(_ first: String, _ hint: Int) -> String {
            withBytes(first) { SetValue.forMembers(first: $0, sizeHint: hint, limits: SetLimits()) }.encodingName
        }
        #expect(encoding("12", 1) == "intset")
        #expect(encoding("a", 1) == "listpack")
        #expect(encoding("12", 513) == "hashtable")
        #expect(encoding("a", 129) == "hashtable")
        #expect(encoding("a", 128) == "listpack")
        // Not canonical integers: listpack.
        #expect(encoding("012", 1) == "listpack")
    }

    @Test("An intset stays sorted through width upgrades (16, 32, 64 bits) and removals")
    func intsetOrder() {
        let s = SetValue(encoding: .intset)
        for v in ["5", "-3", "100", "70000", "-9223372036854775808", "9223372036854775807", "0", "5"] { add(s, v) }
        #expect(s.encodingName == "intset")
        #expect(members(s) == ["-9223372036854775808", "-3", "0", "5", "100", "70000", "9223372036854775807"])
        #expect(has(s, "70000") && !has(s, "70001") && !has(s, "abc"))
        #expect(withBytes("100") { s.remove($0) })
        #expect(!withBytes("100") { s.remove($0) })
        #expect(members(s) == ["-9223372036854775808", "-3", "0", "5", "70000", "9223372036854775807"])
    }

    @Test("An intset grows past set-max-intset-entries into a hashtable")
    func intsetOverflow() {
        let limits = SetLimits(maxIntsetEntries: 512)
        let s = SetValue(encoding: .intset)
        for i in 0..<512 { add(s, "\(i)", limits) }
        #expect(s.encodingName == "intset")
        add(s, "512", limits)
        #expect(s.encodingName == "hashtable")
        #expect(s.count == 513)
        for i in 0...512 { #expect(has(s, "\(i)")) }
    }

    @Test("A string joins a small intset as a listpack (sorted integers first), a large one as a hashtable")
    func intsetToListpack() {
        let s = SetValue(encoding: .intset)
        for v in ["3", "1", "2"] { add(s, v) }
        add(s, "a")
        #expect(s.encodingName == "listpack")
        #expect(members(s) == ["1", "2", "3", "a"])
        let big = SetValue(encoding: .intset)
        for i in 0..<128 { add(big, "\(i)") }
        add(big, "a")
        #expect(big.encodingName == "hashtable")
        // An integer wider than set-max-listpack-value also forces a hashtable.
        let wide = SetValue(encoding: .intset)
        add(wide, "123456789012", SetLimits(maxListpackValue: 10))
        add(wide, "a", SetLimits(maxListpackValue: 10))
        #expect(wide.encodingName == "hashtable")
    }

    @Test("A listpack converts past set-max-listpack-entries or -value, keeps insertion order before that")
    func listpackLimits() {
        let limits = SetLimits(maxListpackEntries: 3, maxListpackValue: 5)
        let s = SetValue(encoding: .listpack)
        for m in ["c", "a", "b"] { add(s, m, limits) }
        #expect(members(s) == ["c", "a", "b"])
        add(s, "d", limits)
        #expect(s.encodingName == "hashtable")
        let t = SetValue(encoding: .listpack)
        add(t, "12345", limits)
        #expect(t.encodingName == "listpack")
        add(t, "123456", limits)
        #expect(t.encodingName == "hashtable")
        #expect(has(t, "12345") && has(t, "123456"))
    }

    @Test("prepareForAdding converts for a size hint over the limit")
    func prepare() {
        let s = SetValue(encoding: .intset)
        s.prepareForAdding(sizeHint: 512, limits: SetLimits())
        #expect(s.encodingName == "intset")
        s.prepareForAdding(sizeHint: 513, limits: SetLimits())
        #expect(s.encodingName == "hashtable")
    }

    @Test("Integer members are found in every encoding, formatted or not")
    func integerMembership() {
        let limits = SetLimits(maxListpackEntries: 0)
        for enc in [SetValue.Encoding.intset, .listpack, .hashtable] {
            let s = SetValue(encoding: enc)
            add(s, "42", enc == .hashtable ? limits : SetLimits())
            #expect(s.contains(.integer(42)), "\(enc)")
            #expect(s.contains(.bytes(UnsafeRawBufferPointer(start: nil, count: 0))) == false)
            #expect(s.remove(.integer(42)), "\(enc)")
            #expect(s.count == 0)
        }
    }

    @Test("convertToIntsetIfSmall turns an all-integer listpack or hashtable back into an intset")
    func backToIntset() {
        let s = SetValue(encoding: .listpack)
        for m in ["3", "1", "2"] { add(s, m) }
        s.convertToIntsetIfSmall(limits: SetLimits())
        #expect(s.encodingName == "intset")
        #expect(members(s) == ["1", "2", "3"])
        let big = SetValue(encoding: .hashtable)
        for i in 0..<600 { add(big, "\(i)") }
        big.convertToIntsetIfSmall(limits: SetLimits())
        #expect(big.encodingName == "hashtable")
    }

    @Test("removeMember(at:) removes the member its ordinal names, in every encoding")
    func removeByOrdinal() {
        for enc in [SetValue.Encoding.intset, .listpack, .hashtable] {
            let s = SetValue(encoding: enc)
            for i in 0..<20 { add(s, "\(i)") }
            var removed = Set<String>()
            while s.count > 5 {
                let index = s.ordinals()
                let i = s.count / 2
                s.withMember(i, index) { m in m.withBytes { _ = removed.insert(str(Array($0))) } }
                s.removeMember(at: i, index)
            }
            #expect(removed.count == 15)
            for m in removed { #expect(!has(s, m)) }
            #expect(Set(members(s)).union(removed).count == 20)
        }
    }

    @Test("A hashtable set of 30 000 members survives interleaved adds and removes")
    func hashtableAtScale() {
        let s = SetValue(encoding: .hashtable)
        var model = Set<String>()
        var rng = SplitMix64(seed: 3)
        for _ in 0..<60_000 {
            let m = "m\(rng.next() % 30_000)"
            if rng.next() % 3 == 0 {
                #expect(withBytes(m) { s.remove($0) } == (model.remove(m) != nil))
            } else {
                #expect(add(s, m) == model.insert(m).inserted)
            }
        }
        #expect(s.count == model.count)
        #expect(Set(members(s)) == model)
    }

    @Test("SSCAN over a hashtable visits every member; compact encodings answer at once")
    func scan() {
        let s = SetValue(encoding: .hashtable)
        for i in 0..<3000 { add(s, "m\(i)") }
        var seen = Set<String>()
        var cursor: UInt64 = 0
        repeat {
            cursor = s.scan(cursor: cursor, count: 20) { m in m.withBytes { _ = seen.insert(str(Array($0))) } }
        } while cursor != 0
        #expect(seen.count == 3000)
        let small = SetValue(encoding: .intset)
        add(small, "1")
        var n = 0
        #expect(small.scan(cursor: 0, count: 1) { _ in n += 1 } == 0 && n == 1)
    }

    @Test("duplicate keeps the encoding and is independent")
    func duplicate() {
        for enc in [SetValue.Encoding.intset, .listpack, .hashtable] {
            let s = SetValue(encoding: enc)
            for i in 0..<10 { add(s, "\(i)") }
            let d = s.duplicate() as! SetValue
            #expect(d.encoding == s.encoding)
            add(s, "100")
            #expect(d.count == 10 && !has(d, "100"))
        }
    }

    @Test("The digest is Redis's whatever the encoding")
    func digest() {
        func full(_ s: SetValue) -> String {
            var d = [UInt8](repeating: 0, count: 20)
            Digest.mixInt32BigEndian(&d, 2)
            s.mixDigest(into: &d)
            return SHA1.hex(d)
        }
        for enc in [SetValue.Encoding.intset, .listpack, .hashtable] {
            let s = SetValue(encoding: enc)
            for m in ["3", "1", "2"] { add(s, m) }
            #expect(full(s) == "2a462a3f51a1db89738ebbeef0c47ce1bbc85246", "\(enc)")
        }
        let t = SetValue(encoding: .listpack)
        for m in ["c", "b", "a"] { add(t, m) }
        #expect(full(t) == "593c2414786d75446e97f4ea5d4b731f3313da72")
    }
}
