// Tests for splitArgs (sdssplitargs) and parseMemoryAmount (memtoull). The
// splitArgs rows were checked by sending inline commands (`RPUSH L <line>`)
// to redis-server 7.0.15, whose inline parser is sdssplitargs; the memory
// rows with CONFIG SET/GET maxmemory on the same server.

import Testing
import CinnabarStorage

struct SplitArgsTests {
    static let serverCases: [([UInt8], [[UInt8]]?)] = [
        (bytes("a b c"), [bytes("a"), bytes("b"), bytes("c")]),
        (bytes("  a   b  "), [bytes("a"), bytes("b")]),
        (bytes("\"a b\" c"), [bytes("a b"), bytes("c")]),
        (bytes("'a b' c"), [bytes("a b"), bytes("c")]),
        (bytes(#""\x41\x4a\x4G" x"#), [bytes("AJx4G"), bytes("x")]),
        (bytes(#""\n\r\t\b\a\\\"\q""#), [[0x0A, 0x0D, 0x09, 0x08, 0x07, 0x5C, 0x22, 0x71]]),
        (bytes(#"'it\'s' x"#), [bytes("it's"), bytes("x")]),
        (bytes(#"'a\nb' x"#), [bytes(#"a\nb"#), bytes("x")]),
        (bytes("foo\"bar\""), [bytes("foobar")]),
        (bytes("foo'bar'"), [bytes("foobar")]),
        (bytes("\"a\"b"), nil), (bytes("'a'b"), nil), (bytes("\"abc"), nil), (bytes("'abc"), nil),
        (bytes("\"a\" \"b\""), [bytes("a"), bytes("b")]),
        (bytes("\"\""), [[]]), (bytes("''"), [[]]),
        (bytes(#"a\x41"#), [bytes(#"a\x41"#)]),
        (bytes(#""\x""#), [bytes("x")]), (bytes(#""\x4""#), [bytes("x4")]),
        (bytes("x \"a\"\ty"), [bytes("x"), bytes("a"), bytes("y")]),
        ([0x61, 0x0B, 0x62, 0x20, 0x63], [[0x61, 0x0B, 0x62], [0x63]]),
        (bytes(#""\xff\xFF""#), [[0xFF, 0xFF]]),
        (bytes(#""a\""#), nil),
        (bytes(#""a\\""#), [bytes(#"a\"#)]),
    ]

    @Test func serverVerified() {
        for (line, expected) in Self.serverCases {
            let got = splitArgs(line)
            #expect(got == expected, "\(str(line))")
        }
    }

    @Test func edges() {
        #expect(splitArgs([]) == [])
        #expect(splitArgs(bytes(" \t\r\n\u{0B}\u{0C} ")) == [])
        #expect(splitArgs([0x61, 0x00, 0x62]) == [[0x61]])           // NUL ends the line
        #expect(splitArgs(bytes("\"a\"\u{0C}b")) == [bytes("a"), bytes("b")])  // \f is isspace
        #expect(splitArgs(bytes("save 900 1")) == [bytes("save"), bytes("900"), bytes("1")])
        #expect(splitArgs(bytes("\u{0C}a")) == [bytes("a")])
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<30_000 {
            _ = splitArgs(rng.bytes(Int(rng.next() % 24), from: bytes("ab \"'\\x4f\t\n")))
            _ = splitArgs(rng.bytes(Int(rng.next() % 24)))
        }
    }
}

struct MemoryAmountTests {
    @Test func serverVerified() {
        let ok: [(String, Int64)] = [
            ("5", 5), ("1gb", 1_073_741_824), ("1GB", 1_073_741_824), ("1Gb", 1_073_741_824),
            ("100mb", 104_857_600), ("64k", 64_000), ("64K", 64_000), ("2m", 2_000_000),
            ("3g", 3_000_000_000), ("10b", 10), ("10B", 10), ("1kb", 1024), ("", 0), ("kb", 0), ("007", 7),
            // Reinterpreted as unsigned by maxmemory: 18446744073709551615.
            ("18446744073709551615", -1), ("99999999999999999999999", -1),
            ("9223372036854775807", .max), ("9223372036854775808", .min),
            ("17179869184gb", 0),  // 2^64 wraps to 0
        ]
        for (s, v) in ok { #expect(parseMemoryAmount(bytes(s)) == v, "\(s)") }
        let bad = ["-1", "+5", " 5", "5 ", "1.5gb", "1tb", "0x10", "1kbb", "-", "g b", "1 gb"]
        for s in bad { #expect(parseMemoryAmount(bytes(s)) == nil, "\(s)") }
    }

    @Test func digitLimit() {
        #expect(parseMemoryAmount(bytes(String(repeating: "0", count: 127) + "kb")) == 0)
        #expect(parseMemoryAmount(bytes(String(repeating: "0", count: 128))) == nil)
        #expect(parseMemoryAmount([0x35, 0x00, 0x67]) == 5)  // C string: stops at NUL
    }
}
