// Tests for popcount and firstBitPosition against a bit-by-bit reference,
// plus the BITCOUNT/BITPOS examples from the Redis documentation.

import Testing
import CinnabarStorage

struct BitOpsTests {
    func refPos(_ b: [UInt8], _ bit: Bool) -> Int {
        for i in 0..<(b.count * 8) where ((b[i / 8] >> (7 - UInt8(i % 8))) & 1 == 1) == bit { return i }
        return -1
    }

    @Test func docExamples() {
        #expect(popcount(bytes("foobar")) == 26)                  // BITCOUNT mykey -> 26
        #expect(firstBitPosition([0xFF, 0xF0, 0x00], bit: false) == 12)   // BITPOS mykey 0 -> 12
        #expect(firstBitPosition([0x00, 0xFF, 0xF0], bit: true) == 8)     // BITPOS mykey 1 -> 8
        #expect(firstBitPosition([0x00, 0x00, 0x00], bit: true) == -1)
        #expect(firstBitPosition([0xFF, 0xFF], bit: false) == -1)  // Redis BITPOS would say 16
        #expect(firstBitPosition([], bit: true) == -1)
        #expect(popcount([]) == 0)
    }

    @Test func randomAgainstReference() {
        var rng = SplitMix64(seed: 8)
        for _ in 0..<3000 {
            let n = Int(rng.next() % 70)
            var b = rng.bytes(n)
            // Make long runs of 0x00 / 0xFF common.
            let fill: UInt8 = rng.next() & 1 == 0 ? 0 : 0xFF
            let run = n == 0 ? 0 : Int(rng.next() % UInt64(n + 1))
            for i in 0..<run { b[i] = fill }
            #expect(popcount(b) == b.reduce(0) { $0 + $1.nonzeroBitCount })
            #expect(firstBitPosition(b, bit: true) == refPos(b, true))
            #expect(firstBitPosition(b, bit: false) == refPos(b, false))
            // Unaligned start.
            if n > 3 {
                let tail = Array(b[3...])
                tail.withUnsafeBytes { _ in }
                b.withUnsafeBytes { raw in
                    let sub = UnsafeRawBufferPointer(rebasing: raw[3...])
                    #expect(popcount(sub) == popcount(tail))
                    #expect(firstBitPosition(sub, bit: true) == refPos(tail, true))
                }
            }
        }
    }
}
