// One value in Redis's RDB serialization (rdb.c rdbSaveObject / rdbLoadObject): what DUMP and RESTORE carry, and
// the building block of RDB files. Values are written in RDB's plain forms (string, list, set, zset2, hash), which
// every Redis 7 loads and then re-encodes to its own compact encodings; reading accepts those plus the compact
// forms Redis 7 writes: int and LZF-compressed strings, intsets, and listpacks for lists (quicklist 2), sets,
// sorted sets and hashes.
// SPDX-License-Identifier: BSD-3-Clause

/// RDB object type bytes.
public enum RDBType: UInt8, Sendable {
    case string = 0, list = 1, set = 2, zset = 3, hash = 4, zset2 = 5
    case listZiplist = 10, setIntset = 11, zsetZiplist = 12, hashZiplist = 13, listQuicklist = 14
    case hashListpack = 16, zsetListpack = 17, listQuicklist2 = 18, setListpack = 20
    /// Streams: Redis 5-6 (15), Redis 7.0 (19: first ID, max-deleted ID, entries-added, entries-read) and Redis 7.2
    /// (21: consumers' active time), which is what Cinnabar writes.
    case streamListpacks = 15, streamListpacks2 = 19, streamListpacks3 = 21
    /// Hashes with field deadlines (Redis 7.4): [minimum deadline] then [TTL][field][value] per field, the TTL 0 for
    /// none, else deadline - minimum + 1 (24; 22 was 7.4's release candidates, absolute deadlines and no minimum);
    /// and a listpack of (field, value, deadline or 0) triples after the minimum (25; 23 without the minimum).
    /// Cinnabar writes 24 for a hash while one of its fields has a deadline.
    case hashMetadataPreGA = 22, hashListpackExPreGA = 23, hashMetadata = 24, hashListpackEx = 25
}

/// The latest field deadline Redis 7.4 accepts in an RDB file (EB_EXPIRE_TIME_MAX, 2^48 - 1 ms).
let rdbMaxFieldDeadline: Int64 = (1 << 48) - 1

/// The RDB version Redis 7.2 writes (DUMP payload footers carry it).
public let rdbVersion: UInt16 = 11

/// Redis 7.4's RDB version: what a DUMP payload of a hash with field deadlines says (Redis 7.2 would refuse the
/// type anyway), and the highest version Cinnabar reads (7.4 added only the hash types 22-25, which it reads).
public let rdbVersionFieldDeadlines: UInt16 = 12

extension Value {
    /// Whether the value needs RDB 12: a hash with a field deadline.
    var needsFieldDeadlineRDB: Bool {
        type == .hash && unsafeDowncast(collection, to: HashValue.self).hasFieldDeadlines
    }
}

public struct RDBFormatError: Error, Sendable {}

// MARK: - Writing

public struct RDBWriter {
    public internal(set) var bytes: [UInt8] = []
    /// RDB files' string forms (rdbSaveRawString): integers of up to 11 characters as int encodings, and
    /// strings over 20 bytes LZF-compressed when `compress` and that saves space. DUMP payloads stay raw.
    public var compact = false
    public var compress = false
    public init() {}

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// rdbSaveLen.
    mutating func length(_ n: Int) { length(UInt64(n)) }

    /// rdbSaveLen of a 64-bit quantity (stream IDs; entries-read's -1 is written as its bit pattern, as Redis does).
    mutating func length(_ n: UInt64) {
        if n < 1 << 6 {
            bytes.append(UInt8(n))
        } else if n < 1 << 14 {
            bytes.append(UInt8(0x40 | (n >> 8)))
            bytes.append(UInt8(n & 0xFF))
        } else if n <= UInt64(UInt32.max) {
            bytes.append(0x80)
            withUnsafeBytes(of: UInt32(n).bigEndian) { bytes.append(contentsOf: $0) }
        } else {
            bytes.append(0x81)
            withUnsafeBytes(of: n.bigEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// rdbSaveRawString (raw form unless `compact`; Redis reads it whatever it would have chosen).
    mutating func string(_ s: UnsafeRawBufferPointer) {
        if compact {
            if s.count <= 11, s.count > 0, let n = parseInt64(s), n >= Int64(Int32.min), n <= Int64(Int32.max) {
                integer(n)
                return
            }
            if compress && s.count > 20, let c = lzfCompress(s, maxOutputLength: s.count - 4) {
                bytes.append(0xC3)
                length(c.count)
                length(s.count)
                bytes.append(contentsOf: c)
                return
            }
        }
        length(s.count)
        bytes.append(contentsOf: s)
    }

    /// rdbEncodeInteger: the 8, 16 or 32-bit int encoding of a string (the caller checked the range).
    mutating func integer(_ n: Int64) {
        if n >= -(1 << 7) && n < 1 << 7 {
            bytes.append(0xC0)
            bytes.append(UInt8(truncatingIfNeeded: n))
        } else if n >= -(1 << 15) && n < 1 << 15 {
            bytes.append(0xC1)
            withUnsafeBytes(of: Int16(n).littleEndian) { bytes.append(contentsOf: $0) }
        } else {
            bytes.append(0xC2)
            withUnsafeBytes(of: Int32(n).littleEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// A string given as Swift text (aux fields).
    mutating func string(_ s: String) {
        var copy = s
        copy.withUTF8 { string(UnsafeRawBufferPointer($0)) }
    }

    mutating func double(_ d: Double) {
        withUnsafeBytes(of: d.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// rdbSaveObjectType + rdbSaveObject for one value.
    public mutating func value(_ v: Value) {
        if v.isString {
            byte(RDBType.string.rawValue)
            v.withStringBytes { string($0) }
            return
        }
        switch v.type {
        case .list:
            let list = unsafeDowncast(v.collection, to: ListValue.self)
            byte(RDBType.list.rawValue)
            length(list.count)
            list.forEach { string($0) }
        case .set:
            let set = unsafeDowncast(v.collection, to: SetValue.self)
            byte(RDBType.set.rawValue)
            length(set.count)
            set.forEach { m in m.withBytes { string($0) } }
        case .zset:
            let z = unsafeDowncast(v.collection, to: ZSetValue.self)
            byte(RDBType.zset2.rawValue)
            length(z.count)
            // Redis writes a skiplist from the tail; either order loads the same set.
            z.forEach { m, s in
                string(m)
                double(s)
            }
        case .stream:
            stream(unsafeDowncast(v.collection, to: StreamValue.self))
        case .hash:
            let h = unsafeDowncast(v.collection, to: HashValue.self)
            if let deadlines = h.deadlines, let minimum = deadlines.minimum {
                // rdbSaveObject's RDB_TYPE_HASH_METADATA: TTLs relative to the earliest deadline, so they stay short.
                byte(RDBType.hashMetadata.rawValue)
                millisecondTime(minimum)
                length(h.count)
                h.forEach { f, val in
                    length(deadlines.deadline(f).map { UInt64($0 - minimum + 1) } ?? 0)
                    string(f)
                    string(val)
                }
                return
            }
            byte(RDBType.hash.rawValue)
            length(h.count)
            h.forEach { f, val in
                string(f)
                string(val)
            }
        default:
            byte(RDBType.string.rawValue)
            length(0)
        }
    }
}

// MARK: - Reading

/// Limits and encodings for the values a loader builds.
public struct RDBLoadLimits: Sendable {
    public var list = ListLimits()
    public var set = SetLimits()
    public var zset = ZSetLimits()
    public var hash = HashLimits()
    public init(list: ListLimits, set: SetLimits, zset: ZSetLimits, hash: HashLimits) {
        self.list = list
        self.set = set
        self.zset = zset
        self.hash = hash
    }
}

public struct RDBReader {
    let data: [UInt8]
    var position = 0

    public init(_ data: [UInt8]) { self.data = data }

    public var atEnd: Bool { position >= data.count }

    mutating func byte() throws(RDBFormatError) -> UInt8 {
        guard position < data.count else { throw RDBFormatError() }
        defer { position += 1 }
        return data[position]
    }

    mutating func take(_ n: Int) throws(RDBFormatError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= data.count - position else { throw RDBFormatError() }
        defer { position += n }
        return data[position..<(position + n)]
    }

    /// rdbLoadLenByRef: (length, isEncoded) where an encoded "length" is the special string encoding.
    mutating func lengthOrEncoding() throws(RDBFormatError) -> (Int, Bool) {
        let b = try byte()
        switch b >> 6 {
        case 0: return (Int(b & 0x3F), false)
        case 1: return (Int(b & 0x3F) << 8 | Int(try byte()), false)
        case 2:
            if b == 0x80 {
                let s = try take(4)
                return (s.reduce(0) { $0 << 8 | Int($1) }, false)
            }
            if b == 0x81 {
                let s = try take(8)
                let v = s.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                guard v <= UInt64(Int.max) else { throw RDBFormatError() }
                return (Int(v), false)
            }
            throw RDBFormatError()
        default: return (Int(b & 0x3F), true)
        }
    }

    mutating func length() throws(RDBFormatError) -> Int {
        let (n, encoded) = try lengthOrEncoding()
        if encoded { throw RDBFormatError() }
        return n
    }

    /// rdbLoadLen of a full 64-bit quantity (stream IDs and counters).
    mutating func length64() throws(RDBFormatError) -> UInt64 {
        let b = try byte()
        if b == 0x81 {
            let s = try take(8)
            return s.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        position -= 1
        return UInt64(try length())
    }

    /// rdbGenericLoadStringObject: raw, int8/16/32 or LZF.
    mutating func string() throws(RDBFormatError) -> [UInt8] {
        let (n, encoded) = try lengthOrEncoding()
        if !encoded { return Array(try take(n)) }
        switch n {
        case 0: return Array(String(Int8(bitPattern: try byte())).utf8)
        case 1:
            let s = try take(2)
            return Array(String(Int16(bitPattern: UInt16(s[s.startIndex]) | UInt16(s[s.startIndex + 1]) << 8)).utf8)
        case 2:
            let s = try take(4)
            var v: UInt32 = 0
            for (i, b) in s.enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
            return Array(String(Int32(bitPattern: v)).utf8)
        case 3:
            let compressed = try length()
            let plain = try length()
            let c = Array(try take(compressed))
            guard let out = lzfDecompress(c, expectedLength: plain), out.count == plain else { throw RDBFormatError() }
            return out
        default: throw RDBFormatError()
        }
    }

    mutating func binaryDouble() throws(RDBFormatError) -> Double {
        let s = try take(8)
        var v: UInt64 = 0
        for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return Double(bitPattern: v)
    }

    /// RDB_TYPE_ZSET's scores: a length-prefixed text (253 nan, 254 +inf, 255 -inf).
    mutating func textDouble() throws(RDBFormatError) -> Double {
        let n = try byte()
        switch n {
        case 253: return .nan
        case 254: return .infinity
        case 255: return -.infinity
        default:
            let s = try take(Int(n))
            guard let d = Double(String(decoding: s, as: UTF8.self)) else { throw RDBFormatError() }
            return d
        }
    }

    /// rdbLoadObject for one value of type `type`.
    public mutating func value(type rawType: UInt8, limits: RDBLoadLimits) throws(RDBFormatError) -> Value {
        guard let type = RDBType(rawValue: rawType) else { throw RDBFormatError() }
        switch type {
        case .string:
            let s = try string()
            return s.withUnsafeBytes { Value(string: $0) }
        case .list:
            let n = try length()
            var items: [[UInt8]] = []
            for _ in 0..<n { items.append(try string()) }
            return makeList(items, limits.list)
        case .listZiplist:
            let items = try RDBReader.ziplistEntries(try string())
            guard !items.isEmpty else { throw RDBFormatError() }
            return makeList(items, limits.list)
        case .listQuicklist:
            let nodes = try length()
            var items: [[UInt8]] = []
            for _ in 0..<nodes { items.append(contentsOf: try RDBReader.ziplistEntries(try string())) }
            guard !items.isEmpty else { throw RDBFormatError() }
            return makeList(items, limits.list)
        case .listQuicklist2:
            let nodes = try length()
            var items: [[UInt8]] = []
            for _ in 0..<nodes {
                let container = try length()
                let blob = try string()
                if container == 1 {
                    items.append(blob)
                } else if container == 2 {
                    items.append(contentsOf: try RDBReader.listpackEntries(blob))
                } else {
                    throw RDBFormatError()
                }
            }
            guard !items.isEmpty else { throw RDBFormatError() }
            return makeList(items, limits.list)
        case .set, .setIntset, .setListpack:
            var members: [[UInt8]] = []
            if type == .set {
                let n = try length()
                for _ in 0..<n { members.append(try string()) }
            } else if type == .setIntset {
                members = try RDBReader.intsetEntries(try string())
            } else {
                members = try RDBReader.listpackEntries(try string())
            }
            guard let first = members.first else { throw RDBFormatError() }
            let set = first.withUnsafeBytes { SetValue.forMembers(first: $0, sizeHint: members.count, limits: limits.set) }
            for m in members { _ = m.withUnsafeBytes { set.add($0, limits: limits.set) } }
            return Value(object: set, type: .set)
        case .zset, .zset2, .zsetListpack, .zsetZiplist:
            var pairs: [([UInt8], Double)] = []
            if type == .zsetListpack || type == .zsetZiplist {
                let blob = try string()
                let entries = type == .zsetListpack
                    ? try RDBReader.listpackEntries(blob) : try RDBReader.ziplistEntries(blob)
                guard entries.count % 2 == 0 else { throw RDBFormatError() }
                var i = 0
                while i < entries.count {
                    guard let d = Double(String(decoding: entries[i + 1], as: UTF8.self)) else { throw RDBFormatError() }
                    pairs.append((entries[i], d))
                    i += 2
                }
            } else {
                let n = try length()
                for _ in 0..<n {
                    let m = try string()
                    pairs.append((m, type == .zset2 ? try binaryDouble() : try textDouble()))
                }
            }
            guard !pairs.isEmpty else { throw RDBFormatError() }
            let longest = pairs.reduce(0) { max($0, $1.0.count) }
            let z = ZSetValue(sizeHint: pairs.count, memberLengthHint: longest, limits: limits.zset)
            for (m, s) in pairs {
                if s.isNaN { throw RDBFormatError() }
                _ = m.withUnsafeBytes { z.add($0, score: s, options: [], limits: limits.zset) }
            }
            return Value(object: z, type: .zset)
        case .hashMetadata, .hashMetadataPreGA:
            let minimum = type == .hashMetadata ? try millisecondTime() : 1
            let n = try length()
            guard n > 0, n <= data.count - position else { throw RDBFormatError() }
            var entries: [[UInt8]] = []
            var deadlines: [Int64] = []
            for _ in 0..<n {
                let ttl = try length64()
                guard ttl <= UInt64(rdbMaxFieldDeadline) else { throw RDBFormatError() }
                deadlines.append(ttl == 0 ? 0 : Int64(ttl) + minimum - 1)
                entries.append(try string())
                entries.append(try string())
            }
            return try makeHash(entries, deadlines: deadlines, limits.hash)
        case .hashListpackEx, .hashListpackExPreGA:
            if type == .hashListpackEx { _ = try millisecondTime() }
            let triples = try RDBReader.listpackEntries(try string())
            guard !triples.isEmpty, triples.count % 3 == 0 else { throw RDBFormatError() }
            var entries: [[UInt8]] = []
            var deadlines: [Int64] = []
            var i = 0
            while i < triples.count {
                entries.append(triples[i])
                entries.append(triples[i + 1])
                guard let at = triples[i + 2].withUnsafeBytes({ parseInt64($0) }) else { throw RDBFormatError() }
                deadlines.append(at)
                i += 3
            }
            return try makeHash(entries, deadlines: deadlines, limits.hash)
        case .hash, .hashListpack, .hashZiplist:
            var entries: [[UInt8]] = []
            if type == .hash {
                let n = try length()
                // Every string takes at least a byte: a count beyond the data is corrupt (and 2·n cannot overflow).
                guard n <= data.count - position else { throw RDBFormatError() }
                for _ in 0..<(2 * n) { entries.append(try string()) }
            } else if type == .hashZiplist {
                entries = try RDBReader.ziplistEntries(try string())
            } else {
                entries = try RDBReader.listpackEntries(try string())
            }
            return try makeHash(entries, deadlines: nil, limits.hash)
        case .streamListpacks, .streamListpacks2, .streamListpacks3:
            return Value(object: try stream(type: type), type: .stream)
        }
    }

    /// A hash of field, value pairs; `deadlines` (one per pair, 0 for none) gives fields their deadlines.
    func makeHash(_ entries: [[UInt8]], deadlines: [Int64]?, _ limits: HashLimits) throws(RDBFormatError) -> Value {
        guard !entries.isEmpty, entries.count % 2 == 0 else { throw RDBFormatError() }
        let h = HashValue()
        let longest = entries.reduce(0) { max($0, $1.count) }
        let total = entries.reduce(0) { $0 + $1.count }
        h.prepareForWrite(pairs: entries.count / 2, longest: longest, totalBytes: total, limits: limits)
        var i = 0
        while i < entries.count {
            entries[i].withUnsafeBytes { f in
                entries[i + 1].withUnsafeBytes { v in _ = h.set(f, v, limits: limits) }
            }
            if let deadlines, deadlines[i / 2] != 0 {
                let at = deadlines[i / 2]
                guard at > 0, at <= rdbMaxFieldDeadline else { throw RDBFormatError() }
                entries[i].withUnsafeBytes { h.setFieldDeadline($0, at: at) }
            }
            i += 2
        }
        // A field listed twice (corrupt data) would leave fewer fields than pairs.
        guard h.count == entries.count / 2 else { throw RDBFormatError() }
        return Value(object: h, type: .hash)
    }

    func makeList(_ items: [[UInt8]], _ limits: ListLimits) -> Value {
        let list = ListValue()
        list.prepareForAdding(bytes: items.reduce(0) { $0 + $1.count }, count: items.count, limits: limits)
        for item in items { item.withUnsafeBytes { list.push($0, at: .tail, limits: limits) } }
        return Value(object: list, type: .list)
    }

    // MARK: - Compact encodings

    /// The members of an intset blob (encoding, length, little-endian integers).
    static func intsetEntries(_ blob: [UInt8]) throws(RDBFormatError) -> [[UInt8]] {
        guard blob.count >= 8 else { throw RDBFormatError() }
        func le(_ at: Int, _ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(blob[at + i]) << (8 * UInt64(i)) }
            return v
        }
        let width = Int(le(0, 4))
        let count = Int(le(4, 4))
        guard [2, 4, 8].contains(width), blob.count == 8 + width * count, count > 0 else { throw RDBFormatError() }
        var out: [[UInt8]] = []
        for i in 0..<count {
            let raw = le(8 + i * width, width)
            let v: Int64
            switch width {
            case 2: v = Int64(Int16(truncatingIfNeeded: raw))
            case 4: v = Int64(Int32(truncatingIfNeeded: raw))
            default: v = Int64(bitPattern: raw)
            }
            out.append(Array(String(v).utf8))
        }
        return out
    }

    /// The entries of a ziplist blob (RDB files of Redis before 7.0) as strings (integers in decimal).
    static func ziplistEntries(_ blob: [UInt8]) throws(RDBFormatError) -> [[UInt8]] {
        guard blob.count >= 11 else { throw RDBFormatError() }
        func le(_ at: Int, _ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(blob[at + i]) << (8 * UInt64(i)) }
            return v
        }
        func signed(_ at: Int, _ n: Int) -> Int64 {
            let shift = UInt64(64 - 8 * n)
            return Int64(bitPattern: le(at, n) << shift) >> Int64(shift)
        }
        let total = Int(le(0, 4))
        guard total == blob.count, blob[total - 1] == 0xFF else { throw RDBFormatError() }
        var out: [[UInt8]] = []
        var p = 10
        func need(_ n: Int) throws(RDBFormatError) { if n < 0 || p + n > total - 1 { throw RDBFormatError() } }
        while p < total - 1 {
            try need(1)
            p += blob[p] < 254 ? 1 : 5
            try need(1)
            let b = blob[p]
            switch b >> 6 {
            case 0:
                let n = Int(b & 0x3F)
                try need(1 + n)
                out.append(Array(blob[(p + 1)..<(p + 1 + n)]))
                p += 1 + n
            case 1:
                try need(2)
                let n = Int(b & 0x3F) << 8 | Int(blob[p + 1])
                try need(2 + n)
                out.append(Array(blob[(p + 2)..<(p + 2 + n)]))
                p += 2 + n
            case 2:
                try need(5)
                let n = Int(blob[p + 1]) << 24 | Int(blob[p + 2]) << 16 | Int(blob[p + 3]) << 8 | Int(blob[p + 4])
                try need(5 + n)
                out.append(Array(blob[(p + 5)..<(p + 5 + n)]))
                p += 5 + n
            default:
                let v: Int64
                switch b {
                case 0xC0: try need(3); v = signed(p + 1, 2); p += 3
                case 0xD0: try need(5); v = signed(p + 1, 4); p += 5
                case 0xE0: try need(9); v = signed(p + 1, 8); p += 9
                case 0xF0: try need(4); v = signed(p + 1, 3); p += 4
                case 0xFE: try need(2); v = signed(p + 1, 1); p += 2
                case 0xF1...0xFD: v = Int64(b & 0x0F) - 1; p += 1
                default: throw RDBFormatError()
                }
                out.append(Array(String(v).utf8))
            }
        }
        return out
    }

    /// The entries of a listpack blob as strings (integers in decimal).
    static func listpackEntries(_ blob: [UInt8]) throws(RDBFormatError) -> [[UInt8]] {
        guard blob.count >= 7 else { throw RDBFormatError() }
        let total = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard total == blob.count, blob[total - 1] == 0xFF else { throw RDBFormatError() }
        var out: [[UInt8]] = []
        var p = 6
        func need(_ n: Int) throws(RDBFormatError) { if p + n > total - 1 { throw RDBFormatError() } }
        func int(_ at: Int, _ n: Int) -> Int64 {
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(blob[at + i]) << (8 * UInt64(i)) }
            let shift = UInt64(64 - 8 * n)
            return Int64(bitPattern: v << shift) >> Int64(shift)
        }
        while p < total - 1 {
            let b = blob[p]
            let start = p
            if b & 0x80 == 0 {
                out.append(Array(String(b & 0x7F).utf8))
                p += 1
            } else if b & 0xC0 == 0x80 {
                let n = Int(b & 0x3F)
                try need(1 + n)
                out.append(Array(blob[(p + 1)..<(p + 1 + n)]))
                p += 1 + n
            } else if b & 0xE0 == 0xC0 {
                try need(2)
                var v = Int(b & 0x1F) << 8 | Int(blob[p + 1])
                if v >= 1 << 12 { v -= 1 << 13 }
                out.append(Array(String(v).utf8))
                p += 2
            } else if b & 0xF0 == 0xE0 {
                try need(2)
                let n = Int(b & 0x0F) << 8 | Int(blob[p + 1])
                try need(2 + n)
                out.append(Array(blob[(p + 2)..<(p + 2 + n)]))
                p += 2 + n
            } else if b == 0xF0 {
                try need(5)
                let n = Int(int(p + 1, 4) & 0xFFFF_FFFF)
                try need(5 + n)
                out.append(Array(blob[(p + 5)..<(p + 5 + n)]))
                p += 5 + n
            } else {
                let width: Int
                switch b {
                case 0xF1: width = 2
                case 0xF2: width = 3
                case 0xF3: width = 4
                case 0xF4: width = 8
                default: throw RDBFormatError()
                }
                try need(1 + width)
                out.append(Array(String(int(p + 1, width)).utf8))
                p += 1 + width
            }
            // Skip the entry's back-length.
            p += listpackBacklenSize(p - start)
            if p > total - 1 { throw RDBFormatError() }
        }
        return out
    }
}

// MARK: - DUMP payloads

/// DUMP's serialization: type, value, RDB version (2 bytes LE), CRC64 of everything before (8 bytes LE).
public func dumpPayload(_ v: Value) -> [UInt8] {
    var w = RDBWriter()
    w.value(v)
    var bytes = w.bytes
    let version = v.needsFieldDeadlineRDB ? rdbVersionFieldDeadlines : rdbVersion
    withUnsafeBytes(of: version.littleEndian) { bytes.append(contentsOf: $0) }
    let crc = crc64(0, bytes)
    withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
    return bytes
}

/// verifyDumpPayload: a known RDB version and a matching checksum.
public func verifyDumpPayload(_ p: UnsafeRawBufferPointer) -> Bool {
    guard p.count >= 10 else { return false }
    let version = UInt16(p[p.count - 10]) | UInt16(p[p.count - 9]) << 8
    guard version <= rdbVersionFieldDeadlines else { return false }
    var stored: UInt64 = 0
    for i in 0..<8 { stored |= UInt64(p[p.count - 8 + i]) << (8 * UInt64(i)) }
    return crc64(0, UnsafeRawBufferPointer(rebasing: p[0..<(p.count - 8)])) == stored
}

/// The value of a verified DUMP payload.
public func loadDumpPayload(_ p: UnsafeRawBufferPointer, limits: RDBLoadLimits) throws(RDBFormatError) -> Value {
    var r = RDBReader(Array(p[0..<(p.count - 10)]))
    let type = try r.byte()
    let v = try r.value(type: type, limits: limits)
    guard r.atEnd else { throw RDBFormatError() }
    return v
}
