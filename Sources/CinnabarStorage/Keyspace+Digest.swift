// DEBUG DIGEST and DEBUG DIGEST-VALUE: Redis's dataset fingerprint, bit for bit, so a dataset compares equal
// across Redis and Cinnabar (the Redis test suite uses it to check that reloads and replicas hold the same data).
// xorDigest folds SHA1(data) into the digest (order-independent); mixDigest also re-hashes it (order-dependent).
// SPDX-License-Identifier: BSD-3-Clause

public enum Digest {
    public static func xor(_ digest: inout [UInt8], _ bytes: UnsafeRawBufferPointer) {
        let h = SHA1.hash(bytes)
        for j in 0..<20 { digest[j] ^= h[j] }
    }

    public static func mix(_ digest: inout [UInt8], _ bytes: UnsafeRawBufferPointer) {
        xor(&digest, bytes)
        digest = SHA1.hash(digest)
    }

    static func mixInt32BigEndian(_ digest: inout [UInt8], _ v: UInt32) {
        withUnsafeBytes(of: v.bigEndian) { mix(&digest, $0) }
    }

    /// Redis's object type codes (OBJ_STRING = 0, LIST = 1, SET = 2, ZSET = 3, HASH = 4, STREAM = 6).
    static func typeCode(_ t: ValueType) -> UInt32 {
        switch t {
        case .string: 0
        case .list: 1
        case .set: 2
        case .zset: 3
        case .hash: 4
        case .stream: 6
        }
    }
}

/// A collection type mixes its elements into a value digest as Redis's xorObjectDigest does for it.
public protocol DigestibleValue {
    func mixDigest(into digest: inout [UInt8])
}

extension Database {
    /// xorObjectDigest: mixes one key's value (and whether it has a TTL) into `digest`.
    public func mixValueDigest(_ digest: inout [UInt8], _ key: UnsafeRawBufferPointer, _ value: Value) {
        Digest.mixInt32BigEndian(&digest, Digest.typeCode(value.type))
        if value.isString {
            value.withStringBytes { Digest.mix(&digest, $0) }
        } else if let d = value.object as? DigestibleValue {
            d.mixDigest(into: &digest)
        }
        if expireTime(key) != nil {
            Array("!!expire!!".utf8).withUnsafeBytes { Digest.xor(&digest, $0) }
        }
    }

    /// DEBUG DIGEST-VALUE of one key.
    public func valueDigest(_ key: UnsafeRawBufferPointer, _ value: Value) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 20)
        mixValueDigest(&digest, key, value)
        return digest
    }
}

extension Keyspace {
    /// computeDatasetDigest: twenty zero bytes for an empty dataset.
    public func datasetDigest() -> [UInt8] {
        var final = [UInt8](repeating: 0, count: 20)
        for db in databases where db.count > 0 {
            Digest.mixInt32BigEndian(&final, UInt32(db.id))
            for i in 0..<db.keys.count {
                let entry = db.keys.entry(i).pointee
                var digest = [UInt8](repeating: 0, count: 20)
                entry.key.withUnsafeBytes { key in
                    Digest.mix(&digest, key)
                    db.mixValueDigest(&digest, key, entry.value)
                }
                // xorDigest: SHA1 of the key/value digest is folded into the dataset digest.
                digest.withUnsafeBytes { Digest.xor(&final, $0) }
            }
        }
        return final
    }
}
