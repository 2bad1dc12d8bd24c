// Redis's RDB file (rdb.c rdbSaveRio / rdbLoadRio): the "REDIS0011" header, aux fields, then per database a
// SELECTDB and RESIZEDB opcode followed by its keys (each optionally preceded by EXPIRETIME_MS), an EOF opcode and
// the CRC64 of everything before it. Values use the codec in RDBValue.swift. Writing emits the opcodes into an
// `RDBWriter` buffer that the snapshot (RDBSnapshot.swift) hands to its file writer chunk by chunk; reading loads a
// whole file into a keyspace and accepts what Redis 2.6 to 7.2 write (RDB versions up to 11), including the
// opcodes Cinnabar has no use for (module aux data, LRU/LFU hints, function libraries, which it returns raw).
// SPDX-License-Identifier: BSD-3-Clause

/// RDB opcodes (rdb.h).
enum RDBOpcode {
    static let function2: UInt8 = 245
    static let functionPreGA: UInt8 = 246
    static let moduleAux: UInt8 = 247
    static let idle: UInt8 = 248
    static let freq: UInt8 = 249
    static let aux: UInt8 = 250
    static let resizeDB: UInt8 = 251
    static let expireTimeMilliseconds: UInt8 = 252
    static let expireTimeSeconds: UInt8 = 253
    static let selectDB: UInt8 = 254
    static let eof: UInt8 = 255
}

// MARK: - Writing

extension RDBWriter {
    /// The magic and version: "REDIS0011", or "REDIS0012" when `fieldDeadlines` (a hash with field deadlines will
    /// be written as RDB_TYPE_HASH_METADATA, which only Redis 7.4 and later read: Redis 7.2 then refuses the file at
    /// its header rather than in the middle of loading it).
    public mutating func fileHeader(fieldDeadlines: Bool = false) {
        bytes.append(contentsOf: Array("REDIS00\(fieldDeadlines ? rdbVersionFieldDeadlines : rdbVersion)".utf8))
    }

    /// An aux field (RDB_OPCODE_AUX, key, value).
    public mutating func aux(_ key: String, _ value: String) {
        byte(RDBOpcode.aux)
        string(key)
        string(value)
    }

    /// A function library (RDB_OPCODE_FUNCTION2 and its code), written after the aux fields as Redis does.
    public mutating func functionLibrary(_ code: [UInt8]) {
        byte(RDBOpcode.function2)
        code.withUnsafeBytes { string($0) }
    }

    /// SELECTDB: the database of the keys that follow.
    public mutating func selectDB(_ id: Int) {
        byte(RDBOpcode.selectDB)
        length(id)
    }

    /// RESIZEDB: the sizes of the database and its expires table, a hint for the loader.
    public mutating func resizeDB(keys: Int, expires: Int) {
        byte(RDBOpcode.resizeDB)
        length(keys)
        length(expires)
    }

    /// One key: EXPIRETIME_MS when it has a deadline, the value's type, the key, the value.
    public mutating func entry(key: UnsafeRawBufferPointer, value: Value, expire: Int64?) {
        if let expire {
            byte(RDBOpcode.expireTimeMilliseconds)
            withUnsafeBytes(of: expire.littleEndian) { bytes.append(contentsOf: $0) }
        }
        // The type byte comes first; `value(_:)` writes it followed by the payload, so the key goes in between.
        var payload = RDBWriter()
        payload.compact = compact
        payload.compress = compress
        payload.value(value)
        byte(payload.bytes[0])
        string(key)
        bytes.append(contentsOf: payload.bytes[1...])
    }

    /// Takes the bytes written so far, leaving the writer empty (the snapshot hands them to its file writer).
    public mutating func drain() -> [UInt8] {
        let out = bytes
        bytes.removeAll(keepingCapacity: true)
        return out
    }

    public var count: Int { bytes.count }
}

// MARK: - Reading

/// Why a file could not be loaded; `message` is what the server logs.
public struct RDBLoadError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a load found besides the keys.
public struct RDBLoadSummary: Sendable {
    public var version = 0
    public var keysLoaded = 0
    /// Keys skipped because their deadline had passed (Redis does this when loading as a master).
    public var expiredSkipped = 0
    public var aux: [(key: String, value: String)] = []
    /// The code of every function library (RDB_OPCODE_FUNCTION2), for scripting to load.
    public var functionLibraries: [[UInt8]] = []
}

public enum RDBFile {
    /// Loads RDB file contents into `keyspace` (whose databases should be empty). Keys whose deadline is before
    /// `now` are skipped. Throws on anything malformed, leaving the keys loaded so far in place; the caller
    /// decides (startup stops, DEBUG RELOAD reports the error).
    public static func load(_ data: [UInt8], into keyspace: Keyspace, limits: RDBLoadLimits,
                            now: Int64, verifyChecksum: Bool = true,
                            allowDuplicates: Bool = false) throws(RDBLoadError) -> RDBLoadSummary {
        var summary = RDBLoadSummary()
        guard data.count >= 9, data[0..<5].elementsEqual("REDIS".utf8) else {
            throw RDBLoadError("Wrong signature trying to load DB from file")
        }
        guard let version = Int(String(decoding: data[5..<9], as: UTF8.self)), version >= 1 else {
            throw RDBLoadError("Wrong signature trying to load DB from file")
        }
        guard version <= Int(rdbVersionFieldDeadlines) else {
            throw RDBLoadError("Can't handle RDB format version \(version)")
        }
        summary.version = version
        var r = RDBReader(data)
        r.position = 9
        var db = keyspace.databases.first
        var expire: Int64? = nil
        do {
            while true {
                let type = try r.byte()
                switch type {
                case RDBOpcode.expireTimeMilliseconds:
                    let s = try r.take(8)
                    var v: UInt64 = 0
                    for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
                    expire = Int64(bitPattern: v)
                    continue
                case RDBOpcode.expireTimeSeconds:
                    let s = try r.take(4)
                    var v: UInt32 = 0
                    for (i, b) in s.enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
                    expire = Int64(Int32(bitPattern: v)) * 1000
                    continue
                case RDBOpcode.freq:
                    _ = try r.byte()
                    continue
                case RDBOpcode.idle:
                    _ = try r.length()
                    continue
                case RDBOpcode.eof:
                    if version >= 5 {
                        let end = r.position
                        let s = try r.take(8)
                        var stored: UInt64 = 0
                        for (i, b) in s.enumerated() { stored |= UInt64(b) << (8 * UInt64(i)) }
                        // A zero checksum means the writer had rdbchecksum off.
                        if verifyChecksum && stored != 0 {
                            let computed = data.withUnsafeBytes { crc64(0, UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
                            if computed != stored {
                                throw RDBLoadError("Wrong RDB checksum expected: (\(hex(stored))) got: (\(hex(computed))). Aborting now.")
                            }
                        }
                    }
                    return summary
                case RDBOpcode.selectDB:
                    let id = try r.length()
                    guard id < keyspace.databases.count else {
                        throw RDBLoadError("FATAL: Data file was created with a Redis server configured to handle more than \(keyspace.databases.count) databases. Exiting\n")
                    }
                    db = keyspace.databases[id]
                    continue
                case RDBOpcode.resizeDB:
                    _ = try r.length()
                    _ = try r.length()
                    continue
                case RDBOpcode.aux:
                    let k = try r.string()
                    let v = try r.string()
                    summary.aux.append((String(decoding: k, as: UTF8.self), String(decoding: v, as: UTF8.self)))
                    continue
                case RDBOpcode.moduleAux:
                    _ = try r.length()  // module id
                    _ = try r.length()  // when opcode
                    _ = try r.length()  // when
                    try r.skipModuleValue()
                    continue
                case RDBOpcode.function2:
                    summary.functionLibraries.append(try r.string())
                    continue
                case RDBOpcode.functionPreGA:
                    throw RDBLoadError("Pre-release function format not supported.")
                default:
                    break
                }
                let key = try r.string()
                let value: Value
                switch type {
                case 6, 7:
                    throw RDBLoadError("The RDB file contains module data I can't load: no matching module")
                case 9:
                    throw RDBLoadError("The RDB file contains a zipmap-encoded hash (Redis 2.4), which is not supported")
                default:
                    guard RDBType(rawValue: type) != nil else { throw RDBLoadError("Unknown RDB encoding type \(type)") }
                    value = try r.value(type: type, limits: limits)
                }
                defer { expire = nil }
                if let e = expire, e < now {
                    summary.expiredSkipped += 1
                    continue
                }
                guard let target = db else { throw RDBLoadError("No database to load into") }
                var added = key.withUnsafeBytes { target.insertLoaded($0, value, expire: expire) }
                if !added && allowDuplicates {
                    // DEBUG RELOAD MERGE: the file's value wins (RDBFLAGS_ALLOW_DUP).
                    key.withUnsafeBytes { k in
                        _ = target.take(k)
                        added = target.insertLoaded(k, value, expire: expire)
                    }
                }
                guard added else {
                    throw RDBLoadError("RDB has duplicated key '\(String(decoding: key, as: UTF8.self))' in DB \(target.id)")
                }
                summary.keysLoaded += 1
            }
        } catch let e as RDBLoadError {
            throw e
        } catch {
            throw RDBLoadError("Short read or OOM loading DB. Unrecoverable error, aborting now.")
        }
    }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 16 - s.count)) + s
    }
}

extension RDBReader {
    /// Skips a module value's annotated payload up to RDB_MODULE_OPCODE_EOF (rdbLoadCheckModuleValue).
    mutating func skipModuleValue() throws {
        while true {
            let opcode = try length()
            switch opcode {
            case 0: return
            case 1, 2: _ = try length()
            case 3: _ = try take(4)
            case 4: _ = try take(8)
            case 5: _ = try string()
            default: throw RDBFormatError()
            }
        }
    }
}

extension Database {
    /// Inserts a loaded key without the write hooks (no dirty count, notifications or blocked-client signals).
    /// Returns false when the key exists already.
    public func insertLoaded(_ key: UnsafeRawBufferPointer, _ value: Value, expire: Int64?) -> Bool {
        let h = keyHash(key)
        guard keys.find(key, hash: h) == nil else { return false }
        keys.insert(KeyCell(key: key, value: value, lru: keyspace.newStamp, epoch: keyspace.saveEpoch), hash: h)
        if let expire { expires.insert(Bytes(key), hash: h, value: expire) }
        if value.type == .hash { noteHashStored(key, value) }
        return true
    }
}
