// CRC16-CCITT in its XMODEM flavour (polynomial 0x1021, initial value 0, no
// reflection, no final xor), the checksum Redis Cluster uses to map keys to
// hash slots (slot = crc16(key or hashtag) & 16383). Table-driven, with the
// 256-entry table generated once from the polynomial.

@usableFromInline
let _crc16Table: [UInt16] = {
    var t = [UInt16](repeating: 0, count: 256)
    for i in 0..<256 {
        var c = UInt16(i) << 8
        for _ in 0..<8 {
            c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1
        }
        t[i] = c
    }
    return t
}()

/// CRC16/XMODEM of the bytes, as Redis's `crc16()`;
/// `crc16("123456789") == 0x31C3`.
@inlinable
public func crc16(_ b: UnsafeRawBufferPointer) -> UInt16 {
    var crc: UInt16 = 0
    _crc16Table.withUnsafeBufferPointer { t in
        for byte in b {
            crc = (crc << 8) ^ t[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
    }
    return crc
}

/// Convenience overload of `crc16` for byte arrays.
@inlinable
public func crc16(_ b: [UInt8]) -> UInt16 { b.withUnsafeBytes { crc16($0) } }

/// Redis Cluster hash slot of a key: CRC16 of the `{hashtag}` if the key has
/// a non-empty one (first `{`, then the first `}` after it), else of the
/// whole key, modulo 16384.
@inlinable
public func clusterKeySlot(_ key: UnsafeRawBufferPointer) -> Int {
    let n = key.count
    var s = 0
    while s < n && key[s] != 0x7B { s += 1 }
    if s == n { return Int(crc16(key) & 0x3FFF) }
    var e = s + 1
    while e < n && key[e] != 0x7D { e += 1 }
    if e == n || e == s + 1 { return Int(crc16(key) & 0x3FFF) }
    return Int(crc16(UnsafeRawBufferPointer(rebasing: key[(s + 1)..<e])) & 0x3FFF)
}
