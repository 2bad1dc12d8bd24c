// The hash type's API (Redis's t_hash.c "Hash type API"): a field → value map that is a packed list of
// field, value pairs ("listpack") while it is small and every field and value is short, and a FieldTable
// ("hashtable") after that, converting one way as Redis does. The thresholds are the server's configuration
// (hash-max-listpack-entries / -value), which the command layer passes in as `HashLimits`. Commands only call this
// API; which encoding is in use shows only in OBJECT ENCODING, MEMORY USAGE and the order of small replies.
// Fields may carry deadlines (Redis 7.4's hash-field expiration); HashValue+FieldExpiry.swift keeps them in a side
// table that exists only while at least one field has one.
// SPDX-License-Identifier: BSD-3-Clause

/// hash-max-listpack-entries and hash-max-listpack-value.
public struct HashLimits: Sendable {
    public var maxListpackEntries: Int
    public var maxListpackValue: Int

    public init(maxListpackEntries: Int = 512, maxListpackValue: Int = 64) {
        self.maxListpackEntries = maxListpackEntries
        self.maxListpackValue = maxListpackValue
    }

    /// hash-max-listpack-entries as the listpack can honour it: its string count is 16 bits, so a hash converts at
    /// 32 767 fields whatever the configuration says (Redis's listpack keeps counting past 65 535 strings).
    var packedEntryLimit: Int { min(maxListpackEntries, PackedList.maxCount / 2 - 1) }
}

public final class HashValue: EncodedCollection, DigestibleValue {
    /// One word, so that a hash object is a 32-byte malloc chunk. Bit 0 clear: the listpack (field, value,
    /// field, value...; see PackedList: the block's address and, in the top 16 bits, its string count); bit 0 set:
    /// the retained HashFieldTable of the hashtable encoding. Bit 1 set: the word is a retained FieldDeadlines side
    /// table, which holds the encoding word itself (so deadlines cost nothing until a field has one).
    private var storage: UInt = 0

    public init() {}

    deinit {
        let w = word
        if w & 1 != 0 {
            Unmanaged<HashFieldTable>.fromOpaque(UnsafeRawPointer(bitPattern: w & ~1)!).release()
        } else {
            packed.release()
        }
        if storage & 2 != 0 { detachDeadlines() }
    }

    /// The encoding word: the listpack block or the tagged HashFieldTable (see `storage`).
    private var word: UInt {
        @inline(__always) get { storage & 2 == 0 ? storage : deadlines!.word }
        set {
            if storage & 2 == 0 { storage = newValue } else { deadlines!.word = newValue }
        }
    }

    /// The side table of field deadlines, nil while no field has one.
    var deadlines: FieldDeadlines? {
        guard storage & 2 != 0 else { return nil }
        return Unmanaged<FieldDeadlines>.fromOpaque(UnsafeRawPointer(bitPattern: storage & ~3)!).takeUnretainedValue()
    }

    /// Attaches an empty side table (the first field deadline) and returns it.
    func attachDeadlines() -> FieldDeadlines {
        if let deadlines { return deadlines }
        let d = FieldDeadlines(word: storage)
        storage = UInt(bitPattern: Unmanaged.passRetained(d).toOpaque()) | 2
        return d
    }

    /// Drops the side table (its last deadline is gone), putting the encoding word back in place.
    func detachDeadlines() {
        guard let d = deadlines else { return }
        let w = d.word
        Unmanaged.passUnretained(d).release()
        storage = w
    }

    /// The listpack encoding (empty once the hash is a hashtable).
    private var packed: PackedList {
        get {
            let w = word
            return w & 1 == 0 ? PackedList(word: w) : PackedList()
        }
        set { word = newValue.word }
    }

    /// The hashtable encoding, nil while the hash is a listpack.
    private var table: HashFieldTable? {
        let w = word
        guard w & 1 != 0 else { return nil }
        return Unmanaged<HashFieldTable>.fromOpaque(UnsafeRawPointer(bitPattern: w & ~1)!).takeUnretainedValue()
    }

    /// Makes `t` the hash's contents (the listpack block must have been released).
    private func setTable(_ t: HashFieldTable) {
        word = UInt(bitPattern: Unmanaged.passRetained(t).toOpaque()) | 1
    }

    // MARK: - Size and encoding

    public var count: Int { isPacked ? packed.count / 2 : table!.count }

    public var isPacked: Bool { word & 1 == 0 }

    /// Redis 7.4 calls a listpack whose fields can carry deadlines "listpackex".
    public var encodingName: String { isPacked ? (storage & 2 != 0 ? "listpackex" : "listpack") : "hashtable" }

    public func duplicate() -> AnyObject {
        let copy = HashValue()
        if let table {
            copy.setTable(table.copy())
        } else {
            copy.packed = packed.copy()
        }
        if let deadlines { copy.attachDeadlines().copyDeadlines(from: deadlines) }
        return copy
    }

    /// Converts to the hashtable encoding (hashTypeConvert), presized for `capacity` fields.
    public func convertToTable(capacity: Int = 0) {
        guard table == nil else { return }
        let t = HashFieldTable(capacity: max(capacity, count))
        var o = 0
        let end = packed.usedBytes
        while o < end {
            let (field, valueOffset) = packed.string(at: o)
            let (value, next) = packed.string(at: valueOffset)
            t.insert(field, hash: keyHash(field), value: value)
            o = next
        }
        packed.release()
        setTable(t)
    }

    /// hashTypeTryConversion: before writing `pairs` field/value pairs whose longest string is `longest` bytes and
    /// which total `totalBytes`, converts when they cannot all fit the listpack encoding (more new fields than the
    /// entry limit, a string over the value limit, or a listpack that would pass 1 GB).
    public func prepareForWrite(pairs: Int, longest: Int, totalBytes: Int, limits: HashLimits) {
        guard table == nil else { return }
        if pairs > limits.packedEntryLimit {
            convertToTable(capacity: pairs)
        } else if longest > limits.maxListpackValue || !packed.isSafeToAdd(totalBytes) {
            convertToTable()
        }
    }

    // MARK: - Access

    /// Calls `body` with the value of `field`; nil when the field is missing.
    public func withValue<R>(
        _ field: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R? {
        if let table {
            guard let i = table.find(field) else { return nil }
            return try table.withPair(i) { _, v in try body(v) }
        }
        guard let o = packed.find(field, stride: 2) else { return nil }
        return try body(packed.string(at: packed.skip(o)).bytes)
    }

    public func contains(_ field: UnsafeRawBufferPointer) -> Bool {
        if let table { return table.find(field) != nil }
        return packed.find(field, stride: 2) != nil
    }

    /// Length of the value of `field`, 0 when missing (HSTRLEN).
    public func valueLength(_ field: UnsafeRawBufferPointer) -> Int {
        withValue(field) { $0.count } ?? 0
    }

    // MARK: - Writes

    /// Sets `field` to `value` (hashTypeSet); returns true when the field is new. A string over the value limit
    /// converts first (HINCRBY* reach here without prepareForWrite), too many fields convert after. An existing
    /// field loses its deadline unless `keepTTL` (HSET clears it, HINCRBY keeps it, as in Redis 7.4).
    @discardableResult
    public func set(
        _ field: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, limits: HashLimits, keepTTL: Bool = false
    ) -> Bool {
        if !keepTTL && storage & 2 != 0 { removeFieldDeadline(field) }
        var table = self.table
        if table == nil && (field.count > limits.maxListpackValue || value.count > limits.maxListpackValue) {
            convertToTable()
            table = self.table
        }
        if let table {
            let h = keyHash(field)
            if let i = table.find(field, hash: h) {
                table.setValue(at: i, value)
                return false
            }
            table.insert(field, hash: h, value: value)
            return true
        }
        if let o = packed.find(field, stride: 2) {
            packed.replace(at: packed.skip(o), with: value)
            return false
        }
        packed.append(field, value)
        if packed.count / 2 > limits.packedEntryLimit { convertToTable() }
        return true
    }

    /// Deletes `field`; returns whether it existed.
    @discardableResult
    public func remove(_ field: UnsafeRawBufferPointer) -> Bool {
        if storage & 2 != 0 { removeFieldDeadline(field) }
        if let table {
            let h = keyHash(field)
            guard let i = table.find(field, hash: h) else { return false }
            table.remove(at: i, hash: h)
            return true
        }
        guard let o = packed.find(field, stride: 2) else { return false }
        packed.remove(at: o, strings: 2)
        return true
    }

    // MARK: - Iteration

    /// Calls `body` with every field and value in encoding order (insertion order while listpack-encoded).
    public func forEach(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) rethrows {
        if let table {
            for i in 0..<table.count { try table.withPair(i, body) }
            return
        }
        var o = 0
        let end = packed.usedBytes
        while o < end {
            let (field, valueOffset) = packed.string(at: o)
            let (value, next) = packed.string(at: valueOffset)
            try body(field, value)
            o = next
        }
    }

    /// Ordinal access to the pairs (0..<count) for random sampling; valid until the hash is modified.
    public struct Ordinals {
        fileprivate let offsets: [Int32]
    }

    /// Builds the ordinal index (one pass over a listpack; nothing for a hashtable, whose entries are dense).
    public func ordinals() -> Ordinals {
        Ordinals(offsets: table == nil ? packed.offsets(stride: 2) : [])
    }

    /// Calls `body` with the pair at ordinal `i`.
    public func withPair<R>(
        _ i: Int, _ index: Ordinals, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        if let table {
            return try table.withPair(i, body)
        }
        let (field, valueOffset) = packed.string(at: Int(index.offsets[i]))
        return try body(field, packed.string(at: valueOffset).bytes)
    }

    /// One HSCAN step. A listpack is returned whole with cursor 0 (Redis does the same for compact encodings);
    /// a hashtable visits the cursor's bucket(s). `body` gets each field and value.
    public func scan(
        cursor: UInt64, count: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void
    ) -> UInt64 {
        guard let table else {
            forEach(body)
            return 0
        }
        var next = cursor
        var visited = 0
        // Ten bucket visits per requested element at most, as Redis bounds a sparse table's scan (saturating).
        var iterations = count > Int.max / 10 ? Int.max : count * 10
        repeat {
            next = table.scan(cursor: next) { i in
                visited += 1
                table.withPair(i, body)
            }
            iterations -= 1
        } while next != 0 && iterations > 0 && visited < count
        return next
    }

    // MARK: - Memory and digest

    /// Heap bytes held by the hash: the object, its encoding's block(s) and the cells of a hashtable's entries
    /// (estimated from a sample of up to 16 entries, as MEMORY USAGE samples in Redis).
    public var heapSize: Int {
        let side = deadlines?.heapBytes ?? 0
        guard let table else { return 32 + packed.allocatedBytes + side }
        let n = table.count
        let sample = min(n, 16)
        var cells = 0
        for i in 0..<sample { cells += table.cellBytes(at: i) }
        return 32 + table.overheadBytes + (sample > 0 ? cells * n / sample : 0) + side
    }

    /// xorObjectDigest for hashes: each pair's digest (field then value mixed into zeros, then "!!hexpire!!"
    /// XORed in when the field has a deadline, as Redis 7.4 does) is XORed in, so the result does not depend on
    /// the order.
    public func mixDigest(into digest: inout [UInt8]) {
        var pair = [UInt8](repeating: 0, count: 20)
        let deadlines = self.deadlines
        forEach { field, value in
            for j in 0..<20 { pair[j] = 0 }
            Digest.mix(&pair, field)
            Digest.mix(&pair, value)
            if let deadlines, deadlines.deadline(field) != nil {
                Array("!!hexpire!!".utf8).withUnsafeBytes { Digest.xor(&pair, $0) }
            }
            pair.withUnsafeBytes { Digest.xor(&digest, $0) }
        }
    }
}
