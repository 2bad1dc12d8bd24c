// Redis's CRC-64 (the "Jones" polynomial 0xad93d23594c935a9, reflected input
// and output, caller-supplied initial value, no final xor), used for the
// RDB file checksum and the DUMP payload trailer. crc64(0, "123456789") is
// 0xe9c6d914c4b8d9ca. Implemented slice-by-8: eight 256-entry tables are
// generated once from the polynomial, and the main loop folds 8 input bytes
// per step.

@usableFromInline
let _crc64Tables: [UInt64] = {
    // Reflected form of the polynomial (bit-reverse of 0xad93d23594c935a9).
    var poly: UInt64 = 0
    let forward: UInt64 = 0xad93_d235_94c9_35a9
    for i in 0..<64 where (forward >> UInt64(i)) & 1 == 1 { poly |= 1 << UInt64(63 - i) }
    var t = [UInt64](repeating: 0, count: 8 * 256)
    for i in 0..<256 {
        var c = UInt64(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ poly : c >> 1 }
        t[i] = c
    }
    for k in 1..<8 {
        for i in 0..<256 {
            let prev = t[(k - 1) * 256 + i]
            t[k * 256 + i] = (prev >> 8) ^ t[Int(prev & 0xFF)]
        }
    }
    return t
}()

/// Continues Redis's CRC-64 from `crc` over the bytes (start with 0).
/// `crc64(0, "123456789") == 0xe9c6d914c4b8d9ca`; chaining
/// `crc64(crc64(0, a), b) == crc64(0, a + b)`.
@inlinable
public func crc64(_ crc: UInt64, _ b: UnsafeRawBufferPointer) -> UInt64 {
    let n = b.count
    guard n > 0, let base = b.baseAddress else { return crc }
    var c = crc
    _crc64Tables.withUnsafeBufferPointer { tp in
        let t = tp.baseAddress!
        var i = 0
        while i + 8 <= n {
            c ^= UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            c = t[7 * 256 + Int(c & 0xFF)]
                ^ t[6 * 256 + Int((c >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((c >> 16) & 0xFF)]
                ^ t[4 * 256 + Int((c >> 24) & 0xFF)]
                ^ t[3 * 256 + Int((c >> 32) & 0xFF)]
                ^ t[2 * 256 + Int((c >> 40) & 0xFF)]
                ^ t[1 * 256 + Int((c >> 48) & 0xFF)]
                ^ t[Int(c >> 56)]
            i += 8
        }
        while i < n {
            c = t[Int((c ^ UInt64(base.load(fromByteOffset: i, as: UInt8.self))) & 0xFF)] ^ (c >> 8)
            i += 1
        }
    }
    return c
}

/// Convenience overload of `crc64` for byte arrays.
@inlinable
public func crc64(_ crc: UInt64, _ b: [UInt8]) -> UInt64 { b.withUnsafeBytes { crc64(crc, $0) } }
