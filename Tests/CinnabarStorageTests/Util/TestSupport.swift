// Shared helpers for the CinnabarUtil tests: byte-string conversion and a
// small deterministic PRNG (SplitMix64) for reproducible fuzzing.

import CinnabarStorage

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
func str(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func bytes(_ n: Int) -> [UInt8] {
        (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
    mutating func bytes(_ n: Int, from alphabet: [UInt8]) -> [UInt8] {
        (0..<n).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
    }
}

func hex(_ s: String) -> [UInt8] {
    var out = [UInt8]()
    var it = s.utf8.makeIterator()
    func nib(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10 }
    while let h = it.next(), let l = it.next() { out.append(nib(h) << 4 | nib(l)) }
    return out
}
