// The set type's API (Redis's t_set.c "Set type API"): three encodings with Redis's rules for moving between them.
//  - "intset": every member is an integer and there are at most set-max-intset-entries; sorted ascending.
//  - "listpack": at most set-max-listpack-entries members of at most set-max-listpack-value bytes; insertion order.
//  - "hashtable": anything else. Conversions go intset → listpack → hashtable or intset → hashtable, never back,
//    except that SINTERSTORE may store an all-integer result as an intset (maybeConvertToIntset).
// The thresholds come from the configuration through `SetLimits`. Iteration hands out `SetMember`s, which keep
// an intset's integers as integers so set algebra between intsets never formats a number.
// SPDX-License-Identifier: BSD-3-Clause

/// set-max-intset-entries, set-max-listpack-entries and set-max-listpack-value.
public struct SetLimits: Sendable {
    public var maxIntsetEntries: Int
    public var maxListpackEntries: Int
    public var maxListpackValue: Int

    public init(maxIntsetEntries: Int = 512, maxListpackEntries: Int = 128, maxListpackValue: Int = 64) {
        // Redis caps intsets at 2^30 entries whatever the configuration says.
        self.maxIntsetEntries = min(maxIntsetEntries, 1 << 30)
        self.maxListpackEntries = maxListpackEntries
        self.maxListpackValue = maxListpackValue
    }

    /// set-max-listpack-entries as the listpack can honour it: its string count is 16 bits, so a set converts past
    /// 65 535 members whatever the configuration says.
    var packedEntryLimit: Int { min(maxListpackEntries, PackedList.maxCount) }
}

/// A member as an encoding hands it out: an intset's integer, or bytes valid during the callback.
public enum SetMember {
    case integer(Int64)
    case bytes(UnsafeRawBufferPointer)

    /// Calls `body` with the member's string form.
    @inline(__always)
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case let .bytes(b): return try body(b)
        case let .integer(v): return try withDecimalBytes(v, body)
        }
    }

    /// The member as an integer when it is one in canonical form (string2ll).
    @inline(__always)
    public var integerValue: Int64? {
        switch self {
        case let .integer(v): return v
        case let .bytes(b): return b.count <= 20 ? parseInt64(b) : nil
        }
    }
}

/// Formats `v` in decimal into a stack buffer and calls `body` with it.
@inline(__always)
public func withDecimalBytes<R>(_ v: Int64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    var buf = (UInt64(0), UInt64(0), UInt64(0))
    return try withUnsafeMutableBytes(of: &buf) { raw in
        let n = formatInt64(v, into: raw)
        return try body(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
    }
}

public final class SetValue: EncodedCollection, DigestibleValue {
    public enum Encoding: UInt8, Sendable { case intset, listpack, hashtable }

    /// One word, so that a set object is a 32-byte malloc chunk: the encoding in the low two bits (malloc blocks
    /// and objects are 16-byte aligned), and the intset block, the listpack (block and, in the top 16 bits, its
    /// string count; see PackedList) or the retained SetMemberTable.
    private var storage: UInt

    public var encoding: Encoding { Encoding(rawValue: UInt8(storage & 3))! }

    private var pointer: UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer(bitPattern: storage & PackedList.addressMask & ~3)
    }

    /// The intset encoding; setting it makes the set an intset.
    private var ints: IntSet {
        get { IntSet(base: storage & 3 == 0 ? pointer : nil) }
        set { storage = UInt(bitPattern: newValue.base) | UInt(Encoding.intset.rawValue) }
    }

    /// The listpack encoding; setting it makes the set a listpack.
    private var packed: PackedList {
        get { storage & 3 == 1 ? PackedList(word: storage & ~3) : PackedList() }
        set { storage = newValue.word | UInt(Encoding.listpack.rawValue) }
    }

    /// The hashtable encoding, nil for the compact ones.
    private var table: SetMemberTable? {
        guard storage & 3 == 2 else { return nil }
        return Unmanaged<SetMemberTable>.fromOpaque(UnsafeRawPointer(pointer!)).takeUnretainedValue()
    }

    /// Frees the current encoding's memory and makes `t` the set's contents.
    private func replaceContents(with t: SetMemberTable) {
        releaseContents()
        storage = UInt(bitPattern: Unmanaged.passRetained(t).toOpaque()) | UInt(Encoding.hashtable.rawValue)
    }

    private func releaseContents() {
        switch encoding {
        case .intset: ints.release()
        case .listpack: packed.release()
        case .hashtable: Unmanaged<SetMemberTable>.fromOpaque(UnsafeRawPointer(pointer!)).release()
        }
    }

    /// An empty set in the given encoding (a hashtable presized for `capacity` members).
    public init(encoding: Encoding = .intset, capacity: Int = 0) {
        storage = UInt(encoding.rawValue)
        if encoding == .hashtable {
            storage = UInt(bitPattern: Unmanaged.passRetained(SetMemberTable(capacity: capacity)).toOpaque()) | 2
        }
    }

    deinit { releaseContents() }

    /// setTypeCreate: an empty set that can hold `first`, in the encoding `sizeHint` members will need.
    public static func forMembers(first: UnsafeRawBufferPointer, sizeHint: Int, limits: SetLimits) -> SetValue {
        if first.count <= 20 && parseInt64(first) != nil && sizeHint <= limits.maxIntsetEntries {
            return SetValue(encoding: .intset)
        }
        if sizeHint <= limits.packedEntryLimit { return SetValue(encoding: .listpack) }
        return SetValue(encoding: .hashtable, capacity: sizeHint)
    }

    // MARK: - Size and encoding

    public var count: Int {
        switch encoding {
        case .intset: return ints.count
        case .listpack: return packed.count
        case .hashtable: return table!.count
        }
    }

    public var encodingName: String {
        switch encoding {
        case .intset: return "intset"
        case .listpack: return "listpack"
        case .hashtable: return "hashtable"
        }
    }

    public func duplicate() -> AnyObject {
        let copy = SetValue(encoding: encoding == .hashtable ? .intset : encoding)
        switch encoding {
        case .intset: copy.ints = ints.copy()
        case .listpack: copy.packed = packed.copy()
        case .hashtable:
            copy.replaceContents(with: table!.copy())
        }
        return copy
    }

    /// setTypeMaybeConvert: converts up front when `sizeHint` members will not fit the compact encoding.
    public func prepareForAdding(sizeHint: Int, limits: SetLimits) {
        if (encoding == .listpack && sizeHint > limits.packedEntryLimit)
            || (encoding == .intset && sizeHint > limits.maxIntsetEntries)
        {
            convertToTable(capacity: sizeHint)
        }
    }

    /// Converts to the hashtable encoding, presized for `capacity` members.
    public func convertToTable(capacity: Int = 0) {
        guard encoding != .hashtable else { return }
        let t = SetMemberTable(capacity: max(capacity, count))
        forEach { m in
            m.withBytes { b in _ = t.insert(b, hash: keyHash(b), value: SetMemberTable.noValue) }
        }
        replaceContents(with: t)
    }

    /// Converts an intset to a listpack (its members in ascending order).
    private func convertIntsetToListpack() {
        var p = PackedList()
        let source = ints
        for i in 0..<source.count { withDecimalBytes(source.get(i)) { p.append($0) } }
        releaseContents()
        packed = p
    }

    /// maybeConvertToIntset: stores a set whose members the caller knows to be integers as an intset, when it is
    /// small enough (SINTERSTORE of integer results).
    public func convertToIntsetIfSmall(limits: SetLimits) {
        guard encoding != .intset, count <= limits.maxIntsetEntries else { return }
        var s = IntSet()
        forEach { m in
            if let v = m.integerValue { _ = s.insert(v) }
        }
        releaseContents()
        ints = s
    }

    // MARK: - Membership

    public func contains(_ m: UnsafeRawBufferPointer) -> Bool {
        switch encoding {
        case .intset:
            guard m.count <= 20, let v = parseInt64(m) else { return false }
            return ints.contains(v)
        case .listpack: return packed.find(m) != nil
        case .hashtable: return table!.find(m) != nil
        }
    }

    /// setTypeIsMemberAux: an integer is checked against an intset without formatting it.
    public func contains(_ m: SetMember) -> Bool {
        switch m {
        case let .bytes(b): return contains(b)
        case let .integer(v):
            if encoding == .intset { return ints.contains(v) }
            return withDecimalBytes(v) { contains($0) }
        }
    }

    // MARK: - Writes

    /// setTypeAdd: adds `m`, converting the encoding as Redis does; returns false when it was already a member.
    @discardableResult
    public func add(_ m: UnsafeRawBufferPointer, limits: SetLimits) -> Bool {
        switch encoding {
        case .hashtable:
            let t = table!
            let h = keyHash(m)
            if t.find(m, hash: h) != nil { return false }
            t.insert(m, hash: h, value: SetMemberTable.noValue)
            return true
        case .listpack:
            if packed.find(m) != nil { return false }
            if packed.count < limits.packedEntryLimit && m.count <= limits.maxListpackValue
                && packed.isSafeToAdd(m.count)
            {
                packed.append(m)
            } else {
                convertToTable(capacity: packed.count + 1)
                table!.insert(m, hash: keyHash(m), value: SetMemberTable.noValue)
            }
            return true
        case .intset:
            if m.count <= 20, let v = parseInt64(m) { return addToIntset(v, limits: limits) }
            // A string joins an intset: a listpack when everything (the widest integer included) fits one.
            let n = ints.count
            var longest = 0
            if n > 0 { longest = max(decimalLength(ints.min), decimalLength(ints.max)) }
            // The intset's members are assumed to be as long as the longest one, as Redis estimates.
            if n < limits.packedEntryLimit && m.count <= limits.maxListpackValue && longest <= limits.maxListpackValue
                && (n * (longest + 1) + m.count) <= PackedList.maxSafeBytes
            {
                convertIntsetToListpack()
                packed.append(m)
            } else {
                convertToTable(capacity: n + 1)
                table!.insert(m, hash: keyHash(m), value: SetMemberTable.noValue)
            }
            return true
        }
    }

    /// setTypeAddAux for a member handed out by another set's iteration.
    @discardableResult
    public func add(_ m: SetMember, limits: SetLimits) -> Bool {
        switch m {
        case let .bytes(b): return add(b, limits: limits)
        case let .integer(v):
            if encoding == .intset { return addToIntset(v, limits: limits) }
            return withDecimalBytes(v) { add($0, limits: limits) }
        }
    }

    private func addToIntset(_ v: Int64, limits: SetLimits) -> Bool {
        guard ints.insert(v) else { return false }
        // maybeConvertIntset: too many integers go straight to a hashtable.
        if ints.count > limits.maxIntsetEntries { convertToTable() }
        return true
    }

    /// setTypeRemove: returns whether `m` was a member.
    @discardableResult
    public func remove(_ m: UnsafeRawBufferPointer) -> Bool {
        switch encoding {
        case .intset:
            guard m.count <= 20, let v = parseInt64(m) else { return false }
            return ints.remove(v)
        case .listpack:
            guard let o = packed.find(m) else { return false }
            packed.remove(at: o, strings: 1)
            return true
        case .hashtable:
            let t = table!
            let h = keyHash(m)
            guard let i = t.find(m, hash: h) else { return false }
            t.remove(at: i, hash: h)
            return true
        }
    }

    @discardableResult
    public func remove(_ m: SetMember) -> Bool {
        switch m {
        case let .bytes(b): return remove(b)
        case let .integer(v):
            if encoding == .intset { return ints.remove(v) }
            return withDecimalBytes(v) { remove($0) }
        }
    }

    // MARK: - Iteration

    /// Calls `body` with every member in encoding order (ascending for an intset, insertion order for a
    /// listpack).
    public func forEach(_ body: (SetMember) throws -> Void) rethrows {
        switch encoding {
        case .intset:
            let s = ints
            for i in 0..<s.count { try body(.integer(s.get(i))) }
        case .listpack:
            try packed.forEach { b, _ in
                try body(.bytes(b))
                return true
            }
        case .hashtable:
            let t = table!
            for i in 0..<t.count { try t.withField(i) { try body(.bytes($0)) } }
        }
    }

    /// Ordinal access to the members (0..<count) for random sampling; valid until the set is modified.
    public struct Ordinals {
        fileprivate let offsets: [Int32]
    }

    /// Builds the ordinal index (one pass over a listpack; intsets and hashtables are indexed already).
    public func ordinals() -> Ordinals {
        Ordinals(offsets: encoding == .listpack ? packed.offsets() : [])
    }

    /// Calls `body` with the member at ordinal `i`.
    public func withMember<R>(_ i: Int, _ index: Ordinals, _ body: (SetMember) throws -> R) rethrows -> R {
        switch encoding {
        case .intset: return try body(.integer(ints.get(i)))
        case .listpack: return try body(.bytes(packed.string(at: Int(index.offsets[i])).bytes))
        case .hashtable: return try table!.withField(i) { try body(.bytes($0)) }
        }
    }

    /// Removes the member at ordinal `i` (SPOP). For a listpack, `index` stays valid only below `i`.
    public func removeMember(at i: Int, _ index: Ordinals) {
        switch encoding {
        case .intset: ints.removeAt(i)
        case .listpack: packed.remove(at: Int(index.offsets[i]), strings: 1)
        case .hashtable: table!.remove(at: i)
        }
    }

    /// One SSCAN step: compact encodings are returned whole with cursor 0; a hashtable visits the cursor's
    /// bucket(s) until about `count` members were seen.
    public func scan(cursor: UInt64, count: Int, _ body: (SetMember) -> Void) -> UInt64 {
        guard encoding == .hashtable, let table else {
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
                table.withField(i) { body(.bytes($0)) }
            }
            iterations -= 1
        } while next != 0 && iterations > 0 && visited < count
        return next
    }

    // MARK: - Memory and digest

    /// Heap bytes held by the set (a hashtable's cells estimated from a sample of up to 16 members).
    public var heapSize: Int {
        switch encoding {
        case .intset: return 32 + ints.allocatedBytes
        case .listpack: return 32 + packed.allocatedBytes
        case .hashtable:
            let t = table!
            let sample = min(t.count, 16)
            var cells = 0
            for i in 0..<sample { cells += t.cellBytes(at: i) }
            return 32 + t.overheadBytes + (sample > 0 ? cells * t.count / sample : 0)
        }
    }

    /// xorObjectDigest for sets: the SHA1 of every member's string form XORed together (order-independent).
    public func mixDigest(into digest: inout [UInt8]) {
        forEach { m in m.withBytes { Digest.xor(&digest, $0) } }
    }
}
