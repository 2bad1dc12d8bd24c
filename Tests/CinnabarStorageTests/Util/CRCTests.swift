// Tests for crc64 and crc16: the check values from Redis's crc64.c self test
// and the CRC16 reference, a DUMP payload from redis-server 7.0.15 whose last
// 8 bytes are the little-endian crc64 of the rest, and the Redis Cluster
// slot examples.

import Testing
import CinnabarStorage

struct CRCTests {
    @Test func crc64Vectors() {
        #expect(crc64(0, bytes("123456789")) == 0xe9c6_d914_c4b8_d9ca)
        // Redis crc64Test hashes sizeof(li), i.e. including the trailing NUL.
        let li = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed "
            + "do eiusmod tempor incididunt ut labore et dolore magna "
            + "aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
            + "ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis "
            + "aute irure dolor in reprehenderit in voluptate velit esse "
            + "cillum dolore eu fugiat nulla pariatur. Excepteur sint "
            + "occaecat cupidatat non proident, sunt in culpa qui officia "
            + "deserunt mollit anim id est laborum."
        #expect(crc64(0, bytes(li) + [0]) == 0xc779_4709_e696_83b3)
        #expect(crc64(0, []) == 0)
    }

    @Test func crc64DumpPayload() {
        // DUMP of "hello world" from redis-server 7.0.15.
        let payload = hex("000b68656c6c6f20776f726c640a000bfc49b9a6c7a034")
        let body = Array(payload[..<(payload.count - 8)])
        let trailer = payload[(payload.count - 8)...].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(crc64(0, body) == trailer)
    }

    @Test func crc64Chaining() {
        var rng = SplitMix64(seed: 9)
        for _ in 0..<200 {
            let a = rng.bytes(Int(rng.next() % 100)), b = rng.bytes(Int(rng.next() % 100))
            #expect(crc64(crc64(0, a), b) == crc64(0, a + b))
        }
    }

    @Test func crc16Vectors() {
        #expect(crc16(bytes("123456789")) == 0x31C3)
        #expect(crc16([]) == 0)
        // CLUSTER KEYSLOT examples from the Redis docs / cluster spec.
        bytes("somekey").withUnsafeBytes { #expect(clusterKeySlot($0) == 11058) }
        bytes("foo{hash_tag}").withUnsafeBytes { #expect(clusterKeySlot($0) == 2515) }
        bytes("{user1000}.following").withUnsafeBytes { a in
            bytes("user1000").withUnsafeBytes { b in #expect(clusterKeySlot(a) == clusterKeySlot(b)) }
        }
        bytes("foo{}{bar}").withUnsafeBytes { a in
            #expect(clusterKeySlot(a) == Int(crc16(bytes("foo{}{bar}")) & 0x3FFF))
        }
    }
}
