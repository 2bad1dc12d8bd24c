// Bit counting and bit searching over raw byte buffers, as used by BITCOUNT
// and BITPOS. Bits are numbered like Redis does: bit 0 is the most
// significant bit of byte 0, bit 8 the most significant bit of byte 1, and so
// on. Both routines process 8 bytes per step with unaligned 64-bit loads.

/// Number of set bits in the buffer (BITCOUNT over a byte range).
@inlinable
public func popcount(_ b: UnsafeRawBufferPointer) -> Int {
    let n = b.count
    guard n > 0, let base = b.baseAddress else { return 0 }
    var total = 0
    var i = 0
    while i + 32 <= n {
        total &+= base.loadUnaligned(fromByteOffset: i, as: UInt64.self).nonzeroBitCount
        total &+= base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self).nonzeroBitCount
        total &+= base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self).nonzeroBitCount
        total &+= base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self).nonzeroBitCount
        i += 32
    }
    while i + 8 <= n {
        total &+= base.loadUnaligned(fromByteOffset: i, as: UInt64.self).nonzeroBitCount
        i += 8
    }
    while i < n {
        total &+= base.load(fromByteOffset: i, as: UInt8.self).nonzeroBitCount
        i += 1
    }
    return total
}

/// Index of the first bit equal to `bit`, counting MSB-first within each
/// byte (Redis `redisBitpos` order), or -1 when no such bit exists in the
/// buffer.
///
/// Difference from Redis's `redisBitpos`: for `bit == false` Redis returns
/// `count * 8` (it treats the string as zero-padded on the right) when every
/// bit is 1; this function returns -1 instead, so a BITPOS implementation
/// must map -1 to `count * 8` when no explicit end was given for bit 0.
@inlinable
public func firstBitPosition(_ b: UnsafeRawBufferPointer, bit: Bool) -> Int {
    let n = b.count
    guard n > 0, let base = b.baseAddress else { return -1 }
    // XOR with `flip` turns "looking for 0" into "looking for 1".
    let flip: UInt64 = bit ? 0 : ~0
    var i = 0
    while i + 8 <= n {
        let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ flip
        if w != 0 {
            // Memory order -> MSB-first order: byte 0 becomes the top byte.
            return i * 8 + UInt64(littleEndian: w).byteSwapped.leadingZeroBitCount
        }
        i += 8
    }
    let flip8 = UInt8(truncatingIfNeeded: flip)
    while i < n {
        let c = base.load(fromByteOffset: i, as: UInt8.self) ^ flip8
        if c != 0 { return i * 8 + c.leadingZeroBitCount }
        i += 1
    }
    return -1
}

/// Convenience overload of `popcount` for byte arrays.
@inlinable
public func popcount(_ b: [UInt8]) -> Int { b.withUnsafeBytes { popcount($0) } }

/// Convenience overload of `firstBitPosition` for byte arrays.
@inlinable
public func firstBitPosition(_ b: [UInt8], bit: Bool) -> Int {
    b.withUnsafeBytes { firstBitPosition($0, bit: bit) }
}
