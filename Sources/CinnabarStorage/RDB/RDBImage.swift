// A whole RDB image of the keyspace built in memory, synchronously, on the event loop: the payload of a full
// resynchronization (SYNC/PSYNC). It is the format RDBSnapshot writes to files (same writer, same order: aux
// fields, function libraries, then per database SELECTDB, RESIZEDB and the keys, EOF, CRC64), read straight from
// the tables, so nothing is stamped or hooked and a background save running meanwhile is not disturbed.
// SPDX-License-Identifier: BSD-3-Clause

extension Keyspace {
    /// The dataset as an RDB image.
    ///
    /// The header names the lowest RDB version that can hold the image: Cinnabar writes strings, lists, sets,
    /// sorted sets and hashes in their plain forms and function libraries with FUNCTION2, all of which RDB 10
    /// (Redis 7.0) defines, so the image says 10 and Redis 7.0 replicas load it as well as Redis 7.2 ones (7.0
    /// refuses version 11 outright). A type RDB 10 lacks makes it say `rdbVersion`, and a hash with field deadlines
    /// (RDB_TYPE_HASH_METADATA) 12.
    public func rdbImage(aux: [(String, String)], functionLibraries: [[UInt8]], compress: Bool,
                         checksum: Bool) -> [UInt8] {
        var writer = RDBWriter()
        writer.compact = true
        writer.compress = compress
        var version: UInt16 = 10
        for db in databases where db.keys.count > 0 {
            for i in 0..<db.keys.count {
                let value = db.keys.entry(i).pointee.value
                switch value.type {
                case .string, .list, .set, .zset: break
                case .hash: if value.needsFieldDeadlineRDB { version = rdbVersionFieldDeadlines }
                default: version = max(version, rdbVersion)
                }
            }
        }
        writer.bytes.append(contentsOf: Array("REDIS00\(version)".utf8))
        for (k, v) in aux { writer.aux(k, v) }
        for code in functionLibraries { writer.functionLibrary(code) }
        for db in databases where db.keys.count > 0 {
            writer.selectDB(db.id)
            writer.resizeDB(keys: db.keys.count, expires: db.expires.count)
            for i in 0..<db.keys.count {
                let e = db.keys.entry(i)
                var expire: Int64? = nil
                if db.expires.count > 0 {
                    expire = e.pointee.key.withUnsafeBytes { k in
                        db.expires.find(k, hash: UInt64(e.pointee.hash)).map { db.expires.entry($0).pointee.value }
                    }
                }
                e.pointee.key.withUnsafeBytes { writer.entry(key: $0, value: e.pointee.value, expire: expire) }
            }
        }
        writer.byte(RDBOpcode.eof)
        let crc = checksum ? crc64(0, writer.bytes) : 0
        withUnsafeBytes(of: crc.littleEndian) { writer.bytes.append(contentsOf: $0) }
        return writer.bytes
    }
}
