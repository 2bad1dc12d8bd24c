// The compact encoding of small hashes and sets, in the role of Redis's listpack: a sequence of byte strings in one
// malloc'd block, each a varint length followed by its bytes. A hash stores field, value, field, value...; a set
// stores its members. Order is insertion order (deletion closes the gap), which is what Redis shows for listpack
// encodings. Lookup is a linear scan, as lpFind is; the encodings that use this stay small (≤ 128 entries by
// default). The block starts with a 4-byte count of the entry bytes used; the string count lives in the owner's
// encoding word (its top 16 bits, above the 48 bits of a user-space address), so the owner stays a 24-byte object
// (a 32-byte malloc chunk), and the block's size is a function of the bytes used: a hash of two 8-byte fields
// with 8-byte values is one 48-byte chunk, as Redis's listpack is. An empty list allocates nothing.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A packed sequence of byte strings (see the file comment). A value type over manually managed memory: the owner
/// (HashValue, SetValue) keeps it in one word (``word``), calls ``release()`` exactly once and copies with
/// ``copy()``.
struct PackedList {
    var base: UnsafeMutableRawPointer?
    /// Number of strings.
    var stringCount: UInt32

    /// Bytes before the entries: the UInt32 count of entry bytes used.
    static var headerSize: Int { 4 }

    /// The most strings a list holds: the count is 16 bits of its owner's word. Owners convert to their table
    /// encoding before passing it (``HashLimits/packedEntryLimit``, ``SetLimits/packedEntryLimit``; ZSetValue keeps
    /// its own listpack in a word of the same shape, ``ZSetLimits/packedEntryLimit``).
    static var maxCount: Int { 0xFFFF }

    /// The bits of an owner's word that hold the block's address (the low bits are the owner's tags).
    static var addressMask: UInt { 0x0000_FFFF_FFFF_FFFF }

    init() {
        base = nil
        stringCount = 0
    }

    /// The list an owner's word holds: the block's address under `addressMask` (less the owner's tag bits, which
    /// the caller clears) and the string count in the top 16 bits.
    init(word: UInt) {
        base = UnsafeMutableRawPointer(bitPattern: word & PackedList.addressMask)
        stringCount = base == nil ? 0 : UInt32(truncatingIfNeeded: word >> 48)
    }

    /// The word an owner stores (its tag bits clear).
    var word: UInt {
        let address = UInt(bitPattern: base)
        precondition(address & ~PackedList.addressMask == 0 && stringCount <= PackedList.maxCount)
        return address | UInt(stringCount) << 48
    }

    /// The bytes glibc malloc really gives for a request of `n` (chunks of 16 bytes including an 8-byte size word,
    /// 32 at least), so a block can use all of its chunk: small lists grow in place instead of by a factor.
    static func usableSize(_ n: Int) -> Int { max(24, ((n + 8 + 15) & ~15) - 8) }

    /// The block size (header included) for `n` entry bytes: exact to malloc's 16-byte steps up to 512 bytes, then
    /// rounded up to an eighth of the power of two below, so appends reallocate about every 12 % of growth.
    /// Monotonic in `n`.
    static func blockSize(for n: Int) -> Int {
        let total = n + headerSize
        if total <= 512 { return usableSize(total) }
        let step = 1 << (Int.bitWidth - total.leadingZeroBitCount - 4)
        return (total + step - 1) & ~(step - 1)
    }

    /// Redis's LISTPACK_MAX_SAFETY_SIZE: a compact encoding that would grow past 1 GB converts instead
    /// (lpSafeToAdd), which also keeps the 32-bit sizes far from overflowing.
    static var maxSafeBytes: Int { 1 << 30 }

    /// lpSafeToAdd: whether `extra` more bytes keep the list under ``maxSafeBytes``.
    func isSafeToAdd(_ extra: Int) -> Bool { usedBytes + extra <= PackedList.maxSafeBytes }

    /// Frees the block.
    mutating func release() {
        if let base { free(base) }
        self = PackedList()
    }

    /// A deep copy (COPY, DUMP-like duplication).
    func copy() -> PackedList {
        guard let base else { return PackedList() }
        let p = malloc(PackedList.blockSize(for: usedBytes))!
        p.copyMemory(from: base, byteCount: PackedList.headerSize + usedBytes)
        var r = PackedList()
        r.base = p
        r.stringCount = stringCount
        return r
    }

    // MARK: - Header

    /// Number of strings.
    var count: Int { Int(stringCount) }

    /// Bytes of entries (lengths and data).
    var usedBytes: Int { base.map { Int($0.load(as: UInt32.self)) } ?? 0 }

    /// Bytes allocated for the block (0 when empty), for MEMORY USAGE.
    var allocatedBytes: Int { base == nil ? 0 : PackedList.blockSize(for: usedBytes) }

    mutating func setHeader(count: Int, used: Int) {
        stringCount = UInt32(truncatingIfNeeded: count)
        base!.storeBytes(of: UInt32(truncatingIfNeeded: used), as: UInt32.self)
    }

    /// The first entry byte.
    var entries: UnsafeMutableRawPointer { base! + PackedList.headerSize }

    // MARK: - Entry coding

    /// Bytes of the varint length prefix for a string of `n` bytes.
    static func prefixSize(_ n: Int) -> Int {
        var size = 1
        var v = n >> 7
        while v != 0 {
            size += 1
            v >>= 7
        }
        return size
    }

    /// Reads the string at entry offset `offset`: its bytes and the offset of the next entry.
    @inline(__always)
    func string(at offset: Int) -> (bytes: UnsafeRawBufferPointer, next: Int) {
        let p = UnsafeRawPointer(entries)
        var o = offset
        var b = p.load(fromByteOffset: o, as: UInt8.self)
        o += 1
        var n = Int(b)
        if b >= 0x80 {
            n = Int(b & 0x7F)
            var shift = 7
            repeat {
                b = p.load(fromByteOffset: o, as: UInt8.self)
                o += 1
                n |= Int(b & 0x7F) << shift
                shift += 7
            } while b >= 0x80
        }
        return (UnsafeRawBufferPointer(start: p + o, count: n), o + n)
    }

    /// The offset after the entry at `offset`.
    @inline(__always)
    func skip(_ offset: Int) -> Int { string(at: offset).next }

    static func writeEntry(_ s: UnsafeRawBufferPointer, at p: UnsafeMutableRawPointer) -> Int {
        var o = 0
        var n = s.count
        while n >= 0x80 {
            p.storeBytes(of: UInt8(truncatingIfNeeded: n) | 0x80, toByteOffset: o, as: UInt8.self)
            n >>= 7
            o += 1
        }
        p.storeBytes(of: UInt8(truncatingIfNeeded: n), toByteOffset: o, as: UInt8.self)
        o += 1
        if let src = s.baseAddress, s.count > 0 { (p + o).copyMemory(from: src, byteCount: s.count) }
        return o + s.count
    }

    /// Makes room for `extra` more entry bytes. Small blocks fill their malloc chunk exactly (like a listpack,
    /// which is reallocated to size on every write); larger ones grow in eighths (``blockSize(for:)``). A block is
    /// never smaller than `blockSize(for: usedBytes)`: it was allocated at least that large, and a shrink of the
    /// used bytes can only lower the figure, so a resize is due exactly when the new size's figure differs.
    mutating func reserve(extra: Int) {
        let used = usedBytes
        let size = PackedList.blockSize(for: used + extra)
        guard base == nil || size != PackedList.blockSize(for: used) else { return }
        let wasEmpty = base == nil
        base = realloc(base, size)!
        if wasEmpty { base!.storeBytes(of: UInt32(0), as: UInt32.self) }
    }

    /// Gives memory back after deletions: an empty list frees its block, a list whose chunk is larger than its
    /// size by a margin moves to a smaller one.
    mutating func shrinkIfSparse() {
        guard let b = base else { return }
        if count == 0 {
            release()
            return
        }
        let size = PackedList.blockSize(for: usedBytes)
        let real = cinnabar_malloc_usable_size(b)
        if real - size >= 32 && real - size >= real / 4 { base = realloc(b, size)! }
    }

    // MARK: - Operations

    /// Appends strings at the end.
    mutating func append(_ s: UnsafeRawBufferPointer) {
        let size = PackedList.prefixSize(s.count) + s.count
        reserve(extra: size)
        let used = usedBytes
        _ = PackedList.writeEntry(s, at: entries + used)
        setHeader(count: count + 1, used: used + size)
    }

    /// Appends two strings (a hash's field and value) with one reservation.
    mutating func append(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) {
        let size = PackedList.prefixSize(a.count) + a.count + PackedList.prefixSize(b.count) + b.count
        reserve(extra: size)
        let used = usedBytes
        let n = PackedList.writeEntry(a, at: entries + used)
        _ = PackedList.writeEntry(b, at: entries + used + n)
        setHeader(count: count + 2, used: used + size)
    }

    /// Offset of the first string equal to `s`, looking only at every `stride`-th string (2 for a hash's fields).
    func find(_ s: UnsafeRawBufferPointer, stride: Int = 1) -> Int? {
        guard base != nil else { return nil }
        let end = usedBytes
        let target = s.count
        var o = 0
        while o < end {
            let (bytes, next) = string(at: o)
            if bytes.count == target && memEqual(bytes, s) {
                return o
            }
            o = next
            if stride == 2 { o = skip(o) }
        }
        return nil
    }

    /// Removes `n` consecutive strings starting at entry offset `offset`.
    mutating func remove(at offset: Int, strings n: Int) {
        var end = offset
        for _ in 0..<n { end = skip(end) }
        let used = usedBytes
        let e = entries
        (e + offset).copyMemory(from: e + end, byteCount: used - end)
        setHeader(count: count - n, used: used - (end - offset))
        shrinkIfSparse()
    }

    /// Replaces the string at entry offset `offset` with `s`.
    mutating func replace(at offset: Int, with s: UnsafeRawBufferPointer) {
        let old = string(at: offset)
        let oldSize = old.next - offset
        let newSize = PackedList.prefixSize(s.count) + s.count
        if newSize != oldSize {
            if newSize > oldSize { reserve(extra: newSize - oldSize) }
            let used = usedBytes
            let e = entries
            (e + offset + newSize).copyMemory(from: e + old.next, byteCount: used - old.next)
            setHeader(count: count, used: used - oldSize + newSize)
        }
        _ = PackedList.writeEntry(s, at: entries + offset)
    }

    /// Calls `body` with every string in order and its offset; stops when `body` returns false.
    func forEach(_ body: (UnsafeRawBufferPointer, Int) throws -> Bool) rethrows {
        guard base != nil else { return }
        let end = usedBytes
        var o = 0
        while o < end {
            let (bytes, next) = string(at: o)
            if try !body(bytes, o) { return }
            o = next
        }
    }

    /// The entry offsets of every `stride`-th string (ordinal access for random sampling).
    func offsets(stride: Int = 1) -> [Int32] {
        var r: [Int32] = []
        r.reserveCapacity(count / stride)
        guard base != nil else { return r }
        let end = usedBytes
        var o = 0
        var i = 0
        while o < end {
            if i % stride == 0 { r.append(Int32(o)) }
            o = skip(o)
            i += 1
        }
        return r
    }

    /// Length of the longest string.
    func longestString() -> Int {
        var m = 0
        forEach { s, _ in
            m = max(m, s.count)
            return true
        }
        return m
    }
}
