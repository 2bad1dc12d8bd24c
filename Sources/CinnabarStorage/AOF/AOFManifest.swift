// Redis 7's multi-part AOF layout: a directory (appenddirname) holding one base file (an RDB image,
// `<appendfilename>.<seq>.base.rdb`, or commands, `.base.aof`), incremental command files
// (`<appendfilename>.<seq>.incr.aof`) and the manifest `<appendfilename>.manifest` that lists them, one per line:
// `file <name> seq <n> type <b|h|i>` (base, history, incremental). The manifest is parsed and written exactly as
// Redis's aof.c does, with the same error texts, so Redis 7 and Cinnabar read each other's directories.
// SPDX-License-Identifier: BSD-3-Clause

public struct AOFManifestError: Error, Equatable, Sendable {
    public let message: String
    /// The 1-based line the problem was found on (0: not a line's fault).
    public let line: Int
    public let text: String
    public init(_ message: String, line: Int = 0, text: String = "") {
        self.message = message
        self.line = line
        self.text = text
    }
}

public struct AOFManifest: Equatable, Sendable {
    public enum FileType: Character, Sendable { case base = "b", history = "h", incremental = "i" }

    public struct Entry: Equatable, Sendable {
        public var name: String
        public var seq: Int
        public var type: FileType
        public init(name: String, seq: Int, type: FileType) {
            self.name = name
            self.seq = seq
            self.type = type
        }
    }

    public var base: Entry?
    public var history: [Entry] = []
    public var incrementals: [Entry] = []
    /// The sequence numbers of the newest base and incremental files (new files take the next one).
    public var baseSeq = 0
    public var incrementalSeq = 0

    public init() {}

    public var isEmpty: Bool { base == nil && incrementals.isEmpty }

    // MARK: - File names

    public static func manifestName(_ appendFilename: String) -> String { appendFilename + ".manifest" }
    public static func tempManifestName(_ appendFilename: String) -> String { "temp-" + appendFilename + ".manifest" }
    public static func tempIncrementalName(_ appendFilename: String) -> String { "temp-" + appendFilename + ".incr" }

    /// getNewBaseFileNameAndMarkPreAsHistory: the next base file's name; the current base becomes history.
    public mutating func newBase(_ appendFilename: String, rdb: Bool) -> String {
        if var old = base {
            old.type = .history
            history.append(old)
        }
        baseSeq += 1
        let name = "\(appendFilename).\(baseSeq).base.\(rdb ? "rdb" : "aof")"
        base = Entry(name: name, seq: baseSeq, type: .base)
        return name
    }

    /// getNewIncrAofName: adds the next incremental file and returns its name.
    public mutating func newIncremental(_ appendFilename: String) -> String {
        incrementalSeq += 1
        let name = "\(appendFilename).\(incrementalSeq).incr.aof"
        incrementals.append(Entry(name: name, seq: incrementalSeq, type: .incremental))
        return name
    }

    /// markRewrittenIncrAofAsHistory: every incremental file but the last is history after a rewrite.
    public mutating func markRewrittenIncrementalsAsHistory() {
        guard incrementals.count > 1 else { return }
        for var e in incrementals.dropLast() {
            e.type = .history
            history.append(e)
        }
        incrementals = [incrementals.last!]
    }

    /// The last incremental file's name, adding one when there is none (getLastIncrAofName).
    public mutating func lastIncrementalName(_ appendFilename: String) -> String {
        if let last = incrementals.last { return last.name }
        return newIncremental(appendFilename)
    }

    // MARK: - Text form

    /// getAofManifestAsString: base, then history, then incremental files.
    public func render() -> String {
        var out = ""
        func line(_ e: Entry) {
            out += "file \(AOFManifest.quoted(e.name)) seq \(e.seq) type \(e.type.rawValue)\n"
        }
        if let base { line(base) }
        history.forEach(line)
        incrementals.forEach(line)
        return out
    }

    /// aofLoadManifestFromFile.
    public static func parse(_ bytes: [UInt8]) throws(AOFManifestError) -> AOFManifest {
        var m = AOFManifest()
        var maxSeq = 0
        var lineNumber = 0
        var start = 0
        if bytes.isEmpty { throw AOFManifestError("Found an empty AOF manifest") }
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            lineNumber += 1
            let raw = String(decoding: bytes[start..<end], as: UTF8.self)
            let hasNewline = end < bytes.count
            start = end + 1
            if raw.hasPrefix("#") { continue }
            if !hasNewline || raw.utf8.count + 1 > 1024 {
                throw AOFManifestError("The AOF manifest file contains too long line", line: lineNumber, text: raw)
            }
            let line = raw.trimmingCharacters(" \t\r\n")
            if line.isEmpty { throw AOFManifestError("Invalid AOF manifest file format", line: lineNumber, text: line) }
            guard let args = splitArguments(line), args.count >= 6, args.count % 2 == 0 else {
                throw AOFManifestError("Invalid AOF manifest file format", line: lineNumber, text: line)
            }
            var name: String?
            var seq = 0
            var type: Character?
            var i = 0
            while i < args.count {
                switch args[i].lowercased() {
                case "file":
                    name = args[i + 1]
                    if args[i + 1].contains("/") {
                        throw AOFManifestError("File can't be a path, just a filename", line: lineNumber, text: line)
                    }
                case "seq": seq = atoll(args[i + 1])
                case "type": type = args[i + 1].first
                default: break
                }
                i += 2
            }
            guard let name, seq != 0, let type else {
                throw AOFManifestError("Invalid AOF manifest file format", line: lineNumber, text: line)
            }
            switch FileType(rawValue: type) {
            case .base:
                if m.base != nil { throw AOFManifestError("Found duplicate base file information", line: lineNumber, text: line) }
                m.base = Entry(name: name, seq: seq, type: .base)
                m.baseSeq = seq
            case .history:
                m.history.append(Entry(name: name, seq: seq, type: .history))
            case .incremental:
                if seq <= maxSeq { throw AOFManifestError("Found a non-monotonic sequence number", line: lineNumber, text: line) }
                m.incrementals.append(Entry(name: name, seq: seq, type: .incremental))
                m.incrementalSeq = seq
                maxSeq = seq
            case nil:
                throw AOFManifestError("Unknown AOF file type", line: lineNumber, text: line)
            }
        }
        return m
    }

    /// atoll: leading digits with an optional sign, 0 when none.
    static func atoll(_ s: String) -> Int {
        var digits = Substring(s)
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        var v = 0
        for ch in digits {
            guard let d = ch.wholeNumberValue, ch.isASCII else { break }
            v = v &* 10 &+ d
        }
        return negative ? -v : v
    }

    /// sdsneedsrepr / sdscatrepr: names with spaces, quotes or unprintable bytes are written quoted.
    static func quoted(_ name: String) -> String {
        let needs = name.utf8.contains { $0 <= 32 || $0 >= 127 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "'") }
        guard needs else { return name }
        var out = "\""
        for c in name.utf8 {
            switch c {
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\""): out += "\\\""
            case 10: out += "\\n"
            case 13: out += "\\r"
            case 9: out += "\\t"
            case 7: out += "\\a"
            case 8: out += "\\b"
            case 32...126: out.unicodeScalars.append(Unicode.Scalar(c))
            default:
                let hex = Array("0123456789abcdef")
                out += "\\x" + String(hex[Int(c >> 4)]) + String(hex[Int(c & 15)])
            }
        }
        return out + "\""
    }

    /// sdssplitargs: words separated by spaces, "double quoted" (with escapes) or 'single quoted'. Nil when a
    /// quote is unbalanced or not followed by a space.
    public static func splitArguments(_ line: String) -> [String]? {
        var result: [String] = []
        let b = Array(line.utf8)
        var i = 0
        func hexValue(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        while true {
            while i < b.count && (b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 || b[i] == 11 || b[i] == 12) { i += 1 }
            if i >= b.count { return result }
            var word: [UInt8] = []
            var inDouble = false
            var inSingle = false
            var done = false
            while !done {
                if inDouble {
                    guard i < b.count else { return nil }
                    if b[i] == UInt8(ascii: "\\") && i + 3 < b.count && b[i + 1] == UInt8(ascii: "x"),
                       let h = hexValue(b[i + 2]), let l = hexValue(b[i + 3]) {
                        word.append(h << 4 | l)
                        i += 3
                    } else if b[i] == UInt8(ascii: "\\") && i + 1 < b.count {
                        i += 1
                        switch b[i] {
                        case UInt8(ascii: "n"): word.append(10)
                        case UInt8(ascii: "r"): word.append(13)
                        case UInt8(ascii: "t"): word.append(9)
                        case UInt8(ascii: "b"): word.append(8)
                        case UInt8(ascii: "a"): word.append(7)
                        default: word.append(b[i])
                        }
                    } else if b[i] == UInt8(ascii: "\"") {
                        if i + 1 < b.count && b[i + 1] != 32 && b[i + 1] != 9 { return nil }
                        done = true
                    } else {
                        word.append(b[i])
                    }
                } else if inSingle {
                    guard i < b.count else { return nil }
                    if b[i] == UInt8(ascii: "\\") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "'") {
                        i += 1
                        word.append(UInt8(ascii: "'"))
                    } else if b[i] == UInt8(ascii: "'") {
                        if i + 1 < b.count && b[i + 1] != 32 && b[i + 1] != 9 { return nil }
                        done = true
                    } else {
                        word.append(b[i])
                    }
                } else {
                    if i >= b.count {
                        done = true
                        break
                    }
                    switch b[i] {
                    case 32, 10, 13, 9, 0: done = true
                    case UInt8(ascii: "\""): inDouble = true
                    case UInt8(ascii: "'"): inSingle = true
                    default: word.append(b[i])
                    }
                }
                if i < b.count { i += 1 }
            }
            result.append(String(decoding: word, as: UTF8.self))
        }
    }
}

extension String {
    func trimmingCharacters(_ set: String) -> String {
        let chars = Set(set.unicodeScalars)
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, chars.contains(f) { scalars = scalars.dropFirst() }
        while let l = scalars.last, chars.contains(l) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
