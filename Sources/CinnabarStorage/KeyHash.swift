// Hashing of inline keys straight from their three words (no byte loop), and the fast random generator the
// keyspace samples with. Heap keys use `hashBytes` (Util/HashBytes.swift).
// SPDX-License-Identifier: BSD-3-Clause

/// Folds a 128-bit product: the core mixing step of wyhash-style hashes.
@inlinable @inline(__always)
func foldMultiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let (hi, lo) = a.multipliedFullWidth(by: b)
    return hi ^ lo
}

@usableFromInline let hashK0: UInt64 = 0xA076_1D64_78BD_642F
@usableFromInline let hashK1: UInt64 = 0xE703_7ED1_A0B4_28DB
@usableFromInline let hashK2: UInt64 = 0x8EBC_6AF0_9C88_C6E3

/// Hashes the three words of an inline string (its zero padding and length byte included).
@inlinable @inline(__always)
func mixWords(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64) -> UInt64 {
    let a = foldMultiply(w0 ^ hashK0, w1 ^ hashK1)
    return foldMultiply(a ^ w2, hashK2 ^ 0x5851_F42D_4C95_7F2D)
}

/// A small, fast pseudo-random generator (xoshiro256**) for sampling keys; seeded once per keyspace.
public struct FastRandom: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix()
        s1 = splitmix()
        s2 = splitmix()
        s3 = splitmix()
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform integer in `0..<bound` (bound > 0).
    @inlinable
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
