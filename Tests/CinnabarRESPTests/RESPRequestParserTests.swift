// Tests for RESPRequestParser: multibulk and inline requests, sdssplitargs quoting, every protocol error and limit, and incremental feeding (all at once, byte by byte, random chunks, large bulks, fuzzing).
import CinnabarRESP
import Testing

// MARK: - Helpers

private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A multibulk frame for the given arguments.
private func frame(_ args: [[UInt8]]) -> [UInt8] {
    var out = b("*\(args.count)\r\n")
    for a in args {
        out += b("$\(a.count)\r\n")
        out += a
        out += b("\r\n")
    }
    return out
}

private func frame(_ args: String...) -> [UInt8] { frame(args.map(b)) }

/// The arguments of the parser's last command, copied out of the input or the inline storage.
private func extractArguments(_ parser: RESPRequestParser, input: [UInt8], consumed: Int) -> [[UInt8]] {
    var out: [[UInt8]] = []
    for slice in parser.arguments {
        let limit = parser.isInline ? parser.inlineStorage.count : consumed
        guard slice.offset >= 0, slice.count >= 0, slice.offset + slice.count <= limit else {
            Issue.record("argument slice \(slice) outside its storage (limit \(limit))")
            return out
        }
        if parser.isInline {
            out.append(Array(parser.inlineStorage[slice.offset..<slice.offset + slice.count]))
        } else {
            out.append(Array(input[slice.offset..<slice.offset + slice.count]))
        }
    }
    return out
}

/// Parses one buffer with a fresh parser.
private func parseOnce(
    _ input: [UInt8], limits: RESPParserLimits = RESPParserLimits()
) -> (result: RESPParseResult, args: [[UInt8]], inline: Bool) {
    var parser = RESPRequestParser()
    let result = input.withUnsafeBytes { parser.parse($0, limits: limits) }
    if case .command(let consumed) = result {
        return (result, extractArguments(parser, input: input, consumed: consumed), parser.isInline)
    }
    return (result, [], parser.isInline)
}

private func parseOnce(_ s: String, limits: RESPParserLimits = RESPParserLimits()) -> (
    result: RESPParseResult, args: [[UInt8]], inline: Bool
) {
    parseOnce(b(s), limits: limits)
}

/// What a whole stream parsed into.
private struct StreamOutcome: Equatable, CustomStringConvertible {
    var commands: [[[UInt8]]] = []
    var inline: [Bool] = []
    var error: String?

    var description: String {
        let cmds = commands.map { $0.map { String(decoding: $0, as: UTF8.self) } }
        return "commands: \(cmds), inline: \(inline), error: \(error ?? "none")"
    }
}

/// Feeds `stream` in chunks of the given sizes the way the server does: append the chunk, then call `parse`
/// until it answers `.incomplete`; after `.command(consumed:)` the consumed bytes are dropped.
private func feed(
    _ stream: [UInt8], chunks: [Int], limits: RESPParserLimits = RESPParserLimits()
) -> StreamOutcome {
    var parser = RESPRequestParser()
    var buffer: [UInt8] = []
    var outcome = StreamOutcome()
    var offset = 0
    var chunkIndex = 0
    while offset < stream.count {
        let size = chunkIndex < chunks.count ? chunks[chunkIndex] : stream.count - offset
        chunkIndex += 1
        let end = min(stream.count, offset + max(size, 1))
        buffer.append(contentsOf: stream[offset..<end])
        offset = end
        parsing: while true {
            let result = buffer.withUnsafeBytes { parser.parse($0, limits: limits) }
            switch result {
            case .incomplete:
                break parsing
            case .protocolError(let message):
                outcome.error = message
                return outcome
            case .command(let consumed):
                guard consumed > 0 && consumed <= buffer.count else {
                    Issue.record("consumed \(consumed) of a \(buffer.count)-byte buffer")
                    return outcome
                }
                outcome.commands.append(extractArguments(parser, input: buffer, consumed: consumed))
                outcome.inline.append(parser.isInline)
                buffer.removeFirst(consumed)
                if buffer.isEmpty { break parsing }
            }
        }
    }
    return outcome
}

/// SplitMix64, for reproducible chunk sizes and fuzz input.
private struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func randomChunks(total: Int, maxChunk: Int, seed: UInt64) -> [Int] {
    var rng = SeededRandom(seed: seed)
    var sizes: [Int] = []
    var left = total
    while left > 0 {
        let n = Int.random(in: 1...max(1, maxChunk), using: &rng)
        sizes.append(n)
        left -= n
    }
    return sizes
}

/// The verifier (in the spirit of NIO's ByteToMessageDecoderVerifier): the stream must parse identically when
/// given all at once, one byte at a time, and in random chunk sizes. Returns the all-at-once outcome.
@discardableResult
private func verify(
    _ stream: [UInt8], limits: RESPParserLimits = RESPParserLimits(), byteByByte: Bool = true,
    seeds: ClosedRange<UInt64> = 1...6, sourceLocation: SourceLocation = #_sourceLocation
) -> StreamOutcome {
    let whole = feed(stream, chunks: [stream.count], limits: limits)
    if byteByByte {
        let single = feed(stream, chunks: Array(repeating: 1, count: stream.count), limits: limits)
        #expect(single == whole, "byte-by-byte feeding differs", sourceLocation: sourceLocation)
    }
    for seed in seeds {
        let maxChunk = [2, 3, 7, 16, 64, 1000][Int(seed) % 6]
        let chunks = randomChunks(total: stream.count, maxChunk: maxChunk, seed: seed)
        let chunked = feed(stream, chunks: chunks, limits: limits)
        #expect(chunked == whole, "chunked feeding (seed \(seed), max \(maxChunk)) differs", sourceLocation: sourceLocation)
    }
    return whole
}

private func unauthenticated() -> RESPParserLimits {
    var limits = RESPParserLimits()
    limits.authenticated = false
    return limits
}

// MARK: - Multibulk

@Suite("RESP request parser: multibulk")
struct MultibulkParsingTests {
    @Test("Multibulk command yields argument slices into the input and consumes the whole frame")
    func multibulkSlices() {
        let input = b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n")
        var parser = RESPRequestParser()
        let result = input.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) }
        #expect(result == .command(consumed: 31))
        #expect(!parser.isInline)
        #expect(
            parser.arguments == [
                ArgumentSlice(offset: 8, count: 3), ArgumentSlice(offset: 17, count: 1),
                ArgumentSlice(offset: 24, count: 5),
            ])
        #expect(extractArguments(parser, input: input, consumed: 31) == [b("SET"), b("k"), b("hello")])
        #expect(parser.expectedBulkLength == nil)
    }

    @Test("Bulk arguments are binary safe: CR, LF, NUL and high bytes are kept")
    func binarySafe() {
        let payload: [UInt8] = [13, 10, 0, 255, 42, 13, 10, 36]
        let r = parseOnce(frame([b("SET"), payload]))
        #expect(r.result == .command(consumed: frame([b("SET"), payload]).count))
        #expect(r.args == [b("SET"), payload])
    }

    @Test("Zero-length bulk is an empty argument")
    func emptyBulk() {
        let r = parseOnce("*2\r\n$0\r\n\r\n$1\r\nx\r\n")
        #expect(r.result == .command(consumed: 17))
        #expect(r.args == [[], b("x")])
    }

    @Test("Lengths of one, two and more digits, at each width's edges", arguments: [0, 1, 9, 10, 11, 99, 100, 1000])
    func lengthWidths(_ n: Int) {
        let value = [UInt8](repeating: 0x61, count: n)
        let input = frame([b("SET"), value, b("x")])
        let r = parseOnce(input)
        #expect(r.result == .command(consumed: input.count))
        #expect(r.args == [b("SET"), value, b("x")])
        // The same frame arriving one byte short is incomplete, whichever line the cut falls in.
        for cut in 1..<input.count {
            #expect(parseOnce(Array(input[0..<cut])).result == .incomplete)
        }
    }

    @Test("The two bytes after a bulk payload are skipped without being checked")
    func trailerNotChecked() {
        let r = parseOnce("*1\r\n$3\r\nfooXY")
        #expect(r.result == .command(consumed: 13))
        #expect(r.args == [b("foo")])
    }

    @Test("*0 and *-1 are empty commands that consume only their count line")
    func emptyMultibulk() {
        #expect(parseOnce("*0\r\n").result == .command(consumed: 4))
        #expect(parseOnce("*0\r\n").args == [])
        #expect(parseOnce("*0\r\n").inline == false)
        #expect(parseOnce("*-1\r\n*1\r\n$1\r\na\r\n").result == .command(consumed: 5))
        #expect(parseOnce("*-5\r\n").args == [])
    }

    @Test("Pipelined commands are returned one per call")
    func pipelined() {
        let first = frame("GET", "a")
        let second = frame("INCR", "counter")
        let input = first + second + b("PING\r\n")
        var parser = RESPRequestParser()
        var rest = input
        var seen: [[[UInt8]]] = []
        for expected in [first.count, second.count, 6] {
            let result = rest.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) }
            #expect(result == .command(consumed: expected))
            seen.append(extractArguments(parser, input: rest, consumed: expected))
            rest.removeFirst(expected)
        }
        #expect(seen == [[b("GET"), b("a")], [b("INCR"), b("counter")], [b("PING")]])
        #expect(rest.isEmpty)
        #expect(rest.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) } == .incomplete)
    }

    @Test("Empty input and every proper prefix of a frame are incomplete")
    func prefixesIncomplete() {
        let input = frame("SET", "key", "value")
        var parser = RESPRequestParser()
        for n in 0..<input.count {
            let prefix = Array(input[0..<n])
            #expect(prefix.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) } == .incomplete)
        }
        #expect(input.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) } == .command(consumed: input.count))
    }

    @Test("Count of exactly Int32.max is accepted and waits for its arguments")
    func maxCountAccepted() {
        var parser = RESPRequestParser()
        let input = b("*2147483647\r\n")
        #expect(input.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) } == .incomplete)
    }

    @Test("The parser is reusable after a protocol error in the middle of a frame")
    func resetsAfterError() {
        var parser = RESPRequestParser()
        let bad = b("*3\r\n$1\r\na\r\n:x\r\n")
        #expect(
            bad.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) }
                == .protocolError("Protocol error: expected '$', got ':'"))
        let good = frame("PING", "hi")
        #expect(good.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) } == .command(consumed: good.count))
        #expect(extractArguments(parser, input: good, consumed: good.count) == [b("PING"), b("hi")])
    }
}

// MARK: - Inline

@Suite("RESP request parser: inline commands")
struct InlineParsingTests {
    @Test("Inline command is split on spaces and tabs; CRLF or a bare LF ends it")
    func splitsOnWhitespace() {
        let r = parseOnce("SET  k\tv \r\nGET k\r\n")
        #expect(r.result == .command(consumed: 11))
        #expect(r.args == [b("SET"), b("k"), b("v")])
        #expect(r.inline)
        let lf = parseOnce("PING\n")
        #expect(lf.result == .command(consumed: 5))
        #expect(lf.args == [b("PING")])
    }

    @Test("Blank inline lines are empty commands")
    func blankLines() {
        #expect(parseOnce("\r\n").result == .command(consumed: 2))
        #expect(parseOnce("\r\n").args == [])
        #expect(parseOnce("\n").result == .command(consumed: 1))
        #expect(parseOnce("  \t \r\n").result == .command(consumed: 6))
        #expect(parseOnce("  \t \r\n").args == [])
    }

    @Test("Inline line without a newline is incomplete")
    func noNewline() {
        #expect(parseOnce("GET key").result == .incomplete)
        #expect(parseOnce("GET key\r").result == .incomplete)
    }

    @Test("Double quotes group words and unescape \\n \\r \\t \\b \\a \\\" \\\\ and \\xHH")
    func doubleQuotes() {
        let r = parseOnce(#"SET "a b" "\x41\x4a\n\r\t\b\a\"\\\q""# + "\r\n")
        #expect(r.args == [b("SET"), b("a b"), [0x41, 0x4A, 10, 13, 9, 8, 7, 34, 92, UInt8(ascii: "q")]])
        #expect(parseOnce(#"GET "k\x00z""# + "\n").args == [b("GET"), [107, 0, 122]])
    }

    @Test("Invalid or truncated \\x escapes keep the x literally")
    func invalidHexEscape() {
        #expect(parseOnce(#""\xZZ""# + "\n").args == [b("xZZ")])
        #expect(parseOnce(#""\x4""# + "\n").args == [b("x4")])
        #expect(parseOnce(#""\xa""# + "\n").args == [b("xa")])
    }

    @Test("Single quotes take bytes literally except \\'")
    func singleQuotes() {
        let r = parseOnce(#"ECHO 'it\'s' 'a "b"' '\n'"# + "\r\n")
        #expect(r.args == [b("ECHO"), b("it's"), b(#"a "b""#), b(#"\n"#)])
    }

    @Test("Empty quoted strings are empty arguments")
    func emptyQuoted() {
        let r = parseOnce(#"SET k "" ''"# + "\r\n")
        #expect(r.args == [b("SET"), b("k"), [], []])
    }

    @Test("A quote inside an unquoted word starts a quoted part of the same argument")
    func quoteMidWord() {
        #expect(parseOnce(#"a"b c" d"# + "\n").args == [b("ab c"), b("d")])
        #expect(parseOnce("x'y z'\n").args == [b("xy z")])
    }

    @Test("Inline command with unbalanced quotes is a protocol error")
    func unbalancedQuotes() {
        let message = RESPParseResult.protocolError("Protocol error: unbalanced quotes in request")
        #expect(parseOnce(#"SET "abc"# + "\r\n").result == message)
        #expect(parseOnce("SET 'abc\r\n").result == message)
        #expect(parseOnce(#"SET "abc\""# + "\r\n").result == message)
        #expect(parseOnce(#"SET "abc"def"# + "\r\n").result == message)
        #expect(parseOnce("SET 'abc'x\r\n").result == message)
        #expect(parseOnce("\"\n").result == message)
    }

    @Test("A closing quote may be followed by whitespace or the end of the line")
    func closingQuoteFollowers() {
        #expect(parseOnce("\"a\"\t\"b\"\n").args == [b("a"), b("b")])
        #expect(parseOnce(#""a""# + "\r\n").args == [b("a")])
    }

    @Test("Inline arguments live in inlineStorage, not in the input")
    func inlineStorage() {
        var parser = RESPRequestParser()
        let input = b(#"SET "x\x41" y"# + "\r\n")
        let result = input.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) }
        #expect(result == .command(consumed: input.count))
        #expect(parser.isInline)
        #expect(parser.inlineStorage == b("SETxAy"))
        #expect(
            parser.arguments == [
                ArgumentSlice(offset: 0, count: 3), ArgumentSlice(offset: 3, count: 2),
                ArgumentSlice(offset: 5, count: 1),
            ])
        // A following multibulk command clears the inline flag.
        let next = frame("GET", "y")
        #expect(next.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) } == .command(consumed: next.count))
        #expect(!parser.isInline)
    }
}

// MARK: - Protocol errors and limits

@Suite("RESP request parser: protocol errors and limits")
struct ParserErrorTests {
    static let invalidMultibulk = RESPParseResult.protocolError("Protocol error: invalid multibulk length")
    static let invalidBulk = RESPParseResult.protocolError("Protocol error: invalid bulk length")

    @Test(
        "Malformed multibulk counts are invalid multibulk length",
        arguments: ["*abc\r\n", "*3000000000\r\n", "*2147483648\r\n", "*\r\n", "*01\r\n", "*+1\r\n", "*-0\r\n",
            "*1 \r\n", "*99999999999999999999\r\n", "*00\r\n", "*1a\r\n", "*a1\r\n"])
    func invalidMultibulkLength(_ input: String) {
        #expect(parseOnce(input).result == Self.invalidMultibulk)
    }

    @Test(
        "Malformed bulk lengths are invalid bulk length",
        arguments: ["$x\r\n", "$-1\r\n", "$01\r\n", "$\r\n", "$+3\r\n", "$3x\r\n", "$-0\r\n", "$00\r\n", "$03\r\n",
            "$1:\r\n", "$:1\r\n"])
    func invalidBulkLength(_ header: String) {
        #expect(parseOnce("*1\r\n" + header + "abc\r\n").result == Self.invalidBulk)
    }

    @Test("A non-$ argument header names the offending byte")
    func expectedDollar() {
        #expect(parseOnce("*1\r\nx\r\n").result == .protocolError("Protocol error: expected '$', got 'x'"))
        #expect(parseOnce("*2\r\n$1\r\na\r\n:1\r\n").result == .protocolError("Protocol error: expected '$', got ':'"))
        // The header line must be complete (CR and LF) before it is judged.
        #expect(parseOnce("*1\r\nx").result == .incomplete)
        #expect(parseOnce("*1\r\nx\r").result == .incomplete)
    }

    @Test("Bulk longer than proto-max-bulk-len is invalid bulk length")
    func maxBulkLength() {
        var limits = RESPParserLimits()
        limits.maxBulkLength = 10
        #expect(parseOnce("*1\r\n$11\r\n", limits: limits).result == Self.invalidBulk)
        let ok = parseOnce("*1\r\n$10\r\n0123456789\r\n", limits: limits)
        #expect(ok.result == .command(consumed: 21))
        #expect(ok.args == [b("0123456789")])
        // The default is 512 MB.
        #expect(parseOnce("*1\r\n$536870913\r\n").result == Self.invalidBulk)
        var parser = RESPRequestParser()
        let header = b("*1\r\n$536870912\r\n")
        #expect(header.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) } == .incomplete)
        #expect(parser.expectedBulkLength == 536_870_912)
    }

    @Test("Multibulk count line over 64 KB without CR is too big mbulk count string")
    func tooBigMbulkCount() {
        let over = b("*") + [UInt8](repeating: UInt8(ascii: "1"), count: 64 * 1024)
        #expect(parseOnce(over).result == .protocolError("Protocol error: too big mbulk count string"))
        let atLimit = b("*") + [UInt8](repeating: UInt8(ascii: "1"), count: 64 * 1024 - 1)
        #expect(parseOnce(atLimit).result == .incomplete)
    }

    @Test("Bulk count line over 64 KB without CR is too big bulk count string")
    func tooBigBulkCount() {
        let prefix = b("*1\r\n")
        let over = prefix + b("$") + [UInt8](repeating: UInt8(ascii: "1"), count: 64 * 1024)
        #expect(parseOnce(over).result == .protocolError("Protocol error: too big bulk count string"))
        let atLimit = prefix + b("$") + [UInt8](repeating: UInt8(ascii: "1"), count: 64 * 1024 - 1)
        #expect(parseOnce(atLimit).result == .incomplete)
    }

    @Test("Inline request over 64 KB without a newline is too big inline request")
    func tooBigInline() {
        let over = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024 + 1)
        #expect(parseOnce(over).result == .protocolError("Protocol error: too big inline request"))
        let atLimit = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        #expect(parseOnce(atLimit).result == .incomplete)
        // A long line that does end is fine.
        let long = parseOnce(b("ECHO ") + [UInt8](repeating: UInt8(ascii: "z"), count: 100_000) + b("\r\n"))
        #expect(long.result == .command(consumed: 100_007))
        #expect(long.args.map(\.count) == [4, 100_000])
    }

    @Test("maxInlineSize is configurable")
    func customInlineLimit() {
        var limits = RESPParserLimits()
        limits.maxInlineSize = 8
        #expect(parseOnce("123456789", limits: limits).result == .protocolError("Protocol error: too big inline request"))
        #expect(parseOnce("12345678", limits: limits).result == .incomplete)
        #expect(parseOnce("*123456789", limits: limits).result == .protocolError("Protocol error: too big mbulk count string"))
        #expect(parseOnce("*1\r\n$123456789", limits: limits).result == .protocolError("Protocol error: too big bulk count string"))
        #expect(parseOnce("*1\r\n$1234567", limits: limits).result == .incomplete)
    }

    @Test("Unauthenticated clients may send at most 10 arguments")
    func unauthenticatedMultibulk() {
        let eleven = frame(Array(repeating: b("a"), count: 11))
        #expect(
            parseOnce(eleven, limits: unauthenticated()).result
                == .protocolError("Protocol error: unauthenticated multibulk length"))
        #expect(parseOnce(eleven).result == .command(consumed: eleven.count))
        let ten = frame(Array(repeating: b("a"), count: 10))
        #expect(parseOnce(ten, limits: unauthenticated()).result == .command(consumed: ten.count))
        // The count alone decides, before any argument arrives.
        #expect(
            parseOnce("*11\r\n", limits: unauthenticated()).result
                == .protocolError("Protocol error: unauthenticated multibulk length"))
    }

    @Test("Unauthenticated clients may send arguments of at most 16384 bytes")
    func unauthenticatedBulk() {
        #expect(
            parseOnce("*1\r\n$16385\r\n", limits: unauthenticated()).result
                == .protocolError("Protocol error: unauthenticated bulk length"))
        let max = frame([[UInt8](repeating: 7, count: 16384)])
        #expect(parseOnce(max, limits: unauthenticated()).result == .command(consumed: max.count))
        let big = frame([[UInt8](repeating: 7, count: 16385)])
        #expect(parseOnce(big).result == .command(consumed: big.count))
    }
}

// MARK: - Incremental feeding

@Suite("RESP request parser: incremental feeding")
struct IncrementalParsingTests {
    static func mixedStream() -> (stream: [UInt8], expected: [[[UInt8]]], inline: [Bool]) {
        var stream: [UInt8] = []
        var expected: [[[UInt8]]] = []
        var inline: [Bool] = []
        func add(_ bytes: [UInt8], _ args: [[UInt8]], isInline: Bool) {
            stream += bytes
            expected.append(args)
            inline.append(isInline)
        }
        add(frame("SET", "key", "value"), [b("SET"), b("key"), b("value")], isInline: false)
        add(b("PING\r\n"), [b("PING")], isInline: true)
        add(b("*0\r\n"), [], isInline: false)
        add(b("\r\n"), [], isInline: true)
        add(b(#"SET "a b" 'c d' \x41"# + "\n"), [b("SET"), b("a b"), b("c d"), b(#"\x41"#)], isInline: true)
        add(frame([b("BIN"), [0, 13, 10, 255], []]), [b("BIN"), [0, 13, 10, 255], []], isInline: false)
        add(b("*-1\r\n"), [], isInline: false)
        let big = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        add(frame([b("APPEND"), b("k"), big]), [b("APPEND"), b("k"), big], isInline: false)
        add(frame("GET", "key"), [b("GET"), b("key")], isInline: false)
        add(b(#"ECHO "\xff\x00""# + "\r\n"), [b("ECHO"), [255, 0]], isInline: true)
        add(b("*1\r\n$3\r\nfoo!!"), [b("foo")], isInline: false)
        return (stream, expected, inline)
    }

    @Test("A mixed pipelined stream parses identically all at once, byte by byte and in random chunks")
    func verifierMixedStream() {
        let (stream, expected, inline) = Self.mixedStream()
        let outcome = verify(stream)
        #expect(outcome.error == nil)
        #expect(outcome.commands == expected)
        #expect(outcome.inline == inline)
    }

    @Test("A stream ending in a protocol error reports the same commands and error however it is chunked")
    func verifierErrorStream() {
        let stream = frame("GET", "a") + b("PING\r\n") + b("*2\r\n$1\r\nx\r\n?3\r\nabc\r\n") + frame("GET", "b")
        let outcome = verify(stream)
        #expect(outcome.commands == [[b("GET"), b("a")], [b("PING")]])
        #expect(outcome.error == "Protocol error: expected '$', got '?'")

        let quotes = b("PING\r\nSET \"abc\r\nGET x\r\n")
        let q = verify(quotes)
        #expect(q.commands == [[b("PING")]])
        #expect(q.error == "Protocol error: unbalanced quotes in request")
    }

    @Test("Unauthenticated limits apply identically however the stream is chunked")
    func verifierUnauthenticated() {
        let stream = frame("AUTH", "pw") + frame([b("SET"), b("k"), [UInt8](repeating: 1, count: 16385)])
        let outcome = verify(stream, limits: unauthenticated(), byteByByte: false)
        #expect(outcome.commands == [[b("AUTH"), b("pw")]])
        #expect(outcome.error == "Protocol error: unauthenticated bulk length")
    }

    @Test("A 1 MB bulk fed in 64 KB chunks is waited for without rescanning, then returned whole")
    func largeBulkInChunks() {
        let size = 1 << 20
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let stream = frame([b("SET"), b("big"), payload]) + frame("GET", "big")
        // "*3" and "*2" have the same width, so the payload starts after the two-argument frame and its header.
        let headerEnd = frame([b("SET"), b("big")]).count + b("$1048576\r\n").count
        var parser = RESPRequestParser()
        var buffer: [UInt8] = []
        var offset = 0
        var calls = 0
        var result = RESPParseResult.incomplete
        while offset < stream.count {
            let end = min(stream.count, offset + 64 * 1024)
            buffer.append(contentsOf: stream[offset..<end])
            offset = end
            result = buffer.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) }
            calls += 1
            if case .command = result { break }
            #expect(result == .incomplete)
            // Once the `$1048576` header has been read the parser knows what it is waiting for.
            #expect(parser.expectedBulkLength == size)
        }
        #expect(calls == 17)  // 16 full chunks hold the header and most of the payload
        let consumed = stream.count - frame("GET", "big").count
        #expect(result == .command(consumed: consumed))
        #expect(parser.expectedBulkLength == nil)
        #expect(parser.arguments.last == ArgumentSlice(offset: headerEnd, count: size))
        let args = extractArguments(parser, input: buffer, consumed: consumed)
        #expect(args.count == 3)
        #expect(args[0] == b("SET") && args[1] == b("big"))
        #expect(args[2] == payload)
        buffer.removeFirst(consumed)
        #expect(buffer.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) } == .command(consumed: buffer.count))
        #expect(extractArguments(parser, input: buffer, consumed: buffer.count) == [b("GET"), b("big")])
    }

    @Test("While a bulk is in flight the parser resumes at its saved position instead of rereading the frame")
    func resumesWithoutRescan() {
        var parser = RESPRequestParser()
        let head = b("*2\r\n$3\r\nSET\r\n$10\r\n")
        var buffer = head + b("01234")
        #expect(buffer.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) } == .incomplete)
        #expect(parser.expectedBulkLength == 10)
        // Overwrite what was already parsed: a parser that rescans from the start would now fail.
        for i in 0..<head.count { buffer[i] = UInt8(ascii: "#") }
        buffer += b("56789\r\n")
        #expect(buffer.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) } == .command(consumed: buffer.count))
        #expect(parser.arguments == [ArgumentSlice(offset: 8, count: 3), ArgumentSlice(offset: head.count, count: 10)])
        #expect(extractArguments(parser, input: buffer, consumed: buffer.count)[1] == b("0123456789"))
    }

    @Test("Large arguments and many arguments survive random chunking")
    func verifierLargeArguments() {
        var rng = SeededRandom(seed: 99)
        var stream: [UInt8] = []
        var expected: [[[UInt8]]] = []
        for i in 0..<12 {
            let argc = Int.random(in: 1...40, using: &rng)
            var args: [[UInt8]] = []
            for j in 0..<argc {
                let len = i % 4 == 0 && j == 0 ? Int.random(in: 16_000...70_000, using: &rng) : Int.random(in: 0...40, using: &rng)
                args.append((0..<len).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
            stream += frame(args)
            expected.append(args)
        }
        let outcome = verify(stream, byteByByte: false, seeds: 1...12)
        #expect(outcome.error == nil)
        #expect(outcome.commands == expected)
    }
}

// MARK: - Fuzzing

@Suite("RESP request parser: fuzzing")
struct ParserFuzzTests {
    /// Bytes that steer the parser into its interesting states.
    static let alphabet: [UInt8] = Array("*$\r\n\r\n0123456789-+ \t\"'\\xAfz:".utf8) + [0, 255, 11]

    /// Checks one stream: no crash, every result well formed, and identical results all at once and chunked.
    static func check(_ stream: [UInt8], seed: UInt64, byteByByte: Bool) {
        // Every call on every prefix gives one of the three results; commands consume at least one byte.
        var parser = RESPRequestParser()
        var rest = stream[...]
        var steps = 0
        while !rest.isEmpty && steps < 10_000 {
            steps += 1
            let chunk = Array(rest)
            let result = chunk.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) }
            switch result {
            case .incomplete, .protocolError:
                rest = []
            case .command(let consumed):
                #expect(consumed > 0 && consumed <= chunk.count)
                _ = extractArguments(parser, input: chunk, consumed: consumed)
                rest = rest.dropFirst(max(consumed, 1))
            }
        }
        let whole = feed(stream, chunks: [stream.count])
        let chunked = feed(stream, chunks: randomChunks(total: stream.count, maxChunk: 9, seed: seed))
        #expect(chunked == whole, "stream \(stream)")
        if byteByByte {
            let single = feed(stream, chunks: Array(repeating: 1, count: stream.count))
            #expect(single == whole, "stream \(stream)")
        }
    }

    @Test("Random bytes never crash and parse the same way however they are chunked")
    func randomBytes() {
        var rng = SeededRandom(seed: 2024)
        for i in 0..<5000 {
            let n = Int.random(in: 0...96, using: &rng)
            let useAlphabet = i % 3 != 0
            let stream: [UInt8] = (0..<n).map { _ in
                useAlphabet ? Self.alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            Self.check(stream, seed: UInt64(i), byteByByte: i % 4 == 0)
        }
    }

    @Test("Mutated valid streams never crash and parse the same way however they are chunked")
    func mutatedStreams() {
        var rng = SeededRandom(seed: 77)
        let base = IncrementalParsingTests.mixedStream().stream.prefix(400)
        for i in 0..<1500 {
            var stream = Array(base)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<stream.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: stream[at] = Self.alphabet.randomElement(using: &rng)!
                case 1: stream.remove(at: at)
                default: stream.insert(Self.alphabet.randomElement(using: &rng)!, at: at)
                }
            }
            Self.check(stream, seed: UInt64(i), byteByByte: i % 8 == 0)
        }
    }
}
