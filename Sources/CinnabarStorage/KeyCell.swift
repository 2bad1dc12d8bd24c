// The main table's entries: a 32-byte slot in KeyTable's dense array. A key whose bytes and value payload fit in
// 24 bytes lives in the slot itself; any other key's slot points at one malloc'd cell that holds the key's bytes
// and its value, sized to fit. Both use the same layout for the entry's data:
//
//     [tag: UInt8][key length: UInt8][key bytes][payload]           key shorter than 255 bytes
//     [tag: UInt8][255][key length: UInt32, unaligned][key][payload] longer keys (cells only)
//
// The tag is Value's tag byte, and the payload is what that tag needs and nothing more: the bytes of an inline
// string (0...23, its length is in the tag), an integer in as few bytes as hold it (1, 2, 4 or 8: tags 0x88, 0x89,
// 0x8B, 0x8F), or a retained reference (a heap string or a collection object). In the slot, a key length byte of
// 0xFF marks a cell, whose address is the slot's second word. The slot's last word is the chain link and the access
// stamp with the save epoch.
// A 10-byte key with a 10-byte value, or with a hash object, is the 32-byte slot alone: no allocation and no
// pointer to follow, where Redis spends a dictEntry, a robj and the key's sds. This is Valkey 8's "embedded key"
// idea taken further: the value's bytes share the place too, and short entries need no allocation at all.
// The slot stores no hash: rehashing and unlinking recompute it from the key (as Redis's dict does), and a lookup
// compares key bytes, which for short keys costs what a hash comparison would.
// A `Value` read from an entry is materialized (a copy that retains its object); `takeValue` moves it out without
// retaining, so that a heap string can be modified in place while only the caller references it.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value with its access stamp and save epoch, as a key's entry holds them (RENAME and MOVE carry all three).
public struct StoredValue {
    public var value: Value
    public var lru: UInt32
    /// Equal to the keyspace's `saveEpoch` when a running save has this entry's snapshot value already, or the
    /// entry is newer than the save (RDBSnapshot.swift).
    public var epoch: UInt8
    @inlinable public init(value: Value, lru: UInt32, epoch: UInt8 = 0) {
        self.value = value
        self.lru = lru
        self.epoch = epoch
    }
}

/// One key of the main table (see the file comment). The slot is a value type over what it owns (its payload's
/// reference and its cell): KeyTable moves slots bitwise, and whoever removes one from the table ends it with
/// ``consume()``.
public struct KeyCell: KeyTableSlot {
    /// The entry's data when it fits (tag, key length, key, payload), else byte 1 is 0xFF and `w1` the cell.
    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    public var next: Int32
    /// The access stamp (24 bits: LRU clock or LFU time and counter) and, in the top byte, the save epoch.
    @usableFromInline var meta: UInt32

    /// Bytes of entry data a slot holds.
    @inlinable static var slotBytes: Int { 24 }

    /// A new entry for `key` holding `value` (its reference, if any, now belongs to the entry).
    @inlinable
    public init(key: UnsafeRawBufferPointer, value: Value, lru: UInt32, epoch: UInt8) {
        let tag = KeyCell.storedTag(value)
        let n = key.count
        next = -1
        meta = lru & 0xFF_FFFF | UInt32(epoch) << 24
        w0 = 0
        w1 = 0
        w2 = 0
        if n < 255 && 2 + n + KeyCell.payloadSize(tag) <= KeyCell.slotBytes {
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &words) { raw in
                let p = raw.baseAddress!
                p.storeBytes(of: tag, as: UInt8.self)
                p.storeBytes(of: UInt8(n), toByteOffset: 1, as: UInt8.self)
                if n > 0 { KeyCell.copySmall(p + 2, key.baseAddress!, n) }
                KeyCell.storePayload(value, at: p + 2 + n)
            }
            (w0, w1, w2) = words
            return
        }
        w0 = 0xFF00
        w1 = UInt64(UInt(bitPattern: KeyCell.makeCell(key: key, tag: tag, value: value)))
    }

    /// A new cell holding `key` and `value`, whose stored tag is `tag`.
    @usableFromInline
    static func makeCell(key: UnsafeRawBufferPointer, tag: UInt8, value: Value) -> UnsafeMutableRawPointer {
        let n = key.count
        let keyOffset = n < 255 ? 2 : 6
        let c = malloc(keyOffset + n + payloadSize(tag))!
        c.storeBytes(of: tag, as: UInt8.self)
        if n < 255 {
            c.storeBytes(of: UInt8(n), toByteOffset: 1, as: UInt8.self)
        } else {
            c.storeBytes(of: 255, toByteOffset: 1, as: UInt8.self)
            c.storeBytes(of: UInt32(n), toByteOffset: 2, as: UInt32.self)
        }
        if let k = key.baseAddress { (c + keyOffset).copyMemory(from: k, byteCount: n) }
        storePayload(value, at: c + keyOffset + n)
        return c
    }

    @inlinable
    public init(key: UnsafeRawBufferPointer, _ stored: StoredValue) {
        self.init(key: key, value: stored.value, lru: stored.lru, epoch: stored.epoch)
    }

    // MARK: - Layout

    /// Bytes of payload a value with this stored tag needs.
    @inlinable @inline(__always)
    static func payloadSize(_ tag: UInt8) -> Int {
        if tag < Value.tagHeapString { return Int(tag & 0x1F) }
        return isIntegerTag(tag) ? Int(tag - 0x87) : 8
    }

    /// The tag an entry stores for `value`: Value's tag, except that an integer is stored in as few bytes as hold
    /// it (tag 0x87 + 1, 2, 4 or 8), so a counter under a 20-byte key still fits the slot.
    @inlinable @inline(__always)
    static func storedTag(_ value: Value) -> UInt8 {
        let tag = value.tag
        guard tag == Value.tagInt else { return tag }
        return 0x87 + UInt8(integerWidth(Int64(bitPattern: value.w0)))
    }

    /// Bytes of two's complement that hold `n`: 1, 2, 4 or 8 (one load or store each).
    @inlinable @inline(__always)
    static func integerWidth(_ n: Int64) -> Int {
        let bits = 65 - (n < 0 ? (~n).leadingZeroBitCount : n.leadingZeroBitCount)
        return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8
    }

    @inlinable @inline(__always)
    static func isIntegerTag(_ tag: UInt8) -> Bool { tag & 0xF8 == 0x88 }

    /// Whether a stored tag's payload is a retained reference (a heap string or a collection).
    @inlinable @inline(__always)
    static func holdsReference(_ tag: UInt8) -> Bool { tag >= Value.tagHeapString && !isIntegerTag(tag) }

    /// Reads a stored integer of `width` bytes at `p`.
    @inlinable @inline(__always)
    static func loadInteger(_ p: UnsafeRawPointer, width: Int) -> Int64 {
        switch width {
        case 1: return Int64(p.load(as: Int8.self))
        case 2: return Int64(p.loadUnaligned(as: Int16.self))
        case 4: return Int64(p.loadUnaligned(as: Int32.self))
        default: return p.loadUnaligned(as: Int64.self)
        }
    }

    /// Writes `n` in `width` bytes (its ``integerWidth(_:)`` or more) at `p`.
    @inlinable @inline(__always)
    static func storeInteger(_ n: Int64, width: Int, at p: UnsafeMutableRawPointer) {
        switch width {
        case 1: p.storeBytes(of: Int8(truncatingIfNeeded: n), as: Int8.self)
        case 2: p.storeBytes(of: Int16(truncatingIfNeeded: n), as: Int16.self)
        case 4: p.storeBytes(of: Int32(truncatingIfNeeded: n), as: Int32.self)
        default: p.storeBytes(of: n, as: Int64.self)
        }
    }

    /// Whether the entry's data is in a cell rather than in the slot.
    @inlinable @inline(__always)
    var isInCell: Bool { w0 & 0xFF00 == 0xFF00 }

    @inlinable @inline(__always)
    var cell: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: UInt(w1))! }

    /// The key's length when the entry is in the slot (byte 1; 0xFF there means a cell instead).
    @inlinable @inline(__always)
    var slotKeyCount: Int { Int(UInt8(truncatingIfNeeded: w0 >> 8)) }

    @inlinable @inline(__always)
    static func keyOffset(_ p: UnsafeRawPointer) -> Int { p.load(fromByteOffset: 1, as: UInt8.self) == 255 ? 6 : 2 }

    @inlinable @inline(__always)
    static func keyCount(_ p: UnsafeRawPointer) -> Int {
        let n = p.load(fromByteOffset: 1, as: UInt8.self)
        return n == 255 ? Int(p.loadUnaligned(fromByteOffset: 2, as: UInt32.self)) : Int(n)
    }

    @inlinable @inline(__always)
    static func payloadOffset(_ p: UnsafeRawPointer) -> Int { keyOffset(p) + keyCount(p) }

    /// Calls `body` with the entry's data (the cell, or a copy of the slot's bytes): for reads.
    @inlinable @inline(__always)
    func withData<R>(_ body: (UnsafeMutableRawPointer) throws -> R) rethrows -> R {
        if isInCell { return try body(cell) }
        var words = (w0, w1, w2)
        return try withUnsafeMutableBytes(of: &words) { try body($0.baseAddress!) }
    }

    @inlinable @inline(__always)
    var tag: UInt8 { isInCell ? cell.load(as: UInt8.self) : UInt8(truncatingIfNeeded: w0) }

    /// Bytes the entry's cell takes (its malloc chunk: usable size plus glibc's size word; 0 in the slot), for
    /// MEMORY USAGE.
    public var cellBytes: Int { isInCell ? cinnabar_malloc_usable_size(cell) + 8 : 0 }

    // MARK: - The key

    /// The key as `Bytes` (inline up to 23 bytes; longer keys are copied to the heap).
    @inlinable
    public var key: Bytes { withKey { Bytes($0) } }

    /// Calls `body` with the key's bytes, valid only during the call.
    @inlinable
    public func withKey<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withData { p in
            try body(UnsafeRawBufferPointer(start: p + KeyCell.keyOffset(p), count: KeyCell.keyCount(p)))
        }
    }

    @inlinable
    public var hash: UInt32 { withKey { UInt32(truncatingIfNeeded: keyHash($0)) } }

    @inlinable
    public func matches(_ key: UnsafeRawBufferPointer, hash: UInt32) -> Bool {
        let n = key.count
        if !isInCell {
            guard slotKeyCount == n else { return false }
            if n == 0 { return true }
            var words = (w0, w1, w2)
            return withUnsafeBytes(of: &words) { memcmpBytes($0.baseAddress! + 2, key.baseAddress!, n) == 0 }
        }
        let c = cell
        if n < 255 {
            guard c.load(fromByteOffset: 1, as: UInt8.self) == UInt8(n) else { return false }
            return n == 0 || memcmpBytes(c + 2, key.baseAddress!, n) == 0
        }
        return withKey { memEqual($0, key) }
    }

    // MARK: - Stamp and epoch

    /// The LRU clock or LFU stamp (24 bits).
    @inlinable
    public var lru: UInt32 {
        get { meta & 0xFF_FFFF }
        set { meta = meta & 0xFF00_0000 | newValue & 0xFF_FFFF }
    }

    @inlinable
    public var epoch: UInt8 {
        get { UInt8(truncatingIfNeeded: meta >> 24) }
        set { meta = meta & 0xFF_FFFF | UInt32(newValue) << 24 }
    }

    // MARK: - The value

    /// Copies `n` (at most 23) bytes with unaligned word moves: an inline string's payload is too short for a call
    /// to memcpy to pay.
    @inlinable @inline(__always)
    static func copySmall(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ n: Int) {
        var o = 0
        while o + 8 <= n {
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: o, as: UInt64.self), toByteOffset: o, as: UInt64.self)
            o += 8
        }
        if o + 4 <= n {
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: o, as: UInt32.self), toByteOffset: o, as: UInt32.self)
            o += 4
        }
        if o + 2 <= n {
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: o, as: UInt16.self), toByteOffset: o, as: UInt16.self)
            o += 2
        }
        if o < n { dst.storeBytes(of: src.load(fromByteOffset: o, as: UInt8.self), toByteOffset: o, as: UInt8.self) }
    }

    /// Writes `value`'s payload at `p`; its reference, if any, now belongs to the cell.
    @inlinable @inline(__always)
    static func storePayload(_ value: Value, at p: UnsafeMutableRawPointer) {
        let tag = value.tag
        if tag < Value.tagHeapString {
            var words = (value.w0, value.w1, value.w2)
            withUnsafeBytes(of: &words) { copySmall(p, $0.baseAddress!, Int(tag & 0x1F)) }
        } else if tag == Value.tagInt {
            let n = Int64(bitPattern: value.w0)
            storeInteger(n, width: integerWidth(n), at: p)
        } else {
            p.storeBytes(of: UInt(bitPattern: Unmanaged.passRetained(value.object!).toOpaque()), as: UInt.self)
        }
    }

    /// The value read from payload `p` with tag `tag`; `retain` false moves the cell's reference out.
    @inlinable @inline(__always)
    static func loadPayload(_ tag: UInt8, at p: UnsafeMutableRawPointer, retain: Bool) -> Value {
        if tag < Value.tagHeapString {
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &words) { copySmall($0.baseAddress!, p, Int(tag & 0x1F)) }
            var v = Value(tag: tag, object: nil)
            v.w0 = words.0
            v.w1 = words.1
            v.w2 = words.2 | UInt64(tag) << 56
            return v
        }
        if isIntegerTag(tag) { return Value(integer: loadInteger(p, width: Int(tag - 0x87))) }
        let o = Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(bitPattern: p.loadUnaligned(as: UInt.self))!)
        return Value(tag: tag, object: retain ? o.takeUnretainedValue() : o.takeRetainedValue())
    }

    /// The key's value (a copy: its object, if any, is retained).
    @inlinable
    public var value: Value {
        @inline(__always) get { loadValue(retain: true) }
        set { _ = replaceValue(newValue) }
    }

    /// The integer of an int-encoded string value, read without materializing the value (INCR's fast path).
    @inlinable
    public var integer: Int64? {
        @inline(__always) get {
            if !isInCell {
                let tag = UInt8(truncatingIfNeeded: w0)
                guard KeyCell.isIntegerTag(tag) else { return nil }
                let offset = 2 + slotKeyCount
                var words = (w0, w1, w2)
                return withUnsafeBytes(of: &words) {
                    KeyCell.loadInteger($0.baseAddress! + offset, width: Int(tag - 0x87))
                }
            }
            let c = cell
            let tag = c.load(as: UInt8.self)
            guard KeyCell.isIntegerTag(tag) else { return nil }
            return KeyCell.loadInteger(c + KeyCell.payloadOffset(c), width: Int(tag - 0x87))
        }
    }

    /// Stores an integer value: in place when the value is an integer of the same width already.
    @inlinable @inline(__always)
    public mutating func setInteger(_ n: Int64) {
        let width = KeyCell.integerWidth(n)
        let tag = 0x87 + UInt8(width)
        if !isInCell && UInt8(truncatingIfNeeded: w0) == tag {
            let offset = 2 + slotKeyCount
            withUnsafeMutableBytes(of: &self) { KeyCell.storeInteger(n, width: width, at: $0.baseAddress! + offset) }
        } else if isInCell && cell.load(as: UInt8.self) == tag {
            let c = cell
            KeyCell.storeInteger(n, width: width, at: c + KeyCell.payloadOffset(c))
        } else {
            _ = replaceValue(Value(integer: n))
        }
    }

    /// Whether the value is a string (no load of the payload).
    @inlinable
    public var holdsString: Bool { tag < Value.tagObject }

    /// Moves the value out of the entry; the payload is dead until ``putValue(_:)``.
    @inlinable @inline(__always)
    public func takeValue() -> Value { loadValue(retain: false) }

    /// The value read from the entry's data; `retain` false moves the entry's reference out.
    @inlinable @inline(__always)
    func loadValue(retain: Bool) -> Value {
        withData { p in
            KeyCell.loadPayload(p.load(as: UInt8.self), at: p + KeyCell.payloadOffset(p), retain: retain)
        }
    }

    /// Stores `value` in an entry whose payload is dead (after ``takeValue()``): in the slot while the key and the
    /// payload fit there, else in a cell grown or shrunk to fit. The entry moves between slot and cell as the
    /// payload's size requires.
    @inlinable @inline(__always)
    public mutating func putValue(_ value: Value) {
        let tag = KeyCell.storedTag(value)
        let size = KeyCell.payloadSize(tag)
        if !isInCell {
            let n = slotKeyCount
            if 2 + n + size <= KeyCell.slotBytes {
                withUnsafeMutableBytes(of: &self) { raw in
                    raw.baseAddress!.storeBytes(of: tag, as: UInt8.self)
                    KeyCell.storePayload(value, at: raw.baseAddress! + 2 + n)
                }
            } else {
                moveToCell(value)
            }
            return
        }
        putValueInCell(value)
    }

    /// The key's bytes move from the slot to a new cell that also holds `value`.
    @usableFromInline
    mutating func moveToCell(_ value: Value) {
        var words = (w0, w1, w2)
        let n = slotKeyCount
        let c = withUnsafeBytes(of: &words) {
            KeyCell.makeCell(key: UnsafeRawBufferPointer(start: $0.baseAddress! + 2, count: n),
                             tag: KeyCell.storedTag(value), value: value)
        }
        w0 = 0xFF00
        w1 = UInt64(UInt(bitPattern: c))
        w2 = 0
    }

    /// `putValue` for an entry in a cell: back into the slot when it fits there now, else the cell resized.
    @usableFromInline
    mutating func putValueInCell(_ value: Value) {
        let tag = KeyCell.storedTag(value)
        let size = KeyCell.payloadSize(tag)
        var c = cell
        let keyOffset = KeyCell.keyOffset(c)
        let n = KeyCell.keyCount(c)
        if keyOffset == 2 && 2 + n + size <= KeyCell.slotBytes {
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &words) { raw in
                let p = raw.baseAddress!
                p.copyMemory(from: c, byteCount: 2 + n)
                p.storeBytes(of: tag, as: UInt8.self)
                KeyCell.storePayload(value, at: p + 2 + n)
            }
            free(c)
            (w0, w1, w2) = words
            return
        }
        if size != KeyCell.payloadSize(c.load(as: UInt8.self)) {
            let needed = keyOffset + n + size
            let usable = cinnabar_malloc_usable_size(c)
            if needed > usable || usable - needed >= 32 {
                c = realloc(c, needed)!
                w1 = UInt64(UInt(bitPattern: c))
            }
        }
        c.storeBytes(of: tag, as: UInt8.self)
        KeyCell.storePayload(value, at: c + keyOffset + n)
    }

    /// Replaces the value and returns the old one (its reference moves to the caller).
    @inlinable @inline(__always)
    @discardableResult
    public mutating func exchangeValue(_ value: Value) -> Value {
        let old = takeValue()
        putValue(value)
        return old
    }

    /// Replaces the value; returns the old one only when it held a reference (a heap string or a collection,
    /// whose reference moves to the caller), so that replacing a short string or an integer reads nothing back.
    @inlinable @inline(__always)
    public mutating func replaceValue(_ value: Value) -> Value? {
        let oldTag = tag
        let old: Value? = KeyCell.holdsReference(oldTag) ? takeValue() : nil
        putValue(value)
        return old
    }

    /// Frees the entry's cell, if any, and returns its value and metadata (a slot removed from the table).
    @inlinable
    public consuming func consume() -> StoredValue {
        let v = takeValue()
        if isInCell { free(cell) }
        return StoredValue(value: v, lru: lru, epoch: epoch)
    }

    public static func destroy(_ entry: UnsafeMutablePointer<KeyCell>) {
        let tag = entry.pointee.tag
        if KeyCell.holdsReference(tag) { _ = entry.pointee.takeValue() }
        if entry.pointee.isInCell { free(entry.pointee.cell) }
    }
}

/// The main table: each key's slot, with its entry inline or in a cell.
public typealias ValueTable = KeyTable<KeyCell>
