// The main table's entries: a 16-byte slot in KeyTable's dense array (the cell pointer, the chain link, and the
// key's access stamp and save epoch in one word) pointing at one malloc'd cell that holds the key's bytes and
// its value, sized to fit:
//
//     [tag: UInt8][key length: UInt8][key bytes][payload]           key shorter than 255 bytes
//     [tag: UInt8][255][key length: UInt32, unaligned][key][payload] longer keys
//
// The tag is Value's tag byte, and the payload is what that tag needs and nothing more: the bytes of an inline
// string (0...23, its length is in the tag), the 8 bytes of an integer, or a retained reference (a heap string or
// a collection object). A string key with a short value is one 32-byte malloc chunk; Redis spends a dictEntry, a
// robj and the key's sds on the same key. This is Valkey 8's "embedded key" idea taken one step further: the
// value's bytes share the allocation too.
// The slot stores no hash: rehashing and unlinking recompute it from the key (as Redis's dict does), and a lookup
// compares key bytes, which for short keys costs what a hash comparison would.
// A `Value` read from a cell is materialized (a copy that retains its object); `takeValue` moves it out without
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

/// One key of the main table (see the file comment). The slot is a value type over the cell it owns: KeyTable
/// moves slots, and whoever removes one from the table frees its cell with ``consume()``.
public struct KeyCell: KeyTableSlot {
    @usableFromInline var cell: UnsafeMutableRawPointer
    public var next: Int32
    /// The access stamp (24 bits: LRU clock or LFU time and counter) and, in the top byte, the save epoch.
    @usableFromInline var meta: UInt32

    /// A new cell for `key` holding `value` (its reference, if any, moves into the cell).
    @inlinable
    public init(key: UnsafeRawBufferPointer, value: consuming Value, lru: UInt32, epoch: UInt8) {
        let tag = value.tag
        let keyOffset = key.count < 255 ? 2 : 6
        let size = keyOffset + key.count + KeyCell.payloadSize(tag)
        cell = malloc(size)!
        cell.storeBytes(of: tag, as: UInt8.self)
        if key.count < 255 {
            cell.storeBytes(of: UInt8(key.count), toByteOffset: 1, as: UInt8.self)
        } else {
            cell.storeBytes(of: 255, toByteOffset: 1, as: UInt8.self)
            cell.storeBytes(of: UInt32(key.count), toByteOffset: 2, as: UInt32.self)
        }
        if let k = key.baseAddress { (cell + keyOffset).copyMemory(from: k, byteCount: key.count) }
        KeyCell.storePayload(value, at: cell + keyOffset + key.count)
        next = -1
        meta = lru & 0xFF_FFFF | UInt32(epoch) << 24
    }

    @inlinable
    public init(key: UnsafeRawBufferPointer, _ stored: consuming StoredValue) {
        self.init(key: key, value: stored.value, lru: stored.lru, epoch: stored.epoch)
    }

    // MARK: - Layout

    /// Bytes of payload a value with this tag needs.
    @inlinable @inline(__always)
    static func payloadSize(_ tag: UInt8) -> Int { tag < Value.tagHeapString ? Int(tag & 0x1F) : 8 }

    @inlinable @inline(__always)
    var tag: UInt8 { cell.load(as: UInt8.self) }

    @inlinable @inline(__always)
    var keyOffset: Int { cell.load(fromByteOffset: 1, as: UInt8.self) == 255 ? 6 : 2 }

    @inlinable @inline(__always)
    var keyCount: Int {
        let n = cell.load(fromByteOffset: 1, as: UInt8.self)
        return n == 255 ? Int(cell.loadUnaligned(fromByteOffset: 2, as: UInt32.self)) : Int(n)
    }

    @inlinable @inline(__always)
    var payload: UnsafeMutableRawPointer { cell + keyOffset + keyCount }

    /// Bytes the cell's malloc chunk takes (usable size plus glibc's size word), for MEMORY USAGE.
    public var cellBytes: Int { cinnabar_malloc_usable_size(cell) + 8 }

    // MARK: - The key

    /// The key as `Bytes` (inline up to 23 bytes; longer keys are copied to the heap).
    @inlinable
    public var key: Bytes { Bytes(UnsafeRawBufferPointer(start: cell + keyOffset, count: keyCount)) }

    /// Calls `body` with the key's bytes, valid only during the call.
    @inlinable
    public func withKey<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: cell + keyOffset, count: keyCount))
    }

    @inlinable
    public var hash: UInt32 { withKey { UInt32(truncatingIfNeeded: keyHash($0)) } }

    @inlinable
    public func matches(_ key: UnsafeRawBufferPointer, hash: UInt32) -> Bool {
        let n = key.count
        if n < 255 {
            guard cell.load(fromByteOffset: 1, as: UInt8.self) == UInt8(n) else { return false }
            return n == 0 || memcmpBytes(cell + 2, key.baseAddress!, n) == 0
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
    static func storePayload(_ value: consuming Value, at p: UnsafeMutableRawPointer) {
        let tag = value.tag
        if tag < Value.tagHeapString {
            var words = (value.w0, value.w1, value.w2)
            withUnsafeBytes(of: &words) { copySmall(p, $0.baseAddress!, Int(tag & 0x1F)) }
        } else if tag == Value.tagInt {
            p.storeBytes(of: value.w0, as: UInt64.self)
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
        if tag == Value.tagInt { return Value(integer: Int64(bitPattern: p.loadUnaligned(as: UInt64.self))) }
        let o = Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(bitPattern: p.loadUnaligned(as: UInt.self))!)
        return Value(tag: tag, object: retain ? o.takeUnretainedValue() : o.takeRetainedValue())
    }

    /// The key's value (a copy: its object, if any, is retained).
    @inlinable
    public var value: Value {
        @inline(__always)
        get { KeyCell.loadPayload(tag, at: payload, retain: true) }
        set { _ = replaceValue(newValue) }
    }

    /// The integer of an int-encoded string value, read without materializing the value (INCR's fast path).
    @inlinable
    public var integer: Int64? {
        tag == Value.tagInt ? Int64(bitPattern: payload.loadUnaligned(as: UInt64.self)) : nil
    }

    /// Stores an integer value: in place when the value is an integer already.
    @inlinable
    public mutating func setInteger(_ n: Int64) {
        if tag == Value.tagInt {
            payload.storeBytes(of: UInt64(bitPattern: n), as: UInt64.self)
        } else {
            exchangeValue(Value(integer: n))
        }
    }

    /// Whether the value is a string (no load of the payload).
    @inlinable
    public var holdsString: Bool { tag < Value.tagObject }

    /// Moves the value out of the cell; the cell's payload is dead until ``putValue(_:)``.
    @inlinable @inline(__always)
    public func takeValue() -> Value { KeyCell.loadPayload(tag, at: payload, retain: false) }

    /// Stores `value` in a cell whose payload is dead (after ``takeValue()``), growing or shrinking the cell when
    /// the payload's size changes.
    @inlinable @inline(__always)
    public mutating func putValue(_ value: consuming Value) {
        let tag = value.tag
        let keyEnd = keyOffset + keyCount
        let newSize = KeyCell.payloadSize(tag)
        if newSize != KeyCell.payloadSize(self.tag) { resize(to: keyEnd + newSize) }
        cell.storeBytes(of: tag, as: UInt8.self)
        KeyCell.storePayload(value, at: cell + keyEnd)
    }

    /// Replaces the value and returns the old one (its reference moves to the caller).
    @inlinable @inline(__always)
    @discardableResult
    public mutating func exchangeValue(_ value: consuming Value) -> Value {
        let oldTag = tag
        let keyEnd = keyOffset + keyCount
        let old = KeyCell.loadPayload(oldTag, at: cell + keyEnd, retain: false)
        let newTag = value.tag
        let newSize = KeyCell.payloadSize(newTag)
        if newSize != KeyCell.payloadSize(oldTag) { resize(to: keyEnd + newSize) }
        cell.storeBytes(of: newTag, as: UInt8.self)
        KeyCell.storePayload(value, at: cell + keyEnd)
        return old
    }

    /// Replaces the value; returns the old one only when it held a reference (a heap string or a collection,
    /// whose reference moves to the caller), so that replacing a short string or an integer reads nothing back.
    @inlinable @inline(__always)
    public mutating func replaceValue(_ value: consuming Value) -> Value? {
        let oldTag = tag
        let keyEnd = keyOffset + keyCount
        let old: Value? = oldTag >= Value.tagHeapString && oldTag != Value.tagInt
            ? KeyCell.loadPayload(oldTag, at: cell + keyEnd, retain: false) : nil
        let newTag = value.tag
        let newSize = KeyCell.payloadSize(newTag)
        if newSize != KeyCell.payloadSize(oldTag) { resize(to: keyEnd + newSize) }
        cell.storeBytes(of: newTag, as: UInt8.self)
        KeyCell.storePayload(value, at: cell + keyEnd)
        return old
    }

    /// Moves the cell to a block of `size` bytes when its chunk is too small or much too large.
    @usableFromInline
    mutating func resize(to size: Int) {
        let usable = cinnabar_malloc_usable_size(cell)
        if size > usable || usable - size >= 32 { cell = realloc(cell, size)! }
    }

    /// Frees the cell and returns its value and metadata (a slot removed from the table).
    @inlinable
    public consuming func consume() -> StoredValue {
        let v = takeValue()
        free(cell)
        return StoredValue(value: v, lru: lru, epoch: epoch)
    }

    public static func destroy(_ entry: UnsafeMutablePointer<KeyCell>) {
        let c = entry.pointee
        let tag = c.tag
        if tag >= Value.tagHeapString && tag != Value.tagInt {
            Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(bitPattern: c.payload.loadUnaligned(as: UInt.self))!).release()
        }
        free(c.cell)
    }
}

/// The main table: each key's cell, with its access stamp.
public typealias ValueTable = KeyTable<KeyCell>
