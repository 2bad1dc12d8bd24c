// Tests for hashBytes: determinism, seed sensitivity, no collisions among
// 1M sequential keys, low-bit bucket balance and single-bit avalanche.

import Testing
import CinnabarStorage

struct HashingTests {
    @Test func basics() {
        for n in 0..<100 {
            let b = [UInt8](repeating: UInt8(n & 0xFF), count: n)
            #expect(hashBytes(b, seed: 1) == hashBytes(b, seed: 1))
            #expect(hashBytes(b, seed: 1) != hashBytes(b, seed: 2))
        }
        // Length is mixed in: zero-filled inputs of different lengths differ.
        var seen = Set<UInt64>()
        for n in 0..<300 { seen.insert(hashBytes([UInt8](repeating: 0, count: n), seed: 0)) }
        #expect(seen.count == 300)
    }

    @Test func sequentialKeysNoCollisionsAndBalanced() {
        let n = 1_000_000
        var hashes = [UInt64]()
        hashes.reserveCapacity(n)
        var key = bytes("key:")
        let prefix = key.count
        var buckets = [Int](repeating: 0, count: 1 << 12)
        for i in 0..<n {
            key.removeSubrange(prefix...)
            formatInt64(Int64(i), into: &key)
            let h = hashBytes(key, seed: 0x1234_5678)
            hashes.append(h)
            buckets[Int(h & 0xFFF)] += 1
        }
        hashes.sort()
        var dups = 0
        for i in 1..<n where hashes[i] == hashes[i - 1] { dups += 1 }
        #expect(dups == 0)
        // Chi-square over 4096 buckets: expect ~4095 ± ~90; allow a wide margin.
        let expected = Double(n) / 4096
        let chi = buckets.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chi > 3500 && chi < 4700, "chi2 = \(chi)")
    }

    @Test func avalanche() {
        var rng = SplitMix64(seed: 10)
        var flips = 0
        var trials = 0
        for len in [1, 3, 4, 7, 8, 12, 16, 17, 24, 33, 48, 49, 100] {
            for _ in 0..<60 {
                var b = rng.bytes(len)
                let h0 = hashBytes(b, seed: 99)
                let bit = Int(rng.next() % UInt64(len * 8))
                b[bit / 8] ^= 1 << UInt8(bit % 8)
                flips += (h0 ^ hashBytes(b, seed: 99)).nonzeroBitCount
                trials += 1
            }
        }
        let avg = Double(flips) / Double(trials)
        #expect(avg > 30 && avg < 34, "avg flipped bits \(avg)")
    }
}
