// The request side of RESP: turns the bytes a client sends into command argument lists, without copying them.
// A request is either a multibulk array of bulk strings (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) or an inline
// command (`GET k\r\n`, telnet style). The parser keeps its place inside an incomplete frame, so a 100 MB
// value arriving in 64 KB reads is scanned once, not once per read. It knows nothing about commands.
// SPDX-License-Identifier: BSD-3-Clause
#if canImport(Glibc)
import Glibc
#endif

/// Where one argument lives: an offset and a length in the bytes the parser was given (or, for inline
/// commands, in ``RESPRequestParser/inlineStorage``).
public struct ArgumentSlice: Sendable, Equatable {
    public var offset: Int
    public var count: Int
    @inlinable public init(offset: Int, count: Int) {
        self.offset = offset
        self.count = count
    }
}

/// Limits the parser enforces; Redis's defaults.
public struct RESPParserLimits: Sendable {
    /// `proto-max-bulk-len`: the largest bulk string a client may send.
    public var maxBulkLength: Int = 512 * 1024 * 1024
    /// Largest inline request or count line (`PROTO_INLINE_MAX_SIZE`).
    public var maxInlineSize: Int = 64 * 1024
    /// Before authentication: at most 10 arguments and 16 KB per argument, as Redis 7 enforces.
    public var authenticated: Bool = true
    public init() {}
}

/// The outcome of one ``RESPRequestParser/parse(_:limits:)`` call.
public enum RESPParseResult: Equatable, Sendable {
    /// A whole command was read; its arguments are in ``RESPRequestParser/arguments``. `consumed` bytes of the
    /// input belong to it. An empty argument list (`*0\r\n`, a blank inline line) is a request that asks nothing.
    case command(consumed: Int)
    /// More bytes are needed; nothing may be discarded from the input until the frame completes.
    case incomplete
    /// A protocol error: reply `-ERR <message>` and close the connection.
    case protocolError(String)
}

/// An incremental RESP request parser. Feed it all unconsumed bytes, starting at the first byte of the frame
/// in progress; after `.command(consumed:)` drop those bytes and call again for the next frame.
public struct RESPRequestParser: @unchecked Sendable {
    /// Argument slots reused from command to command (no per-command allocation or array bookkeeping).
    private final class Slots {
        var base: UnsafeMutablePointer<ArgumentSlice>
        var capacity: Int
        init() {
            capacity = 16
            base = .allocate(capacity: capacity)
        }
        deinit { base.deallocate() }

        @inline(__always)
        func set(_ i: Int, _ slice: ArgumentSlice) {
            if i >= capacity { grow(to: i + 1) }
            base[i] = slice
        }

        func shrink() {
            guard capacity > 1024 else { return }
            base.deallocate()
            capacity = 16
            base = .allocate(capacity: capacity)
        }

        func grow(to n: Int) {
            var c = capacity
            while c < n { c *= 2 }
            let new = UnsafeMutablePointer<ArgumentSlice>.allocate(capacity: c)
            new.moveInitialize(from: base, count: capacity)
            base.deallocate()
            base = new
            capacity = c
        }
    }

    private let slots = Slots()
    /// Number of arguments of the last complete command.
    public private(set) var argumentCount = 0

    /// The arguments of the last complete command (a copy; the server uses `withArguments`).
    public var arguments: [ArgumentSlice] { Array(UnsafeBufferPointer(start: slots.base, count: argumentCount)) }

    /// Calls `body` with the last command's argument slices, without copying them.
    @inlinable
    public func withArguments<R>(_ body: (UnsafeBufferPointer<ArgumentSlice>) throws -> R) rethrows -> R {
        try body(argumentBuffer)
    }

    public var argumentBuffer: UnsafeBufferPointer<ArgumentSlice> {
        UnsafeBufferPointer(start: slots.base, count: argumentCount)
    }
    /// True when the last command was inline: its arguments then point into ``inlineStorage``.
    public private(set) var isInline = false
    /// Bytes of inline arguments (they can contain unescaped quotes, so they cannot be slices of the input).
    public private(set) var inlineStorage: [UInt8] = []

    // Resume state inside a multibulk frame.
    private var remainingArguments = 0  // 0: no frame header read yet
    private var position = 0  // offset in the frame where parsing continues
    private var pendingBulkLength = -1  // -1: the next `$len` line has not been read

    /// Gives back the memory a very large command needed (argument slots, inline bytes), between frames, so a
    /// connection does not keep it (Redis frees argv after each command).
    public mutating func releaseLargeBuffers() {
        guard remainingArguments == 0 else { return }
        argumentCount = 0
        slots.shrink()
        if inlineStorage.capacity > 64 * 1024 { inlineStorage = [] }
    }

    /// The bulk length that is being waited for, if a large argument is in flight (lets the caller reserve).
    public var expectedBulkLength: Int? { pendingBulkLength >= 0 ? pendingBulkLength : nil }

    public init() {}

    /// Parses at most one command from `bytes`, which must start at the frame the previous call left
    /// incomplete (or at a new frame).
    public mutating func parse(_ bytes: UnsafeRawBufferPointer, limits: RESPParserLimits) -> RESPParseResult {
        if remainingArguments == 0, let whole = parseWholeFrame(bytes, limits: limits) { return whole }
        if remainingArguments == 0 {
            if bytes.isEmpty { return .incomplete }
            argumentCount = 0
            isInline = false
            if bytes[0] != UInt8(ascii: "*") { return parseInline(bytes, limits: limits) }
            // The count line: `*<n>\r\n`.
            guard let cr = findCR(bytes, from: 1) else {
                return bytes.count > limits.maxInlineSize
                    ? .protocolError("Protocol error: too big mbulk count string") : .incomplete
            }
            if cr + 1 >= bytes.count { return .incomplete }
            guard let count = parseDecimal(bytes, from: 1, to: cr), count <= Int(Int32.max) else {
                return .protocolError("Protocol error: invalid multibulk length")
            }
            if count > 10 && !limits.authenticated {
                return .protocolError("Protocol error: unauthenticated multibulk length")
            }
            if count <= 0 { return .command(consumed: cr + 2) }
            remainingArguments = count
            position = cr + 2
            pendingBulkLength = -1
            if count <= 1024 && count > slots.capacity { slots.grow(to: count) }
        }
        while remainingArguments > 0 {
            if pendingBulkLength < 0 {
                // One pass over `$<digits>\r`: the digits are parsed while looking for the CR (the lines are short).
                guard let line = scanLengthLine(bytes, from: position + 1) else {
                    if bytes.count - position > limits.maxInlineSize {
                        return fail("Protocol error: too big bulk count string")
                    }
                    return .incomplete
                }
                if line.cr + 1 >= bytes.count { return .incomplete }
                let marker = bytes[position]
                guard marker == UInt8(ascii: "$") else {
                    return fail("Protocol error: expected '$', got '\(Character(Unicode.Scalar(marker)))'")
                }
                guard let length = line.value, length >= 0, length <= limits.maxBulkLength else {
                    return fail("Protocol error: invalid bulk length")
                }
                if length > 16384 && !limits.authenticated {
                    return fail("Protocol error: unauthenticated bulk length")
                }
                pendingBulkLength = length
                position = line.cr + 2
            }
            // Like Redis, the two bytes after the payload are skipped without being checked.
            if bytes.count - position < pendingBulkLength + 2 { return .incomplete }
            slots.set(argumentCount, ArgumentSlice(offset: position, count: pendingBulkLength))
            argumentCount += 1
            position += pendingBulkLength + 2
            pendingBulkLength = -1
            remainingArguments -= 1
        }
        let consumed = position
        position = 0
        return .command(consumed: consumed)
    }

    /// The common case: a complete multibulk frame is already in the buffer. Parsed with local variables only;
    /// returns nil (leaving all state untouched) for anything else — an incomplete frame, an error, an inline
    /// command, more than 1024 arguments — which the resumable path then handles with its exact replies.
    @inline(__always)
    private mutating func parseWholeFrame(_ bytes: UnsafeRawBufferPointer, limits: RESPParserLimits) -> RESPParseResult? {
        let n = bytes.count
        guard n >= 4, let base = bytes.baseAddress else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        guard p[0] == UInt8(ascii: "*"), let countLine = scanLengthLine(bytes, from: 1),
            let count = countLine.value, count > 0, count <= 1024, count <= 10 || limits.authenticated
        else { return nil }
        if count > slots.capacity { slots.grow(to: count) }
        let slotBase = slots.base
        var position = countLine.cr + 2
        for i in 0..<count {
            guard position < n, p[position] == UInt8(ascii: "$"),
                let line = scanLengthLine(bytes, from: position + 1),
                let length = line.value, length >= 0, length <= limits.maxBulkLength,
                length <= 16384 || limits.authenticated
            else { return nil }
            let start = line.cr + 2
            guard start + length + 2 <= n else { return nil }
            slotBase[i] = ArgumentSlice(offset: start, count: length)
            position = start + length + 2
        }
        argumentCount = count
        isInline = false
        return .command(consumed: position)
    }

    private mutating func fail(_ message: String) -> RESPParseResult {
        remainingArguments = 0
        position = 0
        pendingBulkLength = -1
        return .protocolError(message)
    }

    /// Inline commands: one line, split with redis.conf quoting rules (`sdssplitargs`).
    private mutating func parseInline(_ bytes: UnsafeRawBufferPointer, limits: RESPParserLimits) -> RESPParseResult {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            return bytes.count > limits.maxInlineSize
                ? .protocolError("Protocol error: too big inline request") : .incomplete
        }
        var end = newline
        if end > 0 && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        isInline = true
        inlineStorage.removeAll(keepingCapacity: true)
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        guard splitInline(line) else {
            argumentCount = 0
            return .protocolError("Protocol error: unbalanced quotes in request")
        }
        return .command(consumed: newline + 1)
    }

    /// Splits an inline line into ``inlineStorage``; false on unbalanced quotes.
    private mutating func splitInline(_ line: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = line.count
        while true {
            while i < n && isSpace(line[i]) { i += 1 }
            if i >= n { return true }
            let start = inlineStorage.count
            var inDouble = false
            var inSingle = false
            var done = false
            while !done {
                if inDouble {
                    if i >= n { return false }
                    let c = line[i]
                    if c == UInt8(ascii: "\\") && i + 3 < n && line[i + 1] == UInt8(ascii: "x")
                        && hexValue(line[i + 2]) != nil && hexValue(line[i + 3]) != nil
                    {
                        inlineStorage.append(hexValue(line[i + 2])! << 4 | hexValue(line[i + 3])!)
                        i += 3
                    } else if c == UInt8(ascii: "\\") && i + 1 < n {
                        i += 1
                        switch line[i] {
                        case UInt8(ascii: "n"): inlineStorage.append(10)
                        case UInt8(ascii: "r"): inlineStorage.append(13)
                        case UInt8(ascii: "t"): inlineStorage.append(9)
                        case UInt8(ascii: "b"): inlineStorage.append(8)
                        case UInt8(ascii: "a"): inlineStorage.append(7)
                        default: inlineStorage.append(line[i])
                        }
                    } else if c == UInt8(ascii: "\"") {
                        // A closing quote must be followed by a space or the end.
                        if i + 1 < n && !isSpace(line[i + 1]) { return false }
                        done = true
                    } else {
                        inlineStorage.append(c)
                    }
                } else if inSingle {
                    if i >= n { return false }
                    let c = line[i]
                    if c == UInt8(ascii: "\\") && i + 1 < n && line[i + 1] == UInt8(ascii: "'") {
                        i += 1
                        inlineStorage.append(UInt8(ascii: "'"))
                    } else if c == UInt8(ascii: "'") {
                        if i + 1 < n && !isSpace(line[i + 1]) { return false }
                        done = true
                    } else {
                        inlineStorage.append(c)
                    }
                } else {
                    if i >= n { break }
                    let c = line[i]
                    switch c {
                    case 32, 10, 13, 9, 0: done = true
                    case UInt8(ascii: "\""): inDouble = true
                    case UInt8(ascii: "'"): inSingle = true
                    default: inlineStorage.append(c)
                    }
                }
                if i < n { i += 1 }
            }
            slots.set(argumentCount, ArgumentSlice(offset: start, count: inlineStorage.count - start))
            argumentCount += 1
        }
    }
}

@inline(__always) private func isSpace(_ c: UInt8) -> Bool {
    c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12
}

@inline(__always) private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 48...57: return c - 48
    case 97...102: return c - 87
    case 65...70: return c - 55
    default: return nil
    }
}

@inline(__always) private func findCR(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
    guard start < bytes.count, let base = bytes.baseAddress else { return nil }
    guard let hit = memchr(base + start, 13, bytes.count - start) else { return nil }
    return UnsafeRawPointer(hit) - base
}

/// The usual length line, one or two digits and a CR (`3\r`, `16\r`), read without ``scanLengthLine``'s loop;
/// nil for anything else (the scanner then decides). Same results as the scanner for the lines it accepts: "0" is
/// valid, a leading zero ("05") is not, so two-digit lines must start with 1-9.
@inline(__always) private func shortLengthLine(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> (value: Int?, cr: Int)? {
    guard start + 2 < n else { return nil }
    let d0 = p[start] &- 48
    guard d0 <= 9 else { return nil }
    if p[start + 1] == 13 { return (Int(d0), start + 1) }
    let d1 = p[start + 1] &- 48
    guard d0 != 0, d1 <= 9, p[start + 2] == 13 else { return nil }
    return (Int(d0) * 10 + Int(d1), start + 2)
}

/// Scans a length line from `start` to its CR, parsing it with `string2ll` rules on the way. Returns nil when no
/// CR has arrived yet; `value` is nil when the text between is not a valid integer.
@inline(__always) private func scanLengthLine(_ buffer: UnsafeRawBufferPointer, from start: Int) -> (value: Int?, cr: Int)? {
    let n = buffer.count
    guard start < n, let base = buffer.baseAddress else { return nil }
    let p = base.assumingMemoryBound(to: UInt8.self)
    if let short = shortLengthLine(p, n, from: start) { return short }
    var i = start
    var value: UInt64 = 0
    var valid = true
    var negative = false
    if p[i] == UInt8(ascii: "-") {
        negative = true
        i += 1
    }
    let firstDigit = i
    while i < n {
        let c = p[i]
        if c == 13 { break }
        let d = c &- 48
        if d > 9 || value > (UInt64.max - 9) / 10 {
            valid = false
        } else {
            value = value &* 10 &+ UInt64(d)
        }
        i += 1
        // A line longer than any integer is invalid; find its CR with memchr instead of byte by byte.
        if i - start > 24 {
            guard let hit = memchr(base + i, 13, n - i) else { return nil }
            return (nil, UnsafeRawPointer(hit) - base)
        }
    }
    if i >= n { return nil }
    let digits = i - firstDigit
    // string2ll: no empty number, no leading zeros (except "0" itself), no "-0".
    if digits == 0 || (digits > 1 && p[firstDigit] == UInt8(ascii: "0")) || (negative && value == 0) { valid = false }
    guard valid else { return (nil, i) }
    if negative {
        return value <= UInt64(Int64.max) + 1 ? (Int(truncatingIfNeeded: 0 &- value), i) : (nil, i)
    }
    return value <= UInt64(Int64.max) ? (Int(value), i) : (nil, i)
}

/// `string2ll` on a count line: optional '-', digits, no leading zeros, no '+', must fit in Int64.
@inline(__always) private func parseDecimal(_ buffer: UnsafeRawBufferPointer, from: Int, to: Int) -> Int? {
    var i = from
    if i >= to { return nil }
    let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
    var negative = false
    if bytes[i] == UInt8(ascii: "-") {
        negative = true
        i += 1
        if i >= to { return nil }
    }
    if to - from == 1 && bytes[from] == UInt8(ascii: "0") { return 0 }
    if bytes[i] == UInt8(ascii: "0") { return nil }
    var value: UInt64 = 0
    while i < to {
        let d = bytes[i] &- 48
        if d > 9 { return nil }
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(UInt64(d))
        if o1 || o2 { return nil }
        value = s
        i += 1
    }
    if negative {
        if value > UInt64(Int64.max) + 1 { return nil }
        return value == UInt64(Int64.max) + 1 ? Int(Int64.min) : -Int(value)
    }
    if value > UInt64(Int64.max) { return nil }
    return Int(value)
}
