// HyperLogLogCommands: PFADD/PFCOUNT/PFMERGE/PFDEBUG/PFSELFTEST with the replies and error texts of Redis 7.2.6
// (recorded from redis-server), the bytes of the string value, the cached cardinality, hll-sparse-max-bytes,
// corruption detection, and DUMP payloads from redis-server restored here.
import CinnabarCommands
import Testing

@Suite("HyperLogLog commands")
struct HyperLogLogCommandsTests {
    func pfadd(_ h: Harness, _ key: String, _ range: Range<Int>) {
        var args = ["PFADD", key]
        for i in range { args.append("e\(i)") }
        h.callRaw(args)
    }

    func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    @Test("PFADD creates a sparse HLL, returns 1 only when a register changed; PFCOUNT estimates")
    func addAndCount() {
        let h = Harness()
        #expect(h.callRaw("PFADD", "k", "a", "b", "c") == int(1))
        #expect(h.callRaw("PFADD", "k", "a") == int(0))
        #expect(h.callRaw("PFADD", "k") == int(0))
        #expect(h.callRaw("PFCOUNT", "k") == int(3))
        #expect(h.callRaw("PFDEBUG", "DECODE", "k") == bulk("Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603"))
        #expect(h.callRaw("PFDEBUG", "ENCODING", "k") == "+sparse\r\n")
        #expect(h.callRaw("PFCOUNT", "nokey") == int(0))
        #expect(h.callRaw("TYPE", "k") == "+string\r\n")
        // PFADD without elements creates an empty HLL: one XZERO opcode, the cache marked stale.
        #expect(h.callRaw("PFADD", "empty") == int(1))
        #expect(h.callBytes([Array("GET".utf8), Array("empty".utf8)])
            == Array("$18\r\nHYLL\u{01}".utf8) + [UInt8](repeating: 0, count: 10) + [0x80, 0x7F, 0xFF, 13, 10])
        #expect(h.callRaw("PFCOUNT", "empty") == int(0))
    }

    @Test("PFCOUNT caches the cardinality in the header; PFADD invalidates it")
    func cache() {
        let h = Harness()
        h.callRaw("PFADD", "k", "a", "b", "c")
        #expect(h.callBytes([Array("GETRANGE".utf8), Array("k".utf8), Array("15".utf8), Array("15".utf8)])
            == [UInt8]("$1\r\n".utf8) + [0x80, 13, 10])
        #expect(h.callRaw("PFCOUNT", "k") == int(3))
        #expect(h.callBytes([Array("GETRANGE".utf8), Array("k".utf8), Array("8".utf8), Array("15".utf8)])
            == [UInt8]("$8\r\n".utf8) + [3, 0, 0, 0, 0, 0, 0, 0, 13, 10])
        h.callRaw("PFADD", "k", "d")
        #expect(h.callBytes([Array("GETRANGE".utf8), Array("k".utf8), Array("15".utf8), Array("15".utf8)])
            == [UInt8]("$1\r\n".utf8) + [0x80, 13, 10])
        #expect(h.callRaw("PFCOUNT", "k") == int(4))
    }

    @Test("Sparse becomes dense past hll-sparse-max-bytes; estimates match Redis 7.2.6 exactly")
    func promotion() {
        let h = Harness()
        pfadd(h, "x", 0..<300)
        #expect(h.callRaw("PFDEBUG", "ENCODING", "x") == "+sparse\r\n")
        #expect(h.callRaw("STRLEN", "x") == int(713))
        #expect(h.callRaw("PFCOUNT", "x") == int(302))
        for start in stride(from: 0, to: 1000, by: 250) { pfadd(h, "n1000", start..<(start + 250)) }
        #expect(h.callRaw("PFCOUNT", "n1000") == int(1008))
        #expect(h.callRaw("PFDEBUG", "ENCODING", "n1000") == "+sparse\r\n")
        for start in stride(from: 0, to: 100_000, by: 5000) { pfadd(h, "n100000", start..<(start + 5000)) }
        #expect(h.callRaw("PFCOUNT", "n100000") == int(100_853))
        #expect(h.callRaw("PFDEBUG", "ENCODING", "n100000") == "+dense\r\n")
        #expect(h.callRaw("STRLEN", "n100000") == int(12304))
        #expect(h.callRaw("CONFIG", "SET", "hll-sparse-max-bytes", "30") == ok)
        pfadd(h, "y", 0..<10)
        #expect(h.callRaw("PFDEBUG", "ENCODING", "y") == "+dense\r\n")
    }

    @Test("PFMERGE and PFCOUNT of several keys count the union")
    func merge() {
        let h = Harness()
        h.callRaw("PFADD", "k", "a", "b", "c")
        h.callRaw("PFADD", "k2", "x", "y")
        #expect(h.callRaw("PFCOUNT", "k", "k2", "nokey") == int(5))
        #expect(h.callRaw("PFMERGE", "m", "k", "k2") == ok)
        #expect(h.callRaw("PFCOUNT", "m") == int(5))
        #expect(h.callRaw("PFDEBUG", "DECODE", "m") == bulk("Z:8436 v:1,1 Z:4274 v:2,1 Z:2220 v:3,1 Z:847 v:1,1 Z:593 v:2,1 z:9"))
        #expect(h.callRaw("PFMERGE", "empty", "nokey") == ok)
        #expect(h.callRaw("PFCOUNT", "empty") == int(0))
        #expect(h.callRaw("EXISTS", "empty") == int(1))
        // A dense source makes the destination dense.
        #expect(h.callRaw("PFDEBUG", "TODENSE", "k2") == int(1))
        #expect(h.callRaw("PFDEBUG", "TODENSE", "k2") == int(0))
        #expect(h.callRaw("PFMERGE", "m2", "k", "k2") == ok)
        #expect(h.callRaw("PFDEBUG", "ENCODING", "m2") == "+dense\r\n")
        #expect(h.callRaw("PFCOUNT", "m2") == int(5))
    }

    @Test("PFDEBUG GETREG returns 16384 registers; errors are Redis's")
    func debug() {
        let h = Harness()
        h.callRaw("PFADD", "k", "a", "b", "c")
        let regs = h.callRaw("PFDEBUG", "GETREG", "k")
        #expect(regs.hasPrefix("*16384\r\n"))
        let values = regs.split(separator: "\r\n").dropFirst()
        #expect(values.count == 16384)
        #expect(values.filter { $0 == ":1" }.count == 2)
        #expect(values.filter { $0 == ":2" }.count == 1)
        #expect(h.callRaw("PFDEBUG", "ENCODING", "k") == "+dense\r\n")
        #expect(h.callRaw("PFDEBUG", "DECODE", "k") == err("ERR HLL encoding is not sparse"))
        #expect(h.callRaw("PFDEBUG", "FOO", "k") == err("ERR Unknown PFDEBUG subcommand 'FOO'"))
        #expect(h.callRaw("PFDEBUG", "GETREG", "nokey") == err("ERR The specified key does not exist"))
        #expect(h.callRaw("PFDEBUG", "GETREG") == err("ERR wrong number of arguments for 'pfdebug' command"))
    }

    @Test("Type checks and corrupted HLLs give Redis's errors")
    func errors() {
        let h = Harness()
        let notHLL = err("WRONGTYPE Key is not a valid HyperLogLog string value.")
        let wrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value")
        h.callRaw("SET", "s", "hello")
        h.callRaw("LPUSH", "l", "x")
        #expect(h.callRaw("PFADD", "s", "x") == notHLL)
        #expect(h.callRaw("PFCOUNT", "s") == notHLL)
        #expect(h.callRaw("PFCOUNT", "s", "l") == notHLL)
        #expect(h.callRaw("PFMERGE", "d", "s") == notHLL)
        #expect(h.callRaw("PFCOUNT", "l") == wrongType)
        #expect(h.callRaw("PFADD", "l", "x") == wrongType)
        // A sparse HLL whose opcodes cover too many registers, with a stale cache.
        let corrupt = Array("HYLL".utf8) + [1] + [UInt8](repeating: 0, count: 10) + [0x80, 0x7F, 0xFF, 0x00]
        #expect(h.callBytes([Array("SET".utf8), Array("c".utf8), corrupt]) == Array(ok.utf8))
        #expect(h.callRaw("PFCOUNT", "c") == err("INVALIDOBJ Corrupted HLL object detected"))
        #expect(h.callRaw("PFMERGE", "d", "c") == err("INVALIDOBJ Corrupted HLL object detected"))
        // Dense with the wrong length, an unknown encoding, a broken magic.
        h.callRaw("PFADD", "k", "a")
        h.callRaw("PFDEBUG", "TODENSE", "k")
        h.callRaw("APPEND", "k", "x")
        #expect(h.callRaw("PFCOUNT", "k") == notHLL)
        #expect(h.callBytes([Array("SET".utf8), Array("e".utf8), Array("HYLL".utf8) + [2] + [UInt8](repeating: 0, count: 13)])
            == Array(ok.utf8))
        #expect(h.callRaw("PFADD", "e", "x") == notHLL)
        h.callRaw("PFADD", "m", "a")
        h.callRaw("SETRANGE", "m", "0", "X")
        #expect(h.callRaw("PFCOUNT", "m") == notHLL)
    }

    @Test("PFSELFTEST passes")
    func selfTest() {
        let h = Harness()
        #expect(h.callRaw("PFSELFTEST") == ok)
    }

    @Test("DUMP payloads of redis-server 7.2.6 (sparse, and dense LZF-compressed) restore with Redis's PFCOUNT")
    func restoreFromRedis() {
        let h = Harness()
        let sparse = hex("001b48594c4c01000000000000000000008060f38050b1844bfb80425a0b00f686b1754bd699c0")
        #expect(h.callBytes([Array("RESTORE".utf8), Array("hs".utf8), Array("0".utf8), sparse]) == Array(ok.utf8))
        #expect(h.callRaw("PFDEBUG", "ENCODING", "hs") == "+sparse\r\n")
        #expect(h.callRaw("PFCOUNT", "hs") == int(3))
        #expect(h.callRaw("PFADD", "hs", "a", "b", "c") == int(0))
        let dense = hex(HyperLogLogCommandsTests.densePayload)
        #expect(h.callBytes([Array("RESTORE".utf8), Array("hd".utf8), Array("0".utf8), dense]) == Array(ok.utf8))
        #expect(h.callRaw("STRLEN", "hd") == int(12304))
        #expect(h.callRaw("PFDEBUG", "ENCODING", "hd") == "+dense\r\n")
        #expect(h.callRaw("PFCOUNT", "hd") == int(200))
        // Elements already counted change nothing.
        pfadd(h, "hd", 0..<200)
        #expect(h.callRaw("PFCOUNT", "hd") == int(200))
        #expect(h.callRaw("PFCOUNT", "hd", "hs") == int(203))
    }

    /// DUMP of `PFADD hd e0 ... e199` + `PFDEBUG TODENSE hd` from redis-server 7.2.6.
    static let densePayload = """
        00c3437470100448594c4c00e001000080e0010ae016000008e0101f0010e00a190040e00a13e05c000020a065000aa007400000\
        034004e05f00c080e04200040800140030e0054fe0060ee014000002e0141de04900e20b0fe0ba00e2094500c0e038d50001e154\
        2be0545ce07100e10676e4516a0001e001e3e411fda0000004a007e03b00e351b0e02da5e0518fe09400c33ee25160e03f00c2a8\
        e12ddee03100e157190040c0d8e04600c1d9e03a00e74aeee01f00e042c5e01000e418f7e01d00e10825e14ed8e03900ab10e002\
        b0e257e4e04d00e43f0a8047e21606e659208086e01f00a1c4e02700a1f4e0256be00500e0333be02800217600804348e1169de0\
        0c00203ba000a0f5e00e00e0151de02d00e44fb8e1287ce22e27e03800e1017ce00100e00bbce11828e14b9de06600c55ee10b13\
        e0c300e104dfc0f4e00600000ce0060fe03000e0055fe0047ae02400e031396000ef09322000e0059be06f00e036d9e00c00e04b\
        53e03100e11967e01921e08e00e042b8e10cb3248be04262e00c00e0575fe00ed9e01700c6712101e0b300e10cd5e02700e03c44\
        e00000e92ba4e03c004a21e02900e004fc00404929e20f12e505e4e00437e00600e00f41e03e00e17061e02600e042a7e1136de0\
        0000f5062fea45f481d3e00c53e22d78e0690080c2e02700e02d35e02a00e106bee119f40030409be1007ce3059ee02b00e659aa\
        e0d4000050e004dde30c29e00600e01b23e02900e4102b0002e00b1a7058e0af00e35b9be30915ef118c0040c956e01e00e30eb3\
        e107c1e300e3e01800e10410e0268ce03000e22cc6e007e3e0de0021cae20950e00000e0121ae06800e842bde03a00e30e29e016\
        00e3040e6000217fe08a00e009a7e01d004344e32c7de07000e22be1e423c74111e03900e02371e00c00e16c94e215db601d411e\
        6008e03200e1381ce02e000030e02e372000e41b3de01b23e00700e16f0ae00500e10bd0a5bde21087414c420ce03900e40cbbe3\
        28e6e12c49e00bf8e02400e102014110e00200e911e3e07d00e002b9e03000e006f2e0520020ad0014e0525e400020624000e20c\
        8de03f00e20fd5e00e74a092e07500e00a9be204dba428e02500e31fade02c5cc000e316dde004c5e06900e034dae01400e23a36\
        e10af4e02fb0e203f30040e11192e60068e0032fe03c00e000592000e0117fe00900e10746e0233be04000e81654e31f47e00500\
        e22af90100000b00d7a662cfd8244f82
        """
}
