// Tests for longestCommonSubsequence: the vectors from Redis's own test
// suite (tests/unit/type/string.tcl) plus small cases checked with
// `LCS a b`, `LCS a b LEN`, `LCS a b IDX WITHMATCHLEN [MINMATCHLEN n]` on
// redis-server 7.0.15 (the algorithm is the same in 7.2.6).

import Testing
import CinnabarStorage

struct LCSTests {
    typealias M = (a: ClosedRange<Int>, b: ClosedRange<Int>, length: Int)

    func run(_ a: String, _ b: String, min: Int = 0) throws -> LCSResult {
        try longestCommonSubsequence(bytes(a), bytes(b), computeString: true, computeMatches: true, minMatchLength: min)
    }

    func flat(_ m: [M]) -> [[Int]] {
        m.map { [$0.a.lowerBound, $0.a.upperBound, $0.b.lowerBound, $0.b.upperBound, $0.length] }
    }

    @Test func redisTestSuiteVectors() throws {
        let rna1 = "CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG"
        let rna2 = "ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT"
        let rnalcs = "ACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT"
        let r = try run(rna1, rna2)
        #expect(str(r.string) == rnalcs)
        #expect(r.length == rnalcs.utf8.count)
        #expect(flat(r.matches) == [[238, 238, 239, 239, 1], [236, 236, 238, 238, 1], [229, 230, 236, 237, 2],
                                    [224, 224, 235, 235, 1], [1, 222, 13, 234, 222]])
        let r5 = try run(rna1, rna2, min: 5)
        #expect(flat(r5.matches) == [[1, 222, 13, 234, 222]])
        let lenOnly = try longestCommonSubsequence(bytes(rna1), bytes(rna2), computeString: false,
                                                   computeMatches: false, minMatchLength: 0)
        #expect(lenOnly.length == 227 && lenOnly.string.isEmpty && lenOnly.matches.isEmpty)
    }

    @Test func serverVerified() throws {
        let cases: [(String, String, String, [[Int]], [[Int]])] = [
            ("ohmytext", "mynewtext", "mytext", [[4, 7, 5, 8, 4], [2, 3, 0, 1, 2]], [[4, 7, 5, 8, 4], [2, 3, 0, 1, 2]]),
            ("abcdef", "acf", "acf", [[5, 5, 2, 2, 1], [2, 2, 1, 1, 1], [0, 0, 0, 0, 1]], []),
            ("aaaa", "aa", "aa", [[2, 3, 0, 1, 2]], [[2, 3, 0, 1, 2]]),
            ("abc", "xyz", "", [], []),
            ("", "abc", "", [], []),
            ("ABCBDAB", "BDCABA", "BDAB", [[5, 6, 3, 4, 2], [3, 4, 0, 1, 2]], [[5, 6, 3, 4, 2], [3, 4, 0, 1, 2]]),
            ("thisisatest", "testing123testing", "tsitest",
             [[7, 10, 10, 13, 4], [4, 4, 4, 4, 1], [3, 3, 2, 2, 1], [0, 0, 0, 0, 1]], [[7, 10, 10, 13, 4]]),
            ("aaabbbaaa", "abababab", "abaaa",
             [[8, 8, 6, 6, 1], [7, 7, 4, 4, 1], [5, 6, 1, 2, 2], [2, 2, 0, 0, 1]], [[5, 6, 1, 2, 2]]),
        ]
        for (a, b, lcs, m, m2) in cases {
            let r = try run(a, b)
            #expect(str(r.string) == lcs, "\(a) \(b)")
            #expect(r.length == lcs.utf8.count)
            #expect(flat(r.matches) == m, "\(a) \(b)")
            #expect(flat(try run(a, b, min: 2).matches) == m2, "\(a) \(b) min 2")
            #expect(flat(try run(a, b, min: -5).matches) == m)  // negative = no filter
        }
    }

    @Test func limits() {
        let a = [UInt8](repeating: 0x61, count: 1000)
        #expect(throws: LCSError.tableTooLarge) {
            _ = try longestCommonSubsequence(a, a, computeString: true, computeMatches: false,
                                             minMatchLength: 0, maxTableBytes: 1001 * 1001 * 4 - 1)
        }
        let ok = try? longestCommonSubsequence(a, a, computeString: true, computeMatches: false,
                                               minMatchLength: 0, maxTableBytes: 1001 * 1001 * 4)
        #expect(ok?.length == 1000)
        #expect(LCSError.tableTooLarge.redisMessage.hasPrefix("Insufficient memory"))
    }

    @Test func randomAgainstTextbookLength() throws {
        var rng = SplitMix64(seed: 6)
        for _ in 0..<300 {
            let a = rng.bytes(Int(rng.next() % 40), from: bytes("abc"))
            let b = rng.bytes(Int(rng.next() % 40), from: bytes("abc"))
            let r = try longestCommonSubsequence(a, b, computeString: true, computeMatches: true, minMatchLength: 0)
            #expect(r.string.count == r.length)
            #expect(r.matches.reduce(0) { $0 + $1.length } == r.length)
            for m in r.matches {
                #expect(Array(a[m.a]) == Array(b[m.b]))
            }
            // r.string is a subsequence of both.
            func isSub(_ s: [UInt8], _ of: [UInt8]) -> Bool {
                var i = 0
                for c in of where i < s.count && s[i] == c { i += 1 }
                return i == s.count
            }
            #expect(isSub(r.string, a) && isSub(r.string, b))
        }
    }
}
