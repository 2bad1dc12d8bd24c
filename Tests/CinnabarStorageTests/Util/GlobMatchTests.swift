// Tests for globMatch: cases verified against real redis-server 7.0.15 and
// 7.2.6 binaries (KEYS <pattern> with a single key; both gave identical
// answers for every row, and 7.2.6 for the nesting-limit rows), Redis-source corner cases, the
// pathological-pattern guarantee, and random inputs never crashing.

import Testing
import CinnabarStorage

struct GlobMatchTests {
    // (pattern, string, matches) — each row checked with `KEYS pattern` on
    // redis-server 7.0.15 holding only the key `string`.
    static let serverCases: [(String, String, Bool)] = [
        ("h?llo", "hello", true), ("h?llo", "hllo", false),
        ("h*llo", "heeeello", true), ("h*llo", "hllo", true),
        ("h[ae]llo", "hello", true), ("h[ae]llo", "hillo", false),
        ("h[^e]llo", "hallo", true), ("h[^e]llo", "hello", false),
        ("h[a-b]llo", "hbllo", true), ("h[b-a]llo", "hbllo", true), ("h[a-b]llo", "hcllo", false),
        ("\\*", "*", true), ("\\*", "a", false), ("a\\", "a\\", true),
        ("[", "[", false), ("[", "a", false), ("[a", "a", true), ("[a", "b", false),
        ("[^", "x", true), ("[^", "", false),
        ("[]]", "]", false), ("[a-]", "]", true), ("[a-]", "-", false), ("[a-]", "b", false),
        ("[\\]]", "]", true), ("[\\-]", "-", true), ("[a\\-z]", "b", false), ("[a\\-z]", "-", true),
        ("*a*a*a*a*b", String(repeating: "a", count: 38), false),
        ("a*", "a", true), ("*a", "ba", true), ("**", "x", true), ("a**b", "ab", true),
        ("?", "", false), ("\\", "\\", true), ("ab\\", "ab\\", true), ("x*", "x", true),
        ("[x-z]*", "yes", true), ("*.txt", ".txt", true),
        ("a[b", "a[b", false), ("a[b", "ab", true), ("a[bc", "ab", true), ("a[bc", "ac", true),
        ("a[bc", "ad", false), ("[!a]", "b", false),
    ]

    @Test func serverVerifiedCases() {
        for (p, s, expected) in Self.serverCases {
            #expect(globMatch(pattern: bytes(p), string: bytes(s)) == expected, "\(p) vs \(s)")
        }
    }

    @Test func emptyInputs() {
        #expect(globMatch(pattern: [], string: []))
        #expect(!globMatch(pattern: bytes("*"), string: []))   // stringmatchlen("*","") == 0
        #expect(!globMatch(pattern: bytes("**"), string: []))
        #expect(!globMatch(pattern: [], string: bytes("a")))
    }

    @Test func noCase() {
        #expect(globMatch(pattern: bytes("HELLO"), string: bytes("hello"), noCase: true))
        #expect(!globMatch(pattern: bytes("HELLO"), string: bytes("hello")))
        #expect(globMatch(pattern: bytes("maxmemory-p[O-p]licy"), string: bytes("maxmemory-policy"), noCase: true))
        #expect(globMatch(pattern: bytes("MAXMEM*"), string: bytes("maxmemory-samples"), noCase: true))
        #expect(globMatch(pattern: bytes("[A-C]x"), string: bytes("bX"), noCase: true))
        #expect(globMatch(pattern: bytes("h[E]llo"), string: bytes("hello"), noCase: true))
        // Escaped class members compare case-sensitively even with nocase.
        #expect(!globMatch(pattern: bytes("[\\E]"), string: bytes("e"), noCase: true))
        #expect(globMatch(pattern: bytes("\\E"), string: bytes("e"), noCase: true))
    }

    @Test func signedCharRanges() {
        // Range ends are signed C chars: [a-\xff] is [-1..'a'] after swapping.
        let pat: [UInt8] = [0x5B, 0x61, 0x2D, 0xFF, 0x5D]
        #expect(globMatch(pattern: pat, string: [0x30]))
        #expect(!globMatch(pattern: pat, string: [0x80]))
        #expect(!globMatch(pattern: pat, string: [0x62]))
        #expect(globMatch(pattern: [0x5B, 0x80, 0x2D, 0xFF, 0x5D], string: [0x90]))
        // With nocase glibc tolower() turns -108 (0x94) back into 148, so
        // ['o'-\x94] becomes the empty range [148..111] (found by fuzzing
        // against the C code).
        let q: [UInt8] = [0x5B, 0x6F, 0x2D, 0x94, 0x5D]
        #expect(globMatch(pattern: q, string: bytes("h")))
        #expect(!globMatch(pattern: q, string: bytes("h"), noCase: true))
        // ... but 0xFF is -1 == EOF, which tolower() leaves alone.
        #expect(globMatch(pattern: [0x5B, 0x61, 0x2D, 0xFF, 0x5D], string: [0x30], noCase: true))
    }

    @Test func binarySafe() {
        #expect(globMatch(pattern: [0x61, 0x00, 0x2A], string: [0x61, 0x00, 0x62, 0x63]))
        #expect(!globMatch(pattern: [0x61, 0x00], string: [0x61, 0x01]))
    }

    @Test func pathologicalPatternsAreFast() {
        let s = [UInt8](repeating: 0x61, count: 2000)
        let p = bytes(String(repeating: "a*", count: 60) + "b")
        let clock = ContinuousClock()
        let t = clock.measure { #expect(!globMatch(pattern: p, string: s)) }
        #expect(t < .seconds(2))
        // More than 1000 nested stars: Redis gives up (no match).
        let deep = bytes(String(repeating: "*a", count: 1100))
        #expect(!globMatch(pattern: deep, string: [UInt8](repeating: 0x61, count: 1100)))
        let ok = bytes(String(repeating: "*a", count: 900))
        #expect(globMatch(pattern: ok, string: [UInt8](repeating: 0x61, count: 900)))
    }

    @Test func randomInputsNeverCrash() {
        var rng = SplitMix64(seed: 42)
        let alphabet = bytes("ab*?[]^-\\")
        var matches = 0
        for _ in 0..<40_000 {
            let p = rng.bytes(Int(rng.next() % 12), from: alphabet)
            let s = rng.bytes(Int(rng.next() % 12), from: bytes("ab-]^\\"))
            if globMatch(pattern: p, string: s) { matches += 1 }
            _ = globMatch(pattern: rng.bytes(Int(rng.next() % 16)), string: rng.bytes(Int(rng.next() % 16)), noCase: true)
        }
        #expect(matches > 0)
    }
}
