// Tests for KeyTable: insert/find/remove at scale, incremental rehashing (grow and shrink) under concurrent use, the SCAN guarantee across resizes, uniform random sampling, chunk bookkeeping and removeAll.
@testable import CinnabarStorage
import Testing

/// Short keys are inline, every third key is long enough to live on the heap.
private func makeKey(_ i: Int) -> [UInt8] {
    i % 3 == 0 ? Array("a-much-longer-key-that-lives-on-the-heap:\(i)".utf8) : Array("key:\(i)".utf8)
}

private func insert(_ t: KeyTable<KeyTableEntry<Int>>, _ i: Int) {
    let k = makeKey(i)
    k.withUnsafeBytes { _ = t.insert(Bytes($0), hash: keyHash($0), value: i) }
}

private func find(_ t: KeyTable<KeyTableEntry<Int>>, _ i: Int) -> Int? {
    makeKey(i).withUnsafeBytes { t.find($0, hash: keyHash($0)) }
}

/// The value stored under key `i`, or nil; also checks that both lookup paths agree.
private func lookup(_ t: KeyTable<KeyTableEntry<Int>>, _ i: Int) -> Int? {
    let byRaw = find(t, i)
    let byBytes = t.find(Bytes(makeKey(i)))
    if byRaw != byBytes { Issue.record("raw and Bytes lookups disagree for key \(i): \(String(describing: byRaw)) vs \(String(describing: byBytes))") }
    return byRaw.map { t.entry($0).pointee.value }
}

@discardableResult
private func remove(_ t: KeyTable<KeyTableEntry<Int>>, _ i: Int) -> Bool {
    guard let index = find(t, i) else { return false }
    let removed = t.remove(at: index)
    #expect(removed.key == Bytes(makeKey(i)))
    #expect(removed.value == i)
    return true
}

/// Checks that exactly the keys in `present` are found, with their values; samples `absent`.
private func verify(_ t: KeyTable<KeyTableEntry<Int>>, present: some Collection<Int>, absent: some Sequence<Int>) -> Bool {
    var ok = t.count == present.count
    if !ok { Issue.record("count \(t.count), expected \(present.count)") }
    for i in present where lookup(t, i) != i {
        Issue.record("key \(i) missing or wrong")
        ok = false
        break
    }
    for i in absent where find(t, i) != nil {
        Issue.record("key \(i) should be absent")
        ok = false
        break
    }
    return ok
}

/// Runs a full SCAN, calling `between(step)` after each call; returns every key value seen.
private func fullScan(_ t: KeyTable<KeyTableEntry<Int>>, between: (Int) -> Void = { _ in }) -> [Int] {
    var seen: [Int] = []
    var cursor: UInt64 = 0
    var step = 0
    repeat {
        cursor = t.scan(cursor: cursor) { seen.append(t.entry($0).pointee.value) }
        between(step)
        step += 1
    } while cursor != 0 && step < 10_000_000
    #expect(cursor == 0)
    return seen
}

/// Inserts keys `next...` until the table has started growing from 4096 to 8192 buckets.
private func insertUntilGrowingTo8192(_ t: KeyTable<KeyTableEntry<Int>>, next: inout Int) {
    while !(t.isRehashing && t.bucketCount == 4096 + 8192) {
        insert(t, next)
        next += 1
    }
}

private func shuffled(_ n: Int, seed: UInt64) -> [Int] {
    var rng = FastRandom(seed: seed)
    var a = Array(0..<n)
    a.shuffle(using: &rng)
    return a
}

@Suite("KeyTable")
struct KeyTableTests {
    @Test("200,000 keys are all findable after inserting, and unknown keys are not")
    func manyKeys() {
        let t = KeyTable<KeyTableEntry<Int>>()
        let n = 200_000
        for i in 0..<n { insert(t, i) }
        #expect(t.count == n)
        #expect(verify(t, present: 0..<n, absent: n..<(n + 5000)))
        #expect(t.bucketCount >= n / 2)
    }

    @Test("Removing every key in random order keeps the rest findable and ends empty")
    func removeRandomOrder() {
        let t = KeyTable<KeyTableEntry<Int>>()
        let n = 40_000
        for i in 0..<n { insert(t, i) }
        var present = Set(0..<n)
        var removed: [Int] = []
        for (step, i) in shuffled(n, seed: 11).enumerated() {
            #expect(remove(t, i))
            present.remove(i)
            removed.append(i)
            if step % 4000 == 3999 {
                #expect(verify(t, present: present, absent: removed.suffix(2000)))
            }
        }
        #expect(t.count == 0)
        #expect(!remove(t, 5))
        #expect(verify(t, present: [Int](), absent: 0..<100))
        // Shrinking followed the removals: the table is small again once rehashing completes.
        // Removals shrank the table from 65536 buckets (it only shrinks on removal, so it can stay larger than
        // the minimum once the last key is gone).
        while t.rehashStep(100) {}
        #expect(t.bucketCount <= 16384, "buckets \(t.bucketCount)")
        // SCAN of the emptied table ends at once.
        var calls = 0
        #expect(t.scan(cursor: 0) { _ in calls += 1 } == 0)
        #expect(t.scan(cursor: 12345) { _ in calls += 1 } == 0)
        #expect(calls == 0)
    }

    @Test("Inserts, removes and finds stay correct while a growing rehash is in progress")
    func rehashWhileGrowing() {
        let t = KeyTable<KeyTableEntry<Int>>()
        var next = 0
        insertUntilGrowingTo8192(t, next: &next)
        #expect(next == 4097)  // 4096 keys fill 4096 buckets; the next insert starts the move to 8192
        var present = Set(0..<next)
        var removed: [Int] = []
        var rng = FastRandom(seed: 5)
        var opsWhileRehashing = 0
        for op in 0..<3000 {
            if t.isRehashing { opsWhileRehashing += 1 }
            if rng.below(3) == 0, let victim = present.randomElement(using: &rng) {
                #expect(remove(t, victim))
                present.remove(victim)
                removed.append(victim)
                #expect(lookup(t, victim) == nil)
            } else {
                insert(t, next)
                present.insert(next)
                #expect(lookup(t, next) == next)
                next += 1
            }
            if op % 250 == 0 { #expect(verify(t, present: present, absent: removed.suffix(200))) }
        }
        #expect(opsWhileRehashing >= 300)
        #expect(verify(t, present: present, absent: removed))
    }

    @Test("Inserts, removes and finds stay correct while a shrinking rehash is in progress")
    func rehashWhileShrinking() {
        let t = KeyTable<KeyTableEntry<Int>>()
        let n = 20_000
        for i in 0..<n { insert(t, i) }
        while t.rehashStep(100) {}
        let fullBuckets = t.bucketCount
        var present = Set(0..<n)
        var removed: [Int] = []
        var order = shuffled(n, seed: 21)[...]
        while !t.isRehashing {
            let i = order.removeFirst()
            #expect(remove(t, i))
            present.remove(i)
            removed.append(i)
        }
        // Shrinking starts once fewer than 10 % of the buckets are used.
        #expect(t.count * 10 < fullBuckets)
        #expect(t.count * 10 >= fullBuckets - 10)
        var rng = FastRandom(seed: 6)
        var next = n
        var opsWhileRehashing = 0
        for op in 0..<1500 {
            if t.isRehashing { opsWhileRehashing += 1 }
            if rng.below(2) == 0, let victim = present.randomElement(using: &rng) {
                #expect(remove(t, victim))
                present.remove(victim)
                removed.append(victim)
                #expect(lookup(t, victim) == nil)
            } else {
                insert(t, next)
                present.insert(next)
                #expect(lookup(t, next) == next)
                next += 1
            }
            if op % 100 == 0 { #expect(verify(t, present: present, absent: removed.suffix(300))) }
        }
        #expect(opsWhileRehashing >= 100)
        #expect(verify(t, present: present, absent: removed))
        while t.rehashStep(100) {}
        #expect(t.bucketCount < fullBuckets)
        #expect(verify(t, present: present, absent: removed.suffix(1000)))
    }

    @Test("With resizeAllowed off, removals never start a shrink")
    func resizeNotAllowed() {
        let t = KeyTable<KeyTableEntry<Int>>()
        for i in 0..<5000 { insert(t, i) }
        while t.rehashStep(100) {}
        let buckets = t.bucketCount
        t.resizeAllowed = false
        for i in 0..<4990 { remove(t, i) }
        #expect(!t.isRehashing)
        #expect(t.bucketCount == buckets)
        #expect(verify(t, present: 4990..<5000, absent: 0..<4990))
        t.resizeAllowed = true
        remove(t, 4990)
        #expect(t.isRehashing)
    }

    @Test("rehashFor stops when its time budget is spent and finishes the rehash when given time")
    func rehashForBudget() {
        let t = KeyTable<KeyTableEntry<Int>>()
        var next = 0
        insertUntilGrowingTo8192(t, next: &next)
        var clock: Int64 = 0
        let rounds = t.rehashFor(microseconds: 1000) {
            clock += 600
            return clock
        }
        #expect(rounds == 200)
        #expect(t.isRehashing)
        _ = t.rehashFor(microseconds: 1000) { 0 }
        #expect(!t.isRehashing)
        #expect(t.bucketCount == 8192)
        #expect(!t.rehashStep(1))
        #expect(verify(t, present: 0..<next, absent: next..<(next + 100)))
    }

    @Test("A SCAN of an unchanged table returns every key exactly once, also mid-rehash")
    func scanExactlyOnce() {
        // Stable table.
        let t = KeyTable<KeyTableEntry<Int>>()
        for i in 0..<3000 { insert(t, i) }
        while t.rehashStep(100) {}
        #expect(fullScan(t).sorted() == Array(0..<3000))
        // Growing rehash in progress.
        var next = 3000
        while !t.isRehashing {
            insert(t, next)
            next += 1
        }
        for _ in 0..<20 {
            insert(t, next)
            next += 1
        }
        #expect(t.isRehashing)
        #expect(fullScan(t).sorted() == Array(0..<next))
        // Shrinking rehash in progress.
        while t.rehashStep(100) {}
        var i = 0
        while !t.isRehashing {
            remove(t, i)
            i += 1
        }
        #expect(t.isRehashing)
        #expect(fullScan(t).sorted() == Array(i..<next))
        // Empty table: one call, cursor back to 0 (Redis's dictScan returns 0 for an empty dict).
        let empty = KeyTable<KeyTableEntry<Int>>()
        var calls = 0
        #expect(empty.scan(cursor: 0) { _ in calls += 1 } == 0)
        #expect(calls == 0)
    }

    @Test("SCAN returns every key present throughout even when the table grows mid-scan")
    func scanWhileGrowing() {
        let t = KeyTable<KeyTableEntry<Int>>()
        let initial = 1000
        for i in 0..<initial { insert(t, i) }
        while t.rehashStep(100) {}
        var next = initial
        let seen = Set(
            fullScan(t) { step in
                // Grow in bursts so that some scan calls run while rehashing and some after the resize.
                // Only early on: growing without end would keep pushing the end of the scan further out.
                if step % 16 == 3 && step < 160 {
                    for _ in 0..<1500 {
                        insert(t, next)
                        next += 1
                    }
                }
            })
        #expect(next > 8 * initial)
        let missing = (0..<initial).filter { !seen.contains($0) }
        #expect(missing.isEmpty, "keys not returned: \(missing.prefix(10))")
    }

    @Test("SCAN returns every key present throughout even when the table shrinks mid-scan")
    func scanWhileShrinking() {
        let t = KeyTable<KeyTableEntry<Int>>()
        let n = 20_000
        for i in 0..<n { insert(t, i) }
        while t.rehashStep(100) {}
        let startBuckets = t.bucketCount
        let kept = Set(stride(from: 0, to: n, by: 10))
        var doomed = (0..<n).filter { !kept.contains($0) }[...]
        let seen = Set(
            fullScan(t) { step in
                if step % 8 == 1 {
                    for _ in 0..<1500 {
                        guard let i = doomed.popFirst() else { break }
                        remove(t, i)
                    }
                }
            })
        #expect(doomed.isEmpty)
        while t.rehashStep(100) {}
        #expect(t.bucketCount < startBuckets)
        let missing = kept.filter { !seen.contains($0) }
        #expect(missing.isEmpty, "keys not returned: \(missing.prefix(10))")
    }

    @Test("SCAN keeps its guarantee under repeated random growth and shrinkage")
    func scanRandomResizes() {
        var rng = FastRandom(seed: 99)
        var grows = 0
        var shrinks = 0
        for round in 0..<4 {
            let t = KeyTable<KeyTableEntry<Int>>()
            let stable = 150
            for i in 0..<stable { insert(t, i) }
            var volatile: [Int] = []
            var next = stable
            var buckets = t.mask0 + 1
            func removeRandom(_ n: Int) {
                for _ in 0..<n where !volatile.isEmpty {
                    let j = rng.below(volatile.count)
                    remove(t, volatile[j])
                    volatile.swapAt(j, volatile.count - 1)
                    volatile.removeLast()
                }
            }
            let seen = Set(
                fullScan(t) { step in
                    // Early on, bursts that grow the table several times over and then shrink it again;
                    // throughout, small random inserts and removals.
                    if step < 400 && step % 64 == 1 {
                        for _ in 0..<(1000 + rng.below(2000)) {
                            insert(t, next)
                            volatile.append(next)
                            next += 1
                        }
                    } else if step < 400 && step % 64 == 33 {
                        removeRandom(max(0, volatile.count - rng.below(50)))
                    } else {
                        switch rng.below(4) {
                        case 0:
                            for _ in 0..<rng.below(20) {
                                insert(t, next)
                                volatile.append(next)
                                next += 1
                            }
                        case 1: removeRandom(rng.below(20))
                        default: break
                        }
                    }
                    let now = t.mask0 + 1
                    if now > buckets { grows += 1 }
                    if now < buckets { shrinks += 1 }
                    buckets = now
                })
            let missing = (0..<stable).filter { !seen.contains($0) }
            #expect(missing.isEmpty, "round \(round): keys not returned: \(missing.prefix(10))")
            #expect(verify(t, present: Array(0..<stable) + volatile, absent: [Int]()))
        }
        #expect(grows >= 8)
        #expect(shrinks >= 8)
    }

    @Test("randomIndex is nil when empty and roughly uniform otherwise")
    func randomIndexUniform() {
        let t = KeyTable<KeyTableEntry<Int>>()
        var rng = FastRandom(seed: 1234)
        #expect(t.randomIndex(&rng) == nil)
        let n = 100
        for i in 0..<n { insert(t, i) }
        let draws = 100_000
        var counts = [Int](repeating: 0, count: n)
        for _ in 0..<draws {
            guard let i = t.randomIndex(&rng) else {
                Issue.record("nil from a non-empty table")
                return
            }
            #expect(i >= 0 && i < n)
            counts[t.entry(i).pointee.value] += 1
        }
        // Chi-square with 99 degrees of freedom: mean 99, standard deviation about 14.
        let expected = Double(draws) / Double(n)
        let chi = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chi < 180, "chi-square \(chi)")
        #expect(counts.min()! > 800)
        for i in 0..<n { remove(t, i) }
        #expect(t.randomIndex(&rng) == nil)
    }

    @Test("removeAll empties the table, resets it to its minimum size, and it can be refilled")
    func removeAllResets() {
        let t = KeyTable<KeyTableEntry<Int>>()
        for i in 0..<5000 { insert(t, i) }
        #expect(t.isRehashing || t.bucketCount >= 4096)
        t.removeAll()
        #expect(t.count == 0)
        #expect(!t.isRehashing)
        #expect(t.bucketCount == 4)
        #expect(t.chunks.isEmpty)
        #expect(verify(t, present: [Int](), absent: 0..<5000))
        for i in 0..<3000 { insert(t, i) }
        #expect(verify(t, present: 0..<3000, absent: 3000..<3100))
    }

    @Test("Entry chunks are added at 1024-entry boundaries and freed with one spare kept")
    func chunkBookkeeping() {
        let t = KeyTable<KeyTableEntry<Int>>()
        #expect(t.chunks.count == 0)
        insert(t, 0)
        #expect(t.chunks.count == 1)
        for i in 1..<1024 { insert(t, i) }
        #expect(t.chunks.count == 1)
        insert(t, 1024)
        #expect(t.chunks.count == 2)
        // Churn at the boundary keeps the spare chunk instead of freeing and reallocating it.
        for _ in 0..<10 {
            remove(t, 1024)
            #expect(t.chunks.count == 2)
            insert(t, 1024)
        }
        for i in 1025..<2049 { insert(t, i) }
        #expect(t.chunks.count == 3)
        for i in stride(from: 2048, through: 1024, by: -1) { remove(t, i) }
        #expect(t.count == 1024)
        #expect(t.chunks.count == 2)
        for i in 0..<1024 { remove(t, i) }
        #expect(t.chunks.count == 1)
        #expect(t.overheadBytes == t.bucketCount * 4 + 1024 * MemoryLayout<KeyTableEntry<Int>>.stride)
        for i in 0..<2500 { insert(t, i) }
        #expect(t.chunks.count == 3)
        #expect(verify(t, present: 0..<2500, absent: 2500..<2600))
    }

    @Test("Removing entries moves the last entry into the hole and keeps its chain intact")
    func holeFilling() {
        let t = KeyTable<KeyTableEntry<Int>>()
        for i in 0..<10 { insert(t, i) }
        let idx = find(t, 3)!
        let lastKey = t.entry(t.count - 1).pointee.value
        t.remove(at: idx)
        #expect(t.entry(idx).pointee.value == lastKey)
        #expect(find(t, lastKey) == idx)
        #expect(verify(t, present: [0, 1, 2, 4, 5, 6, 7, 8, 9], absent: [3]))
        // Removing the last entry itself moves nothing.
        let lastIndex = t.count - 1
        let v = t.entry(lastIndex).pointee.value
        t.remove(at: lastIndex)
        #expect(find(t, v) == nil)
        #expect(t.count == 8)
    }
}
