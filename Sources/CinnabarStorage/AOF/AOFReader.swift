// Reading the commands of an AOF file (Redis's loadSingleAppendOnlyFile parsing): `*<argc>` lines, each argument a
// `$<len>` line, the bytes and two more bytes, with `#` annotation lines (aof-timestamp-enabled) skipped. A file
// that ends in the middle of a command is "truncated" (recoverable with aof-load-truncated: the last complete
// command is kept); anything else that is not this grammar is a format error at a byte offset.
// SPDX-License-Identifier: BSD-3-Clause

public enum AOFReadOutcome: Equatable, Sendable {
    /// Every command was read.
    case complete
    /// The file ends inside a command; `validUpTo` is the end of the last complete one.
    case truncated(validUpTo: Int)
    /// Not the AOF grammar at this offset (the start of the line that is wrong).
    case formatError(offset: Int)
}

public enum AOFReader {
    /// Calls `body` with the (offset, length) of each argument of each command in `data[start...]` and the offset
    /// just past the command. `body` returns false to stop reading (a failed command); the outcome is then
    /// `.complete` as far as the reader is concerned.
    public static func read(_ data: UnsafeRawBufferPointer, from start: Int,
                            _ body: (_ arguments: [(offset: Int, count: Int)], _ end: Int) -> Bool) -> AOFReadOutcome {
        var i = start
        var validUpTo = start
        var slices: [(offset: Int, count: Int)] = []
        let n = data.count
        /// The line starting at `from`: its content range (without CR LF) and where the next one starts; nil at EOF
        /// with nothing read.
        func line(_ from: Int) -> (Range<Int>, next: Int)? {
            guard from < n else { return nil }
            var e = from
            while e < n && data[e] != 10 { e += 1 }
            let next = e < n ? e + 1 : n
            var contentEnd = e
            if contentEnd > from && data[contentEnd - 1] == 13 { contentEnd -= 1 }
            return (from..<contentEnd, next)
        }
        /// atoi/strtol of a line after its first byte.
        func number(_ r: Range<Int>) -> Int {
            var j = r.lowerBound + 1
            var negative = false
            if j < r.upperBound && (data[j] == UInt8(ascii: "-") || data[j] == UInt8(ascii: "+")) {
                negative = data[j] == UInt8(ascii: "-")
                j += 1
            }
            var v = 0
            while j < r.upperBound && data[j] >= 48 && data[j] <= 57 {
                v = v &* 10 &+ Int(data[j] - 48)
                j += 1
            }
            return negative ? -v : v
        }
        while true {
            guard let (header, afterHeader) = line(i) else { return .complete }
            if data[header.lowerBound] == UInt8(ascii: "#") {
                i = afterHeader
                continue
            }
            guard data[header.lowerBound] == UInt8(ascii: "*") else { return .formatError(offset: i) }
            // "*" alone at the end of the file is a short read (Redis: buf[1] == '\0').
            if header.count == 1 && afterHeader == n && (afterHeader == header.upperBound) { return .truncated(validUpTo: validUpTo) }
            let argc = number(header)
            guard argc >= 1 else { return .formatError(offset: i) }
            // A header line without its newline is a command cut short.
            if afterHeader == header.upperBound && afterHeader == n { return .truncated(validUpTo: validUpTo) }
            slices.removeAll(keepingCapacity: true)
            var p = afterHeader
            for _ in 0..<argc {
                guard let (lenLine, afterLen) = line(p) else { return .truncated(validUpTo: validUpTo) }
                guard data[lenLine.lowerBound] == UInt8(ascii: "$") else { return .formatError(offset: p) }
                if afterLen == n && afterLen == lenLine.upperBound { return .truncated(validUpTo: validUpTo) }
                let len = number(lenLine)
                guard len >= 0 else { return .formatError(offset: p) }
                guard afterLen + len + 2 <= n else { return .truncated(validUpTo: validUpTo) }
                slices.append((afterLen, len))
                p = afterLen + len + 2
            }
            i = p
            if !body(slices, p) { return .complete }
            validUpTo = p
        }
    }
}
