// Binary-safe byte strings for keys and string values, in 32 bytes: up to 23 bytes live inline (no heap
// allocation, which is most keys and many values), longer ones in one reference-counted heap block. Redis keeps
// keys as sds and values as robj; this type plays both roles. Bytes never go through Swift's String.
// SPDX-License-Identifier: BSD-3-Clause

/// Heap storage for byte strings longer than 23 bytes: a header (the byte count) and the bytes in one block.
public final class ByteStorage: ManagedBuffer<Int, UInt8> {
    @inlinable
    static func make(capacity: Int) -> ByteStorage {
        unsafeDowncast(ByteStorage.create(minimumCapacity: max(capacity, 1)) { _ in 0 }, to: ByteStorage.self)
    }

    @inlinable
    static func make(copying bytes: UnsafeRawBufferPointer, capacity: Int? = nil) -> ByteStorage {
        let storage = make(capacity: capacity ?? bytes.count)
        storage.header = bytes.count
        storage.withUnsafeMutablePointerToElements { dst in
            if let src = bytes.baseAddress { UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: bytes.count) }
        }
        return storage
    }

    @inlinable
    var count: Int { header }

    @inlinable
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let n = header
        return try withUnsafeMutablePointerToElements { try body(UnsafeRawBufferPointer(start: $0, count: n)) }
    }
}

/// A byte string: inline up to ``Bytes/inlineCapacity`` bytes, otherwise a ``ByteStorage``.
///
/// Invariant: a string of 23 bytes or fewer is always inline with zeroed padding, so two inline strings are equal
/// exactly when their three words are, and an inline string never equals a heap one.
public struct Bytes: Hashable, @unchecked Sendable {
    public static let inlineCapacity = 23

    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    /// Bytes 16...22 of the data; the top byte is the inline length.
    @usableFromInline var w2: UInt64
    @usableFromInline var heap: ByteStorage?

    @inlinable
    public init() {
        w0 = 0
        w1 = 0
        w2 = 0
        heap = nil
    }

    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count <= Bytes.inlineCapacity {
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &words) { dst in
                if let src = bytes.baseAddress { dst.baseAddress!.copyMemory(from: src, byteCount: bytes.count) }
            }
            w0 = words.0
            w1 = words.1
            w2 = words.2 | (UInt64(bytes.count) << 56)
            heap = nil
        } else {
            w0 = 0
            w1 = 0
            w2 = 0
            heap = ByteStorage.make(copying: bytes)
        }
    }

    @inlinable
    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let r = bytes.withContiguousStorageIfAvailable({ Bytes(UnsafeRawBufferPointer($0)) }) {
            self = r
        } else {
            self = Array(bytes).withUnsafeBytes { Bytes($0) }
        }
    }

    @inlinable
    public init(_ string: String) {
        var s = string
        self = s.withUTF8 { Bytes(UnsafeRawBufferPointer($0)) }
    }

    @inlinable
    init(storage: ByteStorage) {
        if storage.count <= Bytes.inlineCapacity {
            self = storage.withBytes { Bytes($0) }
        } else {
            w0 = 0
            w1 = 0
            w2 = 0
            heap = storage
        }
    }

    @inlinable
    public var count: Int {
        if let heap { return heap.count }
        return Int(truncatingIfNeeded: w2 >> 56)
    }

    @inlinable
    public var isEmpty: Bool { count == 0 }

    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let heap { return try heap.withBytes(body) }
        var words = (w0, w1, w2)
        let n = Int(truncatingIfNeeded: w2 >> 56)
        return try Swift.withUnsafeBytes(of: &words) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }

    /// A copy as an array (for slow paths and tests).
    public var array: [UInt8] { withUnsafeBytes { Array($0) } }

    /// The bytes as a String, replacing invalid UTF-8 (for logs, INFO and errors; never on a hot path).
    public var description: String { withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }

    @inlinable
    public static func == (a: Bytes, b: Bytes) -> Bool {
        switch (a.heap, b.heap) {
        case (nil, nil): return a.w0 == b.w0 && a.w1 == b.w1 && a.w2 == b.w2
        case let (x?, y?):
            if x === y { return true }
            if x.count != y.count { return false }
            return x.withBytes { xb in y.withBytes { yb in memEqual(xb, yb) } }
        default: return false
        }
    }

    /// Compares with raw bytes (a command argument) without building a `Bytes`.
    @inlinable
    public func equals(_ other: UnsafeRawBufferPointer) -> Bool {
        if count != other.count { return false }
        return withUnsafeBytes { memEqual($0, other) }
    }

    /// The keyspace hash: inline keys are hashed from their three words, heap keys from their bytes.
    @inlinable
    public var keyHash: UInt64 {
        if let heap { return heap.withBytes { hashBytes($0, seed: 0x9E37_79B9_7F4A_7C15) } }
        return mixWords(w0, w1, w2)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(keyHash)
    }

    /// Lexicographic byte order, as memcmp then length (Redis's compareStringObjects in binary mode).
    public static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let r = memcmpBytes(a.baseAddress!, b.baseAddress!, n)
            if r != 0 { return r }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

/// Byte-for-byte equality of two buffers.
@inlinable
public func memEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    if a.count != b.count { return false }
    if a.count == 0 { return true }
    return memcmpBytes(a.baseAddress!, b.baseAddress!, a.count) == 0
}

@inlinable
func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Int {
    var i = 0
    while i + 8 <= n {
        let x = a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let y = b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        if x != y {
            let xs = x.byteSwapped
            let ys = y.byteSwapped
            return xs < ys ? -1 : 1
        }
        i += 8
    }
    while i < n {
        let x = a.load(fromByteOffset: i, as: UInt8.self)
        let y = b.load(fromByteOffset: i, as: UInt8.self)
        if x != y { return x < y ? -1 : 1 }
        i += 1
    }
    return 0
}
