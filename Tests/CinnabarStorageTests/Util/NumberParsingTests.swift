// Tests for the integer/double/long-double parsers and formatters. Parser
// acceptance rows and INCRBYFLOAT results were checked on redis-server
// 7.0.15 (string2ll/string2d/string2ld/ld2string are unchanged in 7.2.6).
// formatDouble expectations come from Redis 7.2.6's own d2string/fpconv_dtoa
// compiled from the 7.2.6 source, and the `serverVerified72` rows from ZADD +
// ZSCORE (RESP2 and RESP3) on a redis-server 7.2.6 binary (7.0.15 prints
// %.17g instead, e.g. 0.1 -> "0.10000000000000001").

import Testing
import CinnabarStorage

struct ParseInt64Tests {
    @Test func serverVerified() {
        // INCRBY n <v> on redis-server 7.0.15.
        let ok: [(String, Int64)] = [
            ("0", 0), ("9223372036854775807", .max), ("-9223372036854775808", .min),
            ("1", 1), ("-1", -1), ("12345", 12345),
        ]
        for (s, v) in ok { #expect(parseInt64(bytes(s)) == v, "\(s)") }
        let bad = ["-0", "01", "+1", " 1", "1 ", "-", "", "9223372036854775808",
                   "-9223372036854775809", "18446744073709551616", "00", "1a", "0x10",
                   "123456789012345678901", "1.0", "\u{0}"]
        for s in bad { #expect(parseInt64(bytes(s)) == nil, "\(s)") }
    }

    @Test func lengthLimit() {
        // 20 bytes is fine ("-" + 19 digits), 21 bytes never.
        #expect(parseInt64(bytes("-1000000000000000000")) == -1_000_000_000_000_000_000)
        #expect(parseInt64(bytes("-00000000000000000001")) == nil)
    }

    @Test func roundTripAndFormat() {
        var rng = SplitMix64(seed: 7)
        for i in 0..<50_000 {
            var v = Int64(bitPattern: rng.next())
            if i % 3 == 0 { v >>= Int64(rng.next() % 63) }
            var out = [UInt8]()
            formatInt64(v, into: &out)
            #expect(out == bytes(String(v)))
            #expect(parseInt64(out) == v)
        }
        var out = bytes("x=")
        formatInt64(.min, into: &out)
        formatInt64(0, into: &out)
        #expect(str(out) == "x=-92233720368547758080")
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 1)
        for _ in 0..<50_000 {
            let b = rng.bytes(Int(rng.next() % 24), from: bytes("0123456789-+ a"))
            if let v = parseInt64(b) { #expect(bytes(String(v)) == b) }
        }
    }
}

struct ParseDoubleTests {
    @Test func serverVerified() {
        // ZADD zz <v> m on redis-server 7.0.15 (ok → score via ZSCORE).
        let ok: [(String, Double)] = [
            ("1", 1), ("+1.5", 1.5), (".5", 0.5), ("5.", 5), ("1e3", 1000), ("0x1p-2", 0.25),
            ("inf", .infinity), ("-Infinity", -.infinity), ("+inf", .infinity), ("INF", .infinity),
            ("4.9e-324", Double.leastNonzeroMagnitude), ("1e-310", Double(bitPattern: 0x000012688b70e62b)), ("-0", -0.0),
        ]
        for (s, v) in ok {
            let r = parseDouble(bytes(s))
            #expect(r == v, "\(s)")
        }
        #expect(parseDouble(bytes("-0"))?.sign == .minus)
        let bad = [" 1", "1 ", "", "nan", "-nan", "1e400", "1e-400", "0x", "1,5", "1e", "- 1",
                   "infinit", "nan(123)", "1\u{0}", "\t1", "abc"]
        for s in bad { #expect(parseDouble(bytes(s)) == nil, "\(s)") }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 2)
        for _ in 0..<20_000 {
            let b = rng.bytes(Int(rng.next() % 20), from: bytes("0123456789.eE+-xXpPinfatyINF \u{0}"))
            if let v = parseDouble(b) { #expect(!v.isNaN) }
            _ = parseDouble(rng.bytes(Int(rng.next() % 20)))
        }
    }
}

struct LongDoubleTests {
    /// INCRBYFLOAT semantics built from the primitives.
    func incrByFloat(_ current: String, _ incr: String) -> String {
        guard let a = parseLongDouble(bytes(current)), let b = parseLongDouble(bytes(incr)) else {
            return "ERR value is not a valid float"
        }
        let sum = a + b
        if sum.isNaN || sum.isInfinite { return "ERR increment would produce NaN or Infinity" }
        return str(formatLongDouble(sum, humanFriendly: true))
    }

    @Test func incrByFloatServerVerified() {
        // SET k <a>; INCRBYFLOAT k <b> on redis-server 7.0.15.
        let cases: [(String, String, String)] = [
            ("10.50", "0.1", "10.6"), ("0", "3.0e3", "3000"), ("0", "5.0e3", "5000"),
            ("1", "1.5", "2.5"), ("0", "-0", "0"), ("0", "0.1", "0.1"),
            ("0", "1.23456789012345678901", "1.23456789012345679"), ("3", "-3", "0"),
            ("0", "1e-20", "0"), ("0", "5.0e-3", "0.005"),
            ("0", "inf", "ERR increment would produce NaN or Infinity"),
            ("0", "+inf", "ERR increment would produce NaN or Infinity"),
            ("0", "-inf", "ERR increment would produce NaN or Infinity"),
            ("0", "nan", "ERR value is not a valid float"),
            ("0", " 1", "ERR value is not a valid float"), ("0", "1 ", "ERR value is not a valid float"),
            ("0", "", "ERR value is not a valid float"), ("0", "0x10", "16"),
            ("0", "1e-5000", "ERR value is not a valid float"), ("0", "1e5000", "ERR value is not a valid float"),
            ("0", "1e-4951", "ERR value is not a valid float"), ("0", "1e-4940", "0"),
            ("0", "1e-400", "0"), ("1.1", "2.2", "3.3"), ("0", "-1.5", "-1.5"),
            ("0", "17179869184.5", "17179869184.5"), ("0", ".5", "0.5"), ("0", "5.", "5"), ("0", "+5", "5"),
            ("0", "1.23456789012345678901e-4", "0.00012345678901235"),
            ("0", "-0.000000000000000001", "0"),
            ("0", "123456789012345678901234567890", "123456789012345678899921813504"),
            ("0.3", "1e-17", "0.30000000000000001"),
            ("0", "1e400", "10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880"),
            ("0", "1e308", "99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048"),
            ("1e308", "1e308", "199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096"),
        ]
        for (a, b, expected) in cases {
            #expect(incrByFloat(a, b) == expected, "\(a) + \(b)")
        }
    }

    @Test func lengthLimit() {
        // 5119 bytes accepted, 5120 rejected (checked on the server).
        let ok = bytes("1." + String(repeating: "0", count: 5117))
        #expect(ok.count == 5119)
        #expect(parseLongDouble(ok) == 1)
        #expect(parseLongDouble(bytes("1." + String(repeating: "0", count: 5118))) == nil)
    }

    @Test func hugeValuesFitTheBuffer() {
        let out = formatLongDouble(Float80.greatestFiniteMagnitude, humanFriendly: true)
        #expect(out.count == 4933)
        let neg = formatLongDouble(-Float80.greatestFiniteMagnitude, humanFriendly: true)
        #expect(neg.count == 4934 && neg[0] == 0x2D)
    }

    @Test func specialsAndAutoMode() {
        #expect(str(formatLongDouble(.infinity, humanFriendly: true)) == "inf")
        #expect(str(formatLongDouble(-.infinity, humanFriendly: false)) == "-inf")
        #expect(str(formatLongDouble(.nan, humanFriendly: true)) == "nan")
        #expect(str(formatLongDouble(-0.0, humanFriendly: true)) == "0")
        #expect(str(formatLongDouble(Float80(0.1 as Double), humanFriendly: false)) == "0.10000000000000001")
        #expect(str(formatLongDouble(parseLongDouble(bytes("0.1"))!, humanFriendly: false)) == "0.1")
        #expect(str(formatLongDouble(3000, humanFriendly: false)) == "3000")
        #expect(str(formatLongDouble(1e30, humanFriendly: false)) == "1e+30")
        #expect(str(formatLongDouble(-0.0, humanFriendly: false)) == "-0")
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<20_000 {
            let b = rng.bytes(Int(rng.next() % 24), from: bytes("0123456789.eE+-xXpPinfatyINF "))
            if let v = parseLongDouble(b) {
                #expect(!v.isNaN)
                _ = formatLongDouble(v, humanFriendly: rng.next() & 1 == 0)
            }
        }
    }
}

struct FormatDoubleTests {
    // Produced by Redis 7.2.6's d2string() (fpconv_dtoa) compiled from source.
    static let cases: [(Double, String)] = [
        (0x1.8p+1, "3"), (-0x1.8p+1, "-3"), (0x1.999999999999ap-4, "0.1"), (-0x1.999999999999ap-4, "-0.1"),
        (0x1.5af1d78b58c4p+66, "1e+20"), (0x1.421f5f40d8376p-23, "1.5e-7"), (0x1.ad7f29abcaf48p-24, "1e-7"),
        (0x1.0c6f7a0b5ed8dp-20, "0.000001"), (0x1.92a737110e454p-20, "1.5e-6"), (0x1.f75104d551d69p-17, "0.000015"),
        (0x1.edd2f1a9fbe77p+6, "123.456"), (0x1.5555555555555p-2, "0.3333333333333333"),
        (0x1.5555555555555p-1, "0.6666666666666666"), (0x1.c6bf526340002p+49, "1000000000000000.3"),
        (0x1p+62, "4611686018427387904"), (0x1p+63, "9223372036854776000"),
        (0x1.bc16d674ec8p+59, "1000000000000000000"), (0x1.158e460913dp+63, "1e+19"),
        (0x1.a055690d9db8p+63, "1.5e+19"), (0x1.b1ae4d6e2ef5p+69, "1e+21"), (0x1.0f0cf064dd592p+73, "1e+22"),
        (0x1.52d02c7e14af6p+76, "99999999999999990000000"),  // 1e23: Grisu2 is not always shortest
        (0x0.0000000000001p-1022, "5e-324"), (0x1p-1022, "2.2250738585072014e-308"),
        (0x1.fffffffffffffp+1023, "1.7976931348623157e+308"), (0x1.249ad2594c37dp+332, "1e+100"),
        (0x1.bff2ee48e053p-333, "1e-100"), (0x1.b69b4ba630f35p+56, "123456789012345680"),
        (0x1.3333333333333p-2, "0.3"), (0x1.4p+1, "2.5"), (-0x1.4p+1, "-2.5"), (0x1.4f8b588e368f1p-17, "0.00001"),
        (0x1.4b66dc015e19bp-20, "1.23456789e-6"), (0x1.921f9f01b866ep+1, "3.14159"), (0x1.92p+6, "100.5"),
        (0x1.1c37937e08p+53, "10000000000000000"), (0x1.1de784a1f7ceep+28, "299792458.123"),
        (0x1.3333333333334p-2, "0.30000000000000004"), (0x1.a36e2eb1c432dp-15, "0.00005"),
        (0x1.2d6871p+20, "1234567.0625"), (0x1.b7cdfd9d7bdbbp-34, "1e-10"), (0x1p+53, "9007199254740992"),
        (0x1.7e43c8800759cp+996, "1e+300"), (0x1.1666666666666p+2, "4.35"), (0x1.3a92a30553261p-10, "0.0012"),
        (0x1.fe185ca57c517p+78, "6.02214076e+23"), (0x0.0000000000002p-1022, "1e-323"),
    ]

    @Test func matchesRedis72() {
        for (v, s) in Self.cases {
            #expect(str(formatDouble(v)) == s, "\(v)")
            var buf = bytes(">")
            formatDouble(v, into: &buf)
            #expect(str(buf) == ">" + s)
        }
    }

    @Test func serverVerified72() {
        // ZADD zf <input> m; ZSCORE zf m on redis-server 7.2.6 (skiplist or
        // listpack encoding; "-0" is the exception: a listpack stores it as 0).
        let rows: [(String, String)] = [
            ("0.1", "0.1"), ("3", "3"), ("1e20", "1e+20"), ("1.5e-7", "1.5e-7"), ("0.3", "0.3"),
            ("1e23", "99999999999999990000000"), ("9223372036854775808", "9223372036854776000"),
            ("1e-310", "1e-310"), ("0.000015", "0.000015"), ("123.456", "123.456"), ("1e19", "1e+19"),
            ("-1.2345678901234567e23", "-123456789012345670000000"), ("5e-324", "5e-324"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("4611686018427387904", "4611686018427387904"), ("4611686018427387905", "4611686018427387904"),
            ("1e-7", "1e-7"), ("1e21", "1e+21"), ("0.1e-5", "0.000001"), ("-0", "-0"),
        ]
        for (input, expected) in rows {
            let v = parseDouble(bytes(input))!
            #expect(str(formatDouble(v)) == expected, "\(input)")
        }
    }

    @Test func specials() {
        #expect(str(formatDouble(.nan)) == "nan")
        #expect(str(formatDouble(-.nan)) == "nan")
        #expect(str(formatDouble(.infinity)) == "inf")
        #expect(str(formatDouble(-.infinity)) == "-inf")
        #expect(str(formatDouble(0)) == "0")
        #expect(str(formatDouble(-0.0)) == "-0")
        #expect(str(formatDouble(-4611686018427387904.0)) == "-4611686018427387904")
    }

    @Test func roundTripsThroughParseDouble() {
        var rng = SplitMix64(seed: 4)
        for _ in 0..<30_000 {
            let v = Double(bitPattern: rng.next())
            if !v.isFinite { continue }
            let s = formatDouble(v)
            #expect(s.count <= 25)  // e.g. "-123456789012345670000000"
            #expect(parseDouble(s) == v, "\(v)")
        }
    }
}
