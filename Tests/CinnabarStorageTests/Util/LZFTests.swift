// Tests for lzfCompress / lzfDecompress: decoding an LZF blob produced by
// redis-server 7.0.15 (DUMP of a 246-byte compressible string), round trips,
// incompressible data, and corrupt/random input never crashing.

import Testing
import CinnabarStorage

struct LZFTests {
    static let dumpValue = bytes(String(repeating: "abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc-Redis-LZF-test-", count: 3))
    // DUMP k2 → 00 c3 24 40f6 <36 bytes LZF> 0a00 <crc64>; these are the 36 bytes.
    static let redisBlob = hex("0361626361e035020f2d52656469732d4c5a462d746573742de0364e203ee0575101742d")

    @Test func decodesRedisOutput() {
        #expect(Self.dumpValue.count == 246)
        #expect(lzfDecompress(Self.redisBlob, expectedLength: 246) == Self.dumpValue)
        #expect(lzfDecompress(Self.redisBlob, expectedLength: 245) == nil)
        #expect(lzfDecompress(Self.redisBlob, expectedLength: 247) == nil)
        #expect(lzfDecompress(Array(Self.redisBlob.dropLast()), expectedLength: 246) == nil)
    }

    @Test func roundTrips() {
        var rng = SplitMix64(seed: 11)
        let c = lzfCompress(Self.dumpValue)
        #expect(c != nil && c!.count < 60)
        #expect(lzfDecompress(c!, expectedLength: 246) == Self.dumpValue)
        for _ in 0..<500 {
            let n = Int(rng.next() % 3000) + 1
            let alphabetSize = Int(rng.next() % 6) + 1
            var input = rng.bytes(n, from: Array(bytes("abcdefgh").prefix(alphabetSize)))
            if rng.next() % 4 == 0 { input += rng.bytes(Int(rng.next() % 100)) + input.prefix(n / 2) }
            if let c = lzfCompress(input) {
                #expect(c.count < input.count)
                #expect(lzfDecompress(c, expectedLength: input.count) == input)
            }
        }
        // Long runs exercise maximal (264-byte) and overlapping matches.
        let zeros = [UInt8](repeating: 0, count: 100_000)
        let cz = lzfCompress(zeros)!
        #expect(cz.count < 1500)
        #expect(lzfDecompress(cz, expectedLength: zeros.count) == zeros)
    }

    @Test func incompressibleAndLimits() {
        var rng = SplitMix64(seed: 12)
        #expect(lzfCompress(rng.bytes(1000)) == nil)
        #expect(lzfCompress([]) == nil)
        #expect(lzfCompress([1]) == nil)
        let v = Self.dumpValue
        #expect(lzfCompress(v, maxOutputLength: 10) == nil)
        #expect(lzfDecompress([], expectedLength: 0) == [])
        #expect(lzfDecompress([0], expectedLength: 0) == nil)
    }

    @Test func corruptInputNeverCrashes() {
        var rng = SplitMix64(seed: 13)
        let good = lzfCompress(Self.dumpValue)!
        for _ in 0..<30_000 {
            var b = good
            for _ in 0..<(1 + Int(rng.next() % 4)) { b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            if let out = lzfDecompress(b, expectedLength: 246) { #expect(out.count == 246) }
            let r = rng.bytes(Int(rng.next() % 64))
            _ = lzfDecompress(r, expectedLength: Int(rng.next() % 300))
        }
    }
}
