// Tests for ZSetValue in both encodings: a randomised model check against a plain sorted array (insert, update,
// delete, rank, score and lex ranges, walks in both directions, range deletion, SCAN coverage, copies), the
// order tree's invariants at every step, encoding conversion, and score formatting for digests.
@testable import CinnabarStorage
import Testing

/// The reference model: (score, member) pairs kept sorted by score, then member bytes.
private struct Model {
    var items: [(score: Double, member: [UInt8])] = []

    static func less(_ a: (score: Double, member: [UInt8]), _ b: (score: Double, member: [UInt8])) -> Bool {
        if a.score != b.score { return a.score < b.score }
        return a.member.withUnsafeBytes { x in b.member.withUnsafeBytes { y in Bytes.compare(x, y) < 0 } }
    }

    func index(of m: [UInt8]) -> Int? { items.firstIndex { $0.member == m } }

    /// Sets a score; an equal score (0 and -0) leaves the stored one, as zsetAdd does.
    mutating func set(_ m: [UInt8], _ s: Double) {
        if let i = index(of: m) {
            if items[i].score == s { return }
            items.remove(at: i)
        }
        let e = (score: s, member: m)
        let at = items.firstIndex { Model.less(e, $0) } ?? items.count
        items.insert(e, at: at)
    }
}

private func members(_ z: ZSetValue, _ ranks: Range<Int>, reverse: Bool = false) -> [(Double, [UInt8])] {
    var out: [(Double, [UInt8])] = []
    z.forEach(in: ranks, reverse: reverse) { m, s in out.append((s, Array(m))) }
    return out
}

private func same(_ a: [(Double, [UInt8])], _ b: [(score: Double, member: [UInt8])]) -> Bool {
    // Numeric equality: a listpack stores -0 as 0, as Redis's does.
    a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.score && $0.1 == $1.member }
}

private func add(_ z: ZSetValue, _ m: [UInt8], _ s: Double, _ o: ZAddOptions = [], _ l: ZSetLimits = ZSetLimits()) -> ZAddResult {
    m.withUnsafeBytes { z.add($0, score: s, options: o, limits: l) }
}

@Suite("ZSetValue")
struct ZSetValueTests {
    /// Runs `steps` random operations against both the value and the model, checking everything as it goes.
    private func modelCheck(limits: ZSetLimits, steps: Int, memberSpace: Int, seed: UInt64, checkEvery: Int) {
        var rng = SplitMix64(seed: seed)
        let z = ZSetValue(limits: limits)
        var model = Model()
        let scores: [Double] = [-.infinity, -3.5, -1, -0.0, 0, 1, 1, 2, 2, 2.5, 7, 1e9, .infinity]
        func member(_ i: Int) -> [UInt8] {
            // Some members share a prefix, some are long enough for the heap, one is empty.
            if i == 0 { return [] }
            if i % 7 == 0 { return Array("a-member-long-enough-to-live-on-the-heap-\(i)".utf8) }
            return Array("m\(i)".utf8)
        }
        for step in 0..<steps {
            let op = rng.next() % 10
            let m = member(Int(rng.next() % UInt64(memberSpace)))
            switch op {
            case 0...4:
                let s = rng.next() % 3 == 0 ? scores[Int(rng.next() % UInt64(scores.count))]
                    : Double(Int(rng.next() % 2000)) / 4 - 250
                let existed = model.index(of: m) != nil
                let r = add(z, m, s, [], limits)
                switch r {
                case .added: #expect(!existed)
                case .updated, .unchanged: #expect(existed)
                default: Issue.record("unexpected \(r)")
                }
                model.set(m, s)
            case 5, 6:
                let existed = model.index(of: m) != nil
                let removed = m.withUnsafeBytes { z.remove($0) }
                #expect(removed == existed)
                if let i = model.index(of: m) { model.items.remove(at: i) }
            case 7:
                // Remove a random rank range (small).
                if !model.items.isEmpty {
                    let a = Int(rng.next() % UInt64(model.items.count))
                    let b = min(model.items.count, a + Int(rng.next() % 5))
                    z.removeRanks(a..<b)
                    model.items.removeSubrange(a..<b)
                }
            case 8:
                let inc = Double(Int(rng.next() % 9)) - 4
                let before = model.index(of: m).map { model.items[$0].score } ?? 0
                let r = add(z, m, inc, [.incr], limits)
                let expected = before + inc
                if expected.isNaN {
                    #expect(r == .notANumber)
                } else {
                    model.set(m, expected)
                }
            default:
                // GT / LT / NX / XX semantics against the model.
                let s = Double(Int(rng.next() % 100)) - 50
                let opts: [ZAddOptions] = [.nx, .xx, .gt, .lt, [.xx, .gt], [.xx, .lt]]
                let o = opts[Int(rng.next() % UInt64(opts.count))]
                let current = model.index(of: m).map { model.items[$0].score }
                let r = add(z, m, s, o, limits)
                var applies = true
                if o.contains(.nx) && current != nil { applies = false }
                if o.contains(.xx) && current == nil { applies = false }
                if let c = current, o.contains(.gt) && s <= c { applies = false }
                if let c = current, o.contains(.lt) && s >= c { applies = false }
                if applies {
                    model.set(m, s)
                    #expect(r != .skipped)
                } else {
                    #expect(r == .skipped)
                }
            }
            #expect(z.count == model.items.count)
            if step % checkEvery == 0 || step == steps - 1 {
                z.checkInvariants()
                verify(z, model, &rng)
            }
        }
    }

    private func verify(_ z: ZSetValue, _ model: Model, _ rng: inout SplitMix64) {
        #expect(same(members(z, 0..<z.count), model.items))
        #expect(same(members(z, 0..<z.count, reverse: true), Array(model.items.reversed())))
        for (i, e) in model.items.enumerated() where i % 3 == 0 || model.items.count < 50 {
            let r = e.member.withUnsafeBytes { z.rank(of: $0) }
            #expect(r?.rank == i && r?.score == e.score)
            #expect(e.member.withUnsafeBytes { z.score(of: $0) } == e.score)
        }
        #expect(Array("no-such-member".utf8).withUnsafeBytes { z.score(of: $0) } == nil)
        // Score ranges, all four inclusive/exclusive combinations.
        for _ in 0..<8 {
            let a = Double(Int(rng.next() % 600)) / 2 - 150
            let b = a + Double(Int(rng.next() % 200)) / 2 - 10
            let range = ZScoreRange(min: a, minExclusive: rng.next() % 2 == 0, max: b, maxExclusive: rng.next() % 2 == 0)
            let expected = model.items.indices.filter {
                let s = model.items[$0].score
                return (range.minExclusive ? s > a : s >= a) && (range.maxExclusive ? s < b : s <= b)
            }
            let got = z.ranks(in: range)
            if expected.isEmpty {
                #expect(got.isEmpty)
            } else {
                #expect(got == expected.first!..<(expected.last! + 1))
            }
        }
        // A walk from a random middle rank in both directions.
        if !model.items.isEmpty {
            let a = Int(rng.next() % UInt64(model.items.count))
            let b = min(model.items.count, a + 1 + Int(rng.next() % 100))
            #expect(same(members(z, a..<b), Array(model.items[a..<b])))
            #expect(same(members(z, a..<b, reverse: true), Array(model.items[a..<b].reversed())))
            let e = z.element(at: a)
            #expect(e.member.array == model.items[a].member && e.score == model.items[a].score)
        }
        // SCAN visits every member at least once.
        var seen = Set<[UInt8]>()
        var cursor: UInt64 = 0
        repeat {
            cursor = z.scan(cursor: cursor, count: 7) { m, _ in seen.insert(Array(m)) }
        } while cursor != 0
        #expect(seen == Set(model.items.map(\.member)))
        // A copy is equal and independent.
        let copy = z.duplicate() as! ZSetValue
        copy.checkInvariants()
        #expect(same(members(copy, 0..<copy.count), model.items))
        #expect(copy.encodingName == z.encodingName)
    }

    @Test("Model check: listpack encoding (no conversion)")
    func modelListpack() {
        modelCheck(limits: ZSetLimits(maxListpackEntries: 100_000, maxListpackValue: 100_000), steps: 3000,
                   memberSpace: 150, seed: 1, checkEvery: 25)
    }

    @Test("Model check: skiplist encoding, small and deep trees")
    func modelSkiplist() {
        modelCheck(limits: ZSetLimits(maxListpackEntries: 0, maxListpackValue: 0), steps: 4000, memberSpace: 90,
                   seed: 2, checkEvery: 20)
        modelCheck(limits: ZSetLimits(maxListpackEntries: 0, maxListpackValue: 0), steps: 30_000,
                   memberSpace: 6000, seed: 3, checkEvery: 997)
    }

    @Test("Model check: conversion from listpack to skiplist midway")
    func modelConversion() {
        modelCheck(limits: ZSetLimits(), steps: 6000, memberSpace: 400, seed: 4, checkEvery: 50)
    }

    @Test("Sequential inserts fill leaves; deleting everything in any order empties the tree")
    func sequentialAndDrain() {
        let none = ZSetLimits(maxListpackEntries: 0, maxListpackValue: 0)
        let z = ZSetValue(limits: none)
        let n = 70_000
        for i in 0..<n { _ = add(z, Array("k\(i)".utf8), Double(i), [], none) }
        z.checkInvariants()
        #expect(z.count == n)
        // Ascending inserts leave full leaves: about 12 bytes per member in the tree.
        let t = z.table!
        #expect(t.treeBytes(t.root, t.height) < n * 14)
        #expect(Array("k12345".utf8).withUnsafeBytes { z.rank(of: $0)?.rank } == 12345)
        // Descending inserts, interleaved.
        for i in stride(from: -1, through: -5000, by: -1) { _ = add(z, Array("k\(i)".utf8), Double(i)) }
        z.checkInvariants()
        // Drain from the middle, then pop from both ends.
        z.removeRanks(20_000..<50_000)
        z.checkInvariants()
        var rng = SplitMix64(seed: 9)
        while z.count > 0 {
            let r = Int(rng.next() % UInt64(z.count))
            let k = min(z.count - r, 1 + Int(rng.next() % 300))
            z.removeRanks(r..<(r + k))
            if rng.next() % 50 == 0 { z.checkInvariants() }
        }
        z.checkInvariants()
        #expect(z.table!.height == 0)
    }

    @Test("A tree three levels deep: random inserts, then random deletes merge inner nodes back")
    func deepTree() {
        let z = ZSetValue(limits: ZSetLimits(maxListpackEntries: 0, maxListpackValue: 0))
        var rng = SplitMix64(seed: 11)
        let n = 300_000
        var keys: [[UInt8]] = []
        keys.reserveCapacity(n)
        for i in 0..<n {
            let k = Array("r\(i)".utf8)
            keys.append(k)
            _ = add(z, k, Double(rng.next() % 1_000_000))
        }
        #expect(z.table!.height >= 3)
        z.checkInvariants()
        keys.shuffle(using: &rng)
        for (i, k) in keys.enumerated() where i < n - 10 {
            #expect(k.withUnsafeBytes { z.remove($0) })
            if i % 60_000 == 0 { z.checkInvariants() }
        }
        z.checkInvariants()
        #expect(z.count == 10 && z.table!.height == 0)
    }

    @Test("A listpack stores -0 as 0; the big encoding keeps -0")
    func negativeZero() {
        let small = ZSetValue()
        _ = add(small, Array("a".utf8), -0.0)
        #expect(Array("a".utf8).withUnsafeBytes { small.score(of: $0) }?.sign == .plus)
        let none = ZSetLimits(maxListpackEntries: 0, maxListpackValue: 0)
        let big = ZSetValue(limits: none)
        _ = add(big, Array("a".utf8), -0.0, [], none)
        #expect(big.encodingName == "skiplist")
        #expect(Array("a".utf8).withUnsafeBytes { big.score(of: $0) }?.sign == .minus)
    }

    @Test("Ties are ordered by member bytes, then length")
    func ties() {
        let z = ZSetValue()
        for m in ["b", "a", "ab", "", "aa", "\u{0}", "B"] { _ = add(z, Array(m.utf8), 1) }
        let order = members(z, 0..<z.count).map { String(decoding: $0.1, as: UTF8.self) }
        #expect(order == ["", "\u{0}", "B", "a", "aa", "ab", "b"])
    }

    @Test("Encoding: listpack until the entry or value limit, then skiplist for good")
    func encodingConversion() {
        let limits = ZSetLimits(maxListpackEntries: 4, maxListpackValue: 8)
        let z = ZSetValue(sizeHint: 1, memberLengthHint: 1, limits: limits)
        for i in 0..<4 { _ = add(z, Array("m\(i)".utf8), Double(i), [], limits) }
        #expect(z.encodingName == "listpack")
        _ = add(z, Array("m4".utf8), 4, [], limits)
        #expect(z.encodingName == "skiplist")
        for i in 0..<5 { _ = Array("m\(i)".utf8).withUnsafeBytes { z.remove($0) } }
        #expect(z.count == 0 && z.encodingName == "skiplist")
        let long = ZSetValue(sizeHint: 1, memberLengthHint: 1, limits: limits)
        _ = add(long, Array("123456789".utf8), 1, [], limits)
        #expect(long.encodingName == "skiplist")
        #expect(ZSetValue(sizeHint: 5, memberLengthHint: 1, limits: limits).encodingName == "skiplist")
        let hinted = ZSetValue(sizeHint: 2, memberLengthHint: 1, limits: limits)
        hinted.convertIfNeeded(sizeHint: 5, limits: limits)
        #expect(hinted.encodingName == "skiplist")
    }

    @Test("Lex ranges over members with equal scores")
    func lexRanges() {
        for limits in [ZSetLimits(), ZSetLimits(maxListpackEntries: 0, maxListpackValue: 0)] {
            let z = ZSetValue(limits: limits)
            for m in ["alpha", "bar", "cool", "down", "elephant", "foo", "great", "hill", "omega"] {
                _ = add(z, Array(m.utf8), 0, [], limits)
            }
            func r(_ a: ZLexBound, _ b: ZLexBound) -> Range<Int> { z.ranks(in: ZLexRange(min: a, max: b)) }
            let c = Array("cool".utf8), f = Array("foo".utf8)
            c.withUnsafeBytes { cb in
                f.withUnsafeBytes { fb in
                    #expect(r(.minusInfinity, .plusInfinity) == 0..<9)
                    #expect(r(.inclusive(cb), .inclusive(fb)) == 2..<6)
                    #expect(r(.exclusive(cb), .exclusive(fb)) == 3..<5)
                    #expect(r(.plusInfinity, .minusInfinity).isEmpty)
                    #expect(r(.plusInfinity, .plusInfinity).isEmpty)
                    #expect(r(.minusInfinity, .minusInfinity).isEmpty)
                    #expect(r(.inclusive(fb), .inclusive(cb)).isEmpty)
                    #expect(r(.exclusive(cb), .exclusive(cb)).isEmpty)
                }
            }
        }
    }

    @Test("Score formatting: d2string for replies, fpconv_dtoa for digests")
    func scoreFormatting() {
        func d2(_ v: Double) -> String {
            withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { b in
                String(decoding: UnsafeRawBufferPointer(rebasing: b[0..<formatScore(v, into: b.baseAddress!)]), as: UTF8.self)
            }
        }
        func fp(_ v: Double) -> String {
            withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { b in
                String(decoding: UnsafeRawBufferPointer(rebasing: b[0..<fpconvDtoa(v, into: b.baseAddress!)]), as: UTF8.self)
            }
        }
        for v in [0.0, -0.0, 1, -1, 1.5, 0.1, 1e8, 1e18, 1e20, -2.5e-7, .infinity, -.infinity, 3.14159, 1e-100] {
            #expect(d2(v) == String(decoding: formatDouble(v), as: UTF8.self))
        }
        #expect(fp(3) == "3")
        #expect(fp(100) == "100")
        #expect(fp(1e7) == "10000000")
        #expect(fp(1e8) == "1e+8")
        #expect(d2(1e8) == "100000000")
        #expect(fp(-0.0) == "-0")
        #expect(fp(0) == "0")
        #expect(fp(.infinity) == "inf")
        #expect(fp(-.infinity) == "-inf")
        #expect(fp(0.1) == "0.1")
        #expect(fp(-1.5) == "-1.5")
    }
}
