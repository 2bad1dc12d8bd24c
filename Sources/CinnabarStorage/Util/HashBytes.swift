// A fast non-cryptographic 64-bit hash for dictionary keys, in the style of
// wyhash / rapidhash: input is consumed with unaligned 8-byte loads (short
// inputs use overlapping head/tail reads so there are no per-byte loops),
// and mixing is a 64x64->128-bit multiply whose halves are xor-folded. It is
// seeded (use a random per-process seed against hash flooding) but makes no
// cryptographic claims. Little-endian loads are used explicitly so the value
// is the same on every platform.

@usableFromInline let _hP0: UInt64 = 0xa076_1d64_78bd_642f
@usableFromInline let _hP1: UInt64 = 0xe703_7ed1_a0b4_28db
@usableFromInline let _hP2: UInt64 = 0x8ebc_6af0_9c88_c6e3
@usableFromInline let _hP3: UInt64 = 0x5899_65cc_7537_4cc3

/// Multiply-fold: full 128-bit product, high half xor low half.
@inline(__always)
@usableFromInline
func _mulFold(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let r = a.multipliedFullWidth(by: b)
    return r.high ^ r.low
}

@inline(__always)
@usableFromInline
func _ld64(_ p: UnsafeRawPointer, _ off: Int) -> UInt64 {
    UInt64(littleEndian: p.loadUnaligned(fromByteOffset: off, as: UInt64.self))
}

@inline(__always)
@usableFromInline
func _ld32(_ p: UnsafeRawPointer, _ off: Int) -> UInt64 {
    UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: off, as: UInt32.self)))
}

/// Seeded 64-bit hash of the bytes. Fast for short keys (one or two
/// multiplies up to 16 bytes), 48 bytes per iteration with three independent
/// lanes for long inputs. Deterministic for a given seed across platforms.
@inlinable
public func hashBytes(_ b: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
    let n = b.count
    var s = seed ^ _mulFold(seed ^ _hP0, _hP1)
    var a: UInt64
    var c: UInt64
    if n <= 16 {
        if n >= 8 {
            let p = b.baseAddress!
            a = _ld64(p, 0)
            c = _ld64(p, n - 8)
        } else if n >= 4 {
            let p = b.baseAddress!
            a = _ld32(p, 0)
            c = _ld32(p, n - 4)
        } else if n > 0 {
            let p = b.baseAddress!.assumingMemoryBound(to: UInt8.self)
            a = (UInt64(p[0]) << 16) | (UInt64(p[n >> 1]) << 8) | UInt64(p[n - 1])
            c = 0
        } else {
            a = 0
            c = 0
        }
    } else {
        let p = b.baseAddress!
        var i = 0
        var rem = n
        if rem > 48 {
            var s1 = s
            var s2 = s
            repeat {
                s = _mulFold(_ld64(p, i) ^ _hP1, _ld64(p, i + 8) ^ s)
                s1 = _mulFold(_ld64(p, i + 16) ^ _hP2, _ld64(p, i + 24) ^ s1)
                s2 = _mulFold(_ld64(p, i + 32) ^ _hP3, _ld64(p, i + 40) ^ s2)
                i += 48
                rem -= 48
            } while rem > 48
            s ^= s1 ^ s2
        }
        while rem > 16 {
            s = _mulFold(_ld64(p, i) ^ _hP1, _ld64(p, i + 8) ^ s)
            i += 16
            rem -= 16
        }
        a = _ld64(p, n - 16)
        c = _ld64(p, n - 8)
    }
    a ^= _hP1
    c ^= s
    let m = a.multipliedFullWidth(by: c)
    return _mulFold(m.low ^ _hP0 ^ UInt64(truncatingIfNeeded: n), m.high ^ _hP1)
}

/// Convenience overload of `hashBytes` for byte arrays.
@inlinable
public func hashBytes(_ b: [UInt8], seed: UInt64) -> UInt64 {
    b.withUnsafeBytes { hashBytes($0, seed: seed) }
}
