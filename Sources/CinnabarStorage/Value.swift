// What a key holds: a tagged 32-byte value. Strings are stored the way Redis encodes them (an integer, a short
// inline string, or a heap string marked embstr or raw so OBJECT ENCODING answers as Redis does); the other types
// keep a reference to their own class (ListValue, HashValue, ...) added by later data-type work. The tag lives in
// the top byte of the third word, so a value costs no more than a key.
// SPDX-License-Identifier: BSD-3-Clause

/// The Redis data type of a value, as TYPE reports it.
public enum ValueType: UInt8, Sendable {
    case string, list, set, zset, hash, stream

    public var name: String {
        switch self {
        case .string: "string"
        case .list: "list"
        case .set: "set"
        case .zset: "zset"
        case .hash: "hash"
        case .stream: "stream"
        }
    }
}

/// A stored value.
public struct Value: @unchecked Sendable {
    // Tags (top byte of w2):
    //   0x00...0x17  inline string, length in the low 5 bits; bit 0x40 marks it "raw" (modified in place)
    //   0x80 heap string created whole (embstr up to 44 bytes, raw above); 0x81 heap string marked raw
    //   0x82 integer in w0
    //   0xC0 + ValueType.rawValue: a collection held in `object`
    @usableFromInline static let tagHeapString: UInt8 = 0x80
    @usableFromInline static let tagHeapRaw: UInt8 = 0x81
    @usableFromInline static let tagInt: UInt8 = 0x82
    @usableFromInline static let tagObject: UInt8 = 0xC0
    @usableFromInline static let rawFlag: UInt8 = 0x40

    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    @usableFromInline var object: AnyObject?

    @inlinable
    var tag: UInt8 { UInt8(truncatingIfNeeded: w2 >> 56) }

    @inlinable
    init(tag: UInt8, object: AnyObject?) {
        w0 = 0
        w1 = 0
        w2 = UInt64(tag) << 56
        self.object = object
    }

    // MARK: - Strings

    /// A string value as SET stores it: integer-encoded when it is the canonical form of a 64-bit integer of
    /// up to 20 characters (Redis's tryObjectEncoding), otherwise inline or heap.
    @inlinable
    public init(string bytes: UnsafeRawBufferPointer) {
        if bytes.count <= 20, let n = parseInt64(bytes) {
            self.init(integer: n)
        } else {
            self.init(rawString: bytes, markRaw: false)
        }
    }

    /// A string value stored as given, never integer-encoded.
    @inlinable
    public init(rawString bytes: UnsafeRawBufferPointer, markRaw: Bool) {
        let b = Bytes(bytes)
        self.init(bytes: b, markRaw: markRaw)
    }

    @inlinable
    public init(bytes b: Bytes, markRaw: Bool = false) {
        w0 = b.w0
        w1 = b.w1
        w2 = b.w2
        if let heap = b.heap {
            object = heap
            w2 = UInt64(markRaw ? Value.tagHeapRaw : Value.tagHeapString) << 56
        } else {
            object = nil
            if markRaw { w2 |= UInt64(Value.rawFlag) << 56 }
        }
    }

    @inlinable
    public init(integer: Int64) {
        w0 = UInt64(bitPattern: integer)
        w1 = 0
        w2 = UInt64(Value.tagInt) << 56
        object = nil
    }

    @inlinable
    public var type: ValueType {
        let t = tag
        if t < Value.tagObject { return .string }
        return ValueType(rawValue: t - Value.tagObject)!
    }

    @inlinable
    public var isString: Bool { tag < Value.tagObject }

    /// The integer of an int-encoded string, if it is one.
    @inlinable
    public var integer: Int64? { tag == Value.tagInt ? Int64(bitPattern: w0) : nil }

    /// The string's bytes as a `Bytes` (formats an integer). Precondition: `isString`.
    @inlinable
    public var stringBytes: Bytes {
        let t = tag
        if t == Value.tagInt {
            var buf = (UInt64(0), UInt64(0), UInt64(0))
            return Swift.withUnsafeMutableBytes(of: &buf) { raw in
                let n = formatInt64(Int64(bitPattern: w0), into: raw)
                return Bytes(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
            }
        }
        if t >= Value.tagHeapString {
            // A string modified in place can be 23 bytes or shorter on the heap; Bytes(storage:) moves it inline,
            // since Bytes equality and keyHash rely on short strings always being inline.
            return Bytes(storage: unsafeDowncast(object!, to: ByteStorage.self))
        }
        var b = Bytes()
        b.w0 = w0
        b.w1 = w1
        b.w2 = w2 & ~(UInt64(Value.rawFlag) << 56)
        return b
    }

    /// Calls `body` with the string's bytes. Precondition: `isString`.
    @inlinable
    public func withStringBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let t = tag
        if t == Value.tagInt {
            var buf = (UInt64(0), UInt64(0), UInt64(0))
            return try Swift.withUnsafeMutableBytes(of: &buf) { raw in
                let n = formatInt64(Int64(bitPattern: w0), into: raw)
                return try body(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
            }
        }
        if t >= Value.tagHeapString { return try unsafeDowncast(object!, to: ByteStorage.self).withBytes(body) }
        var words = (w0, w1, w2)
        let n = Int(t & 0x1F)
        return try Swift.withUnsafeBytes(of: &words) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }

    /// Length of the string form. Precondition: `isString`.
    @inlinable
    public var stringLength: Int {
        let t = tag
        if t == Value.tagInt { return decimalLength(Int64(bitPattern: w0)) }
        if t >= Value.tagHeapString { return unsafeDowncast(object!, to: ByteStorage.self).count }
        return Int(t & 0x1F)
    }

    /// OBJECT ENCODING for strings: "int", "embstr" (≤ 44 bytes, never modified in place) or "raw".
    public var stringEncoding: String {
        let t = tag
        if t == Value.tagInt { return "int" }
        if t == Value.tagHeapRaw { return "raw" }
        if t == Value.tagHeapString { return stringLength <= 44 ? "embstr" : "raw" }
        return t & Value.rawFlag != 0 ? "raw" : "embstr"
    }

    /// Replaces the string with a mutable copy that `body` may change (APPEND, SETRANGE, SETBIT); the result is
    /// marked raw, as Redis turns embstr and int into raw on in-place modification.
    /// `minimumCount` grows the string with zero bytes first.
    public mutating func mutateString<R>(
        minimumCount: Int, _ body: (inout MutableStringView) -> R
    ) -> R {
        var storage: ByteStorage
        let current = stringLength
        let needed = max(current, minimumCount)
        if tag >= Value.tagHeapString && tag != Value.tagInt,
            isKnownUniquelyReferenced(&object),
            unsafeDowncast(object!, to: ByteStorage.self).capacity >= needed
        {
            storage = unsafeDowncast(object!, to: ByteStorage.self)
        } else {
            // sds-style growth: double up to 1 MB, then +1 MB.
            let capacity = needed < 1024 * 1024 ? needed * 2 : needed + 1024 * 1024
            storage = withStringBytes { ByteStorage.make(copying: $0, capacity: max(capacity, 32)) }
        }
        if needed > current {
            storage.withUnsafeMutablePointerToElements { p in
                (p + current).initialize(repeating: 0, count: needed - current)
            }
            storage.header = needed
        }
        var view = MutableStringView(storage: storage)
        let r = body(&view)
        object = storage
        w0 = 0
        w1 = 0
        w2 = UInt64(Value.tagHeapRaw) << 56
        return r
    }

    /// OBJECT ENCODING.
    public var encodingName: String {
        if isString { return stringEncoding }
        return (object as? EncodedCollection)?.encodingName ?? "unknown"
    }

    /// A deep copy for COPY: strings share their immutable storage (mutation copies first); collections copy.
    public func duplicate() -> Value {
        if isString { return self }
        guard let c = object as? EncodedCollection else { return self }
        return Value(object: c.duplicate(), type: type)
    }

    // MARK: - Collections

    /// A value holding a collection object of the given type.
    @inlinable
    public init(object: AnyObject, type: ValueType) {
        self.init(tag: Value.tagObject + type.rawValue, object: object)
    }

    /// The collection object. Precondition: not a string.
    @inlinable
    public var collection: AnyObject { object! }
}

/// What every collection class (lists, hashes, sets, sorted sets, streams) provides to type-agnostic commands.
public protocol EncodedCollection: AnyObject {
    /// Redis's OBJECT ENCODING name for the current representation.
    var encodingName: String { get }
    func duplicate() -> AnyObject
    /// Heap bytes held by the collection, for MEMORY USAGE.
    var heapSize: Int { get }
}

extension EncodedCollection {
    public var heapSize: Int { 64 }
}

/// Mutable access to a heap string's bytes, with append, for in-place string commands.
public struct MutableStringView {
    @usableFromInline let storage: ByteStorage
    init(storage: ByteStorage) { self.storage = storage }

    public var count: Int { storage.header }
    public var capacity: Int { storage.capacity }

    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) -> R) -> R {
        let n = storage.header
        return storage.withUnsafeMutablePointerToElements { body(UnsafeMutableRawBufferPointer(start: $0, count: n)) }
    }
}

/// Number of characters in the decimal form of `v`.
@inlinable
public func decimalLength(_ v: Int64) -> Int {
    var n = v < 0 ? 2 : 1
    var m = v.magnitude
    while m >= 10 {
        m /= 10
        n += 1
    }
    return n
}

/// Writes the decimal form of `v` at the start of `buffer` (at least 20 bytes) and returns its length.
@inlinable
public func formatInt64(_ v: Int64, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    let n = decimalLength(v)
    var m = v.magnitude
    var i = n
    repeat {
        i -= 1
        buffer[i] = UInt8(48 + m % 10)
        m /= 10
    } while m != 0
    if v < 0 { buffer[0] = UInt8(ascii: "-") }
    return n
}
