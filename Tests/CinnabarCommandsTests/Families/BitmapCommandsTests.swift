// BitmapCommands: SETBIT/GETBIT, BITCOUNT and BITPOS with BYTE and BIT ranges, BITOP.
import CinnabarCommands
import Testing

@Suite("Bitmap commands")
struct BitmapCommandsTests {
    @Test("SETBIT returns the previous bit, grows the string, validates offset and bit")
    func setbit() {
        let h = Harness()
        #expect(h.callRaw("SETBIT", "b", "7", "1") == int(0))
        #expect(h.callRaw("SETBIT", "b", "7", "1") == int(1))
        #expect(h.callRaw("GET", "b") == bulk("\u{01}"))
        #expect(h.callRaw("SETBIT", "b", "100", "1") == int(0))
        #expect(h.callRaw("STRLEN", "b") == int(13))
        #expect(h.callRaw("GETBIT", "b", "100") == int(1))
        #expect(h.callRaw("GETBIT", "b", "100000") == int(0))
        #expect(h.callRaw("SETBIT", "b", "-1", "1") == err("ERR bit offset is not an integer or out of range"))
        #expect(h.callRaw("SETBIT", "b", "4294967296", "1") == err("ERR bit offset is not an integer or out of range"))
        #expect(h.callRaw("SETBIT", "b", "1", "2") == err("ERR bit is not an integer or out of range"))
    }

    @Test("BITCOUNT over the whole string, byte ranges and bit ranges")
    func bitcount() {
        let h = Harness()
        h.callRaw("SET", "s", "foobar")
        #expect(h.callRaw("BITCOUNT", "s") == int(26))
        #expect(h.callRaw("BITCOUNT", "s", "0", "0") == int(4))
        #expect(h.callRaw("BITCOUNT", "s", "1", "1") == int(6))
        #expect(h.callRaw("BITCOUNT", "s", "1", "1", "BYTE") == int(6))
        #expect(h.callRaw("BITCOUNT", "s", "5", "30", "BIT") == int(17))
        #expect(h.callRaw("BITCOUNT", "s", "-2", "-1") == int(7))
        #expect(h.callRaw("BITCOUNT", "s", "0") == err("ERR syntax error"))
        #expect(h.callRaw("BITCOUNT", "none") == int(0))
    }

    /// SET with raw bytes (Swift string literals above 0x7F would be UTF-8 encoded).
    func setBytes(_ h: Harness, _ key: String, _ value: [UInt8]) {
        #expect(h.callBytes([Array("SET".utf8), Array(key.utf8), value]) == Array(ok.utf8))
    }

    func getBytes(_ h: Harness, _ key: String) -> [UInt8] {
        h.callBytes([Array("GET".utf8), Array(key.utf8)])
    }

    func bulkBytes(_ b: [UInt8]) -> [UInt8] { Array("$\(b.count)\r\n".utf8) + b + [13, 10] }

    @Test("BITPOS finds set and clear bits with BYTE/BIT ranges and Redis's end rules")
    func bitpos() {
        let h = Harness()
        setBytes(h, "s", [0xFF, 0xF0, 0x00])
        #expect(h.callRaw("BITPOS", "s", "0") == int(12))
        #expect(h.callRaw("BITPOS", "s", "1", "2") == int(-1))
        #expect(h.callRaw("BITPOS", "s", "1", "7", "15", "BIT") == int(7))
        setBytes(h, "ones", [0xFF, 0xFF])
        #expect(h.callRaw("BITPOS", "ones", "0") == int(16))
        #expect(h.callRaw("BITPOS", "ones", "0", "0", "-1") == int(-1))
        #expect(h.callRaw("BITPOS", "none", "0") == int(0))
        #expect(h.callRaw("BITPOS", "none", "1") == int(-1))
        #expect(h.callRaw("BITPOS", "s", "2") == err("ERR The bit argument must be 1 or 0."))
    }

    @Test("BITOP AND/OR/XOR/NOT store the result and its length; NOT takes one key")
    func bitop() {
        let h = Harness()
        setBytes(h, "a", [0x0F])
        setBytes(h, "b", [0x33, 0xFF])
        #expect(h.callRaw("BITOP", "AND", "d", "a", "b") == int(2))
        #expect(getBytes(h, "d") == bulkBytes([0x03, 0x00]))
        #expect(h.callRaw("BITOP", "OR", "d", "a", "b") == int(2))
        #expect(getBytes(h, "d") == bulkBytes([0x3F, 0xFF]))
        #expect(h.callRaw("BITOP", "XOR", "d", "a", "b") == int(2))
        #expect(getBytes(h, "d") == bulkBytes([0x3C, 0xFF]))
        #expect(h.callRaw("BITOP", "NOT", "d", "a") == int(1))
        #expect(getBytes(h, "d") == bulkBytes([0xF0]))
        #expect(h.callRaw("BITOP", "NOT", "d", "a", "b") == err("ERR BITOP NOT must be called with a single source key."))
        #expect(h.callRaw("BITOP", "NAND", "d", "a") == err("ERR syntax error"))
        #expect(h.callRaw("BITOP", "AND", "d", "x", "y") == int(0))
        #expect(h.callRaw("EXISTS", "d") == int(0))
    }

    @Test("BITFIELD GET/SET/INCRBY with signed and unsigned types, #offsets and the three OVERFLOW modes")
    func bitfield() {
        let h = Harness()
        #expect(h.callRaw("BITFIELD", "bf", "GET", "u8", "0") == array(int(0)))
        #expect(h.callRaw("EXISTS", "bf") == int(0))
        #expect(h.callRaw("BITFIELD", "bf", "SET", "u8", "0", "255", "GET", "u8", "0") == array(int(0), int(255)))
        #expect(h.callRaw("STRLEN", "bf") == int(1))
        #expect(h.callRaw("BITCOUNT", "bf") == int(8))
        #expect(h.callRaw("BITFIELD", "bf", "GET", "i8", "0", "GET", "u4", "#1") == array(int(-1), int(15)))
        #expect(h.callRaw("BITFIELD", "bf", "INCRBY", "u8", "0", "10") == array(int(9)))
        #expect(h.callRaw("BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "300") == array(int(255)))
        #expect(h.callRaw("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1") == array("$-1\r\n"))
        #expect(h.callRaw("BITFIELD", "bf", "SET", "i8", "0", "-128", "INCRBY", "i8", "0", "-1") == array(int(-1), int(127)))
        #expect(h.callRaw("BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100") == array(int(127)))
        #expect(h.callRaw("BITFIELD", "n", "SET", "i64", "0", "-1", "GET", "u63", "1") == array(int(0), int(Int(Int64.max))))
        #expect(h.callRaw("BITFIELD", "bf", "GET", "u64", "0") == err(
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."))
        #expect(h.callRaw("BITFIELD", "bf", "OVERFLOW", "MAYBE", "GET", "u8", "0") == err("ERR Invalid OVERFLOW type specified"))
        #expect(h.callRaw("BITFIELD", "bf", "GET", "u8", "-1") == err("ERR bit offset is not an integer or out of range"))
        #expect(h.callRaw("BITFIELD", "bf", "SET", "u8", "0", "x") == err("ERR value is not an integer or out of range"))
        #expect(h.callRaw("BITFIELD", "bf", "FOO") == err("ERR syntax error"))
        #expect(h.callRaw("BITFIELD_RO", "bf", "GET", "u8", "0") == array(int(127)))
        #expect(h.callRaw("BITFIELD_RO", "bf", "SET", "u8", "0", "1") == err("ERR BITFIELD_RO only supports the GET subcommand"))
        h.callRaw("LPUSH", "l", "x")
        #expect(h.callRaw("BITFIELD", "l", "GET", "u8", "0") == err("WRONGTYPE Operation against a key holding the wrong kind of value"))
        #expect(h.callRaw("COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "GET", "u8", "0") ==
            array(array(bulk("k"), "*2\r\n+RO\r\n+access\r\n")))
    }
}
