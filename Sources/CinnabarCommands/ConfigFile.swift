// redis.conf and redis-server's command line: `cinnabar-server [config-file] [--name value ...]`. Lines are split
// with sdssplitargs rules, directives are case-insensitive, `save` lines accumulate, `include` pulls in another
// file, and an invalid line stops startup with Redis's "FATAL CONFIG FILE ERROR" report naming it. CONFIG REWRITE
// also lives here.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import Logging
#if canImport(Glibc)
import Glibc
#endif

public struct ConfigFileError: Error, CustomStringConvertible {
    public let lineNumber: Int
    public let line: String
    public let reason: String

    /// The report redis-server prints before exiting with status 1.
    public var description: String {
        """

        *** FATAL CONFIG FILE ERROR (Redis \(Server.version)) ***
        Reading the configuration file, at line \(lineNumber)
        >>> '\(line)'
        \(reason)
        """
    }
}

public enum ConfigFile {
    /// Reads a whole file.
    public static func read(path: String) throws(ConfigError) -> String {
        guard let f = fopen(path, "r") else { throw ConfigError(String(cString: strerror(errno))) }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Builds the config text from a file's contents plus command-line options, as redis-server does: the
    /// options become lines appended after the file (`--port 7000` → `port 7000`).
    public static func commandLineText(_ options: [String]) -> String {
        var lines: [String] = []
        var current: [String] = []
        for arg in options {
            if arg.hasPrefix("--") && arg.count > 2 {
                if !current.isEmpty { lines.append(current.joined(separator: " ")) }
                current = [String(arg.dropFirst(2))]
            } else if current.isEmpty {
                current = [quote(arg)]
            } else {
                current.append(quote(arg))
            }
        }
        if !current.isEmpty { lines.append(current.joined(separator: " ")) }
        return lines.joined(separator: "\n")
    }

    static func quote(_ s: String) -> String {
        var r = "\""
        for u in s.utf8 {
            switch u {
            case UInt8(ascii: "\\"): r += "\\\\"
            case UInt8(ascii: "\""): r += "\\\""
            case 10: r += "\\n"
            case 13: r += "\\r"
            case 9: r += "\\t"
            default: r.unicodeScalars.append(Unicode.Scalar(u))
            }
        }
        return r + "\""
    }

    /// Applies config text to a configuration. Throws the first bad line.
    public static func apply(_ text: String, to config: Configuration, baseLine: Int = 0) throws(ConfigFileError) {
        var sawSave = false
        var lineNumber = baseLine
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(" \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let words = splitConfigLine(Array(line.utf8)) else {
                throw ConfigFileError(lineNumber: lineNumber, line: line, reason: "Unbalanced quotes in configuration line")
            }
            guard !words.isEmpty else { continue }
            let name = words[0].lowercased()
            var values = Array(words.dropFirst())
            if name == "include" {
                guard values.count == 1 else {
                    throw ConfigFileError(lineNumber: lineNumber, line: line, reason: "Bad directive or wrong number of arguments")
                }
                do {
                    let included = try read(path: values[0])
                    try apply(included, to: config)
                } catch let e as ConfigFileError {
                    throw e
                } catch {
                    throw ConfigFileError(lineNumber: lineNumber, line: line, reason: "Bad directive or wrong number of arguments")
                }
                continue
            }
            if ["rename-command", "user", "loadmodule", "sentinel"].contains(name) { continue }
            guard let p = Configuration.parameter(named: name) else {
                throw ConfigFileError(lineNumber: lineNumber, line: line, reason: "Bad directive or wrong number of arguments")
            }
            if case .special = p.kind {
                if values.count == 1 {
                    values = values[0].isEmpty ? [""] : (splitConfigLine(Array(values[0].utf8)) ?? values)
                }
                if p.name == "save" && values != [""] {
                    // The first save line replaces the defaults; later ones add points.
                    if sawSave, let current = config.values["save"], !current.isEmpty {
                        values = current.split(separator: " ").map(String.init) + values
                    }
                    sawSave = true
                }
            } else if values.count != 1 {
                throw ConfigFileError(lineNumber: lineNumber, line: line, reason: "wrong number of arguments")
            }
            do {
                try config.set(p.name, values, startup: true)
            } catch {
                throw ConfigFileError(lineNumber: lineNumber, line: line, reason: error.message)
            }
        }
    }

    /// sdssplitargs for config lines, returning Strings.
    static func splitConfigLine(_ bytes: [UInt8]) -> [String]? {
        var parser = RESPRequestParser()
        var line = bytes
        line.append(10)
        let result = line.withUnsafeBytes { parser.parse($0, limits: RESPParserLimits()) }
        guard case .command = result else { return nil }
        return parser.arguments.map { String(decoding: parser.inlineStorage[$0.offset..<($0.offset + $0.count)], as: UTF8.self) }
    }

    public static func logLevel(_ name: String) -> Logger.Level {
        switch name {
        case "debug": return .debug
        case "verbose": return .info
        case "notice": return .notice
        case "warning": return .warning
        default: return .critical
        }
    }

    /// CONFIG REWRITE: replaces each parameter's first line in place, drops its later duplicates, appends the
    /// changed parameters that had no line, and writes the result atomically (temp file, fsync, rename).
    static func rewrite(path: String, config: Configuration) throws(ConfigError) {
        let old = (try? read(path: path)) ?? ""
        var lines = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var handled = Set<String>()
        var output: [String] = []
        for line in lines {
            let trimmed = line.trimmingCharacters(" \t\r")
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                output.append(line)
                continue
            }
            guard let words = splitConfigLine(Array(trimmed.utf8)), let first = words.first,
                let p = Configuration.parameter(named: first)
            else {
                if let first = splitConfigLine(Array(trimmed.utf8))?.first,
                    ["include", "rename-command", "user", "loadmodule"].contains(first.lowercased())
                {
                    output.append(line)
                } else {
                    output.append("# ??? " + line)
                }
                continue
            }
            if handled.contains(p.name) { continue }
            handled.insert(p.name)
            output.append(contentsOf: rendered(p, config))
        }
        var appended = false
        for p in Configuration.parameters where !handled.contains(p.name) {
            let v = config.values[p.name] ?? ""
            if v == p.defaultValue { continue }
            if !appended && !output.contains("# Generated by CONFIG REWRITE") {
                output.append("# Generated by CONFIG REWRITE")
            }
            appended = true
            output.append(contentsOf: rendered(p, config))
        }
        let text = output.joined(separator: "\n") + "\n"
        let tmp = path + ".tmp-\(getpid())"
        guard let f = fopen(tmp, "w") else { throw ConfigError(String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        let written = fwrite(bytes, 1, bytes.count, f)
        fflush(f)
        fsync(fileno(f))
        fclose(f)
        guard written == bytes.count, Glibc.rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ConfigError(String(cString: strerror(errno)))
        }
    }

    static func rendered(_ p: ConfigParameter, _ config: Configuration) -> [String] {
        let v = config.values[p.name] ?? ""
        if p.name == "save" {
            if v.isEmpty { return ["save \"\""] }
            let parts = v.split(separator: " ")
            return stride(from: 0, to: parts.count, by: 2).map { "save \(parts[$0]) \(parts[$0 + 1])" }
        }
        if case .special = p.kind { return ["\(p.name) \(v.isEmpty ? "\"\"" : v)"] }
        if case .string = p.kind { return ["\(p.name) \(quote(v))"] }
        if case .memory = p.kind, let bytes = Int(v) { return ["\(p.name) \(memoryText(bytes))"] }
        if case .memoryOrPercent = p.kind, let bytes = Int(v) { return ["\(p.name) \(memoryText(bytes))"] }
        return ["\(p.name) \(v)"]
    }

    /// rewriteConfigBytesOption: the largest unit that divides the value exactly (1gb, 64mb, 3kb), else bytes.
    static func memoryText(_ bytes: Int) -> String {
        let gb = 1024 * 1024 * 1024
        let mb = 1024 * 1024
        if bytes != 0 && bytes % gb == 0 { return "\(bytes / gb)gb" }
        if bytes != 0 && bytes % mb == 0 { return "\(bytes / mb)mb" }
        if bytes != 0 && bytes % 1024 == 0 { return "\(bytes / 1024)kb" }
        return String(bytes)
    }
}

extension StringProtocol {
    func trimmingCharacters(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
