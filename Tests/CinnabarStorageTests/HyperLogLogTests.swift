// Tests for HyperLogLog's representation: the hash and register choice, sparse → dense conversion preserving every
// register, merges, a DUMP payload of redis-server 7.2.6 decoding to an HLL with Redis's count, the estimate's
// error on a large deterministic input, and the geohash scores of GEOADD.
@testable import CinnabarStorage
import Testing

@Suite("HyperLogLog")
struct HyperLogLogTests {
    func add(_ v: inout Value, _ range: Range<Int>, maxBytes: Int = 3000) -> Int {
        var changed = 0
        for i in range {
            var s = Array("e\(i)".utf8)
            changed += s.withUnsafeMutableBytes { HyperLogLog.add(&v, UnsafeRawBufferPointer($0), sparseMaxBytes: maxBytes) }
        }
        return changed
    }

    func count(_ v: Value) -> UInt64 { v.withStringBytes { HyperLogLog.count($0)! } }

    @Test("MurmurHash64A and the register/run of an element are Redis's")
    func hashing() {
        // PFADD k a b c on redis-server 7.2.6, PFDEBUG DECODE: "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603".
        var registers: [Int: UInt8] = [:]
        for e in ["a", "b", "c"] {
            let (index, run) = Array(e.utf8).withUnsafeBytes { HyperLogLog.patternLength($0) }
            registers[index] = run
        }
        #expect(registers == [8436: 1, 12711: 2, 15780: 1])
    }

    @Test("A new HLL is sparse; sparse and dense forms hold the same registers and count")
    func sparseToDense() {
        var v = HyperLogLog.makeEmpty()
        #expect(HyperLogLog.isValid(v))
        #expect(HyperLogLog.encoding(v) == HyperLogLog.sparse)
        #expect(v.stringLength == 18)
        #expect(add(&v, 0..<300) > 0)
        #expect(HyperLogLog.encoding(v) == HyperLogLog.sparse)
        #expect(v.stringLength == 713)
        #expect(count(v) == 302)
        var merged = [UInt8](repeating: 0, count: HyperLogLog.registerCount)
        #expect(merged.withUnsafeMutableBufferPointer { HyperLogLog.merge(into: $0.baseAddress!, v) })
        var dense = v
        #expect(HyperLogLog.toDense(&dense))
        #expect(HyperLogLog.encoding(dense) == HyperLogLog.dense)
        #expect(dense.stringLength == HyperLogLog.denseSize)
        #expect(HyperLogLog.registers(dense) == merged)
        #expect(count(dense) == 302)
        // The copy converted; the original is untouched.
        #expect(HyperLogLog.encoding(v) == HyperLogLog.sparse)
        // A sparse HLL grows into a dense one at hll-sparse-max-bytes.
        var small = HyperLogLog.makeEmpty()
        _ = add(&small, 0..<10, maxBytes: 30)
        #expect(HyperLogLog.encoding(small) == HyperLogLog.dense)
    }

    @Test("Merging registers and storing them back gives the union's count")
    func merge() {
        var a = HyperLogLog.makeEmpty()
        var b = HyperLogLog.makeEmpty()
        _ = add(&a, 0..<500)
        _ = add(&b, 250..<1000)
        var both = HyperLogLog.makeEmpty()
        _ = add(&both, 0..<1000)
        var max = [UInt8](repeating: 0, count: HyperLogLog.registerCount)
        max.withUnsafeMutableBufferPointer { m in
            #expect(HyperLogLog.merge(into: m.baseAddress!, a))
            #expect(HyperLogLog.merge(into: m.baseAddress!, b))
            #expect(HyperLogLog.count(rawRegisters: m.baseAddress!) == count(both))
            var dest = HyperLogLog.makeEmpty()
            #expect(HyperLogLog.store(m.baseAddress!, into: &dest, useDense: false, sparseMaxBytes: 3000))
            #expect(count(dest) == count(both))
            #expect(dest.withStringBytes { Array($0) } == both.withStringBytes { Array($0) })
        }
        #expect(count(both) == 1008)
    }

    @Test("A sparse form that does not cover 16384 registers is corrupt")
    func corrupt() {
        let bytes = Array("HYLL".utf8) + [1] + [UInt8](repeating: 0, count: 10) + [0x80, 0x7F, 0xFF, 0x00]
        var v = bytes.withUnsafeBytes { Value(rawString: $0, markRaw: false) }
        #expect(HyperLogLog.isValid(v))
        #expect(v.withStringBytes { HyperLogLog.count($0) } == nil)
        #expect(HyperLogLog.cachedCount(&v) == nil)
        #expect(!HyperLogLog.toDense(&v))
    }

    @Test("A DUMP payload of redis-server 7.2.6 loads as the same HLL")
    func dumpFromRedis() throws {
        // DUMP of `PFADD hs a b c` on redis-server 7.2.6.
        let payload: [UInt8] = [
            0x00, 0x1b, 0x48, 0x59, 0x4c, 0x4c, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x80, 0x60, 0xf3, 0x80, 0x50, 0xb1, 0x84, 0x4b, 0xfb, 0x80, 0x42, 0x5a, 0x0b, 0x00, 0xf6, 0x86, 0xb1,
            0x75, 0x4b, 0xd6, 0x99, 0xc0,
        ]
        let limits = RDBLoadLimits(list: ListLimits(), set: SetLimits(), zset: ZSetLimits(), hash: HashLimits())
        var v = try payload.withUnsafeBytes { p throws(RDBFormatError) in try loadDumpPayload(p, limits: limits) }
        #expect(HyperLogLog.isValid(v))
        #expect(HyperLogLog.encoding(v) == HyperLogLog.sparse)
        var ours = HyperLogLog.makeEmpty()
        for e in ["a", "b", "c"] {
            _ = Array(e.utf8).withUnsafeBytes { HyperLogLog.add(&ours, $0, sparseMaxBytes: 3000) }
        }
        #expect(v.withStringBytes { Array($0) } == ours.withStringBytes { Array($0) })
        #expect(HyperLogLog.cachedCount(&v)?.count == 3)
    }

    @Test("Error on 200000 distinct elements is within Redis's bounds and equal to Redis's estimate")
    func errorRate() {
        var v = HyperLogLog.makeEmpty()
        _ = add(&v, 0..<100_000)
        #expect(HyperLogLog.encoding(v) == HyperLogLog.dense)
        #expect(count(v) == 100_853)  // PFCOUNT of the same PFADDs on redis-server 7.2.6
        _ = add(&v, 100_000..<200_000)
        let estimate = Double(count(v))
        #expect(abs(estimate - 200_000) / 200_000 < 3 * 0.0081)
    }
}

@Suite("Geohash")
struct GeohashTests {
    @Test("Scores, positions and distances are Redis's")
    func scores() {
        #expect(Geohash.score(longitude: 13.361389, latitude: 38.115556) == 3_479_099_956_230_698)
        #expect(Geohash.score(longitude: 15.087269, latitude: 37.502669) == 3_479_447_370_796_909)
        #expect(Geohash.score(longitude: 181, latitude: 0) == nil)
        #expect(Geohash.score(longitude: 0, latitude: 85.06) == nil)
        let p = Geohash.position(ofScore: 3_479_099_956_230_698)
        #expect(p.longitude == 13.361389338970184)
        #expect(p.latitude == 38.115556395496299)
        #expect(String(decoding: Geohash.standardGeohash(ofScore: 3_479_099_956_230_698), as: UTF8.self) == "sqc8b49rny0")
        let q = Geohash.position(ofScore: 3_479_447_370_796_909)
        #expect(Geohash.distance(p.longitude, p.latitude, q.longitude, q.latitude) == 166274.15156960033)
    }
}
