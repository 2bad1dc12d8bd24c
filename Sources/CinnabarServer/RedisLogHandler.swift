// A swift-log handler writing redis-server's log format, so log tooling and the Redis test harness read it:
// `<pid>:M 28 Nov 2026 08:31:15.500 * message`, with `.` debug, `-` verbose, `*` notice, `#` warning.
// Writes to the configured logfile, or stdout when it is empty.
// SPDX-License-Identifier: BSD-3-Clause
import Logging
#if canImport(Glibc)
import Glibc
#endif

public struct RedisLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .notice
    private let stream: UnsafeMutablePointer<FILE>
    private let role: Character

    /// - Parameter path: the log file, or nil/empty for stdout.
    public init(path: String?, role: Character = "M") {
        if let path, !path.isEmpty, let f = fopen(path, "a") {
            stream = f
        } else {
            stream = stdout
        }
        self.role = role
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        let mark: String
        switch level {
        case .trace, .debug: mark = "."
        case .info: mark = "-"
        case .notice: mark = "*"
        default: mark = "#"
        }
        let text = "\(getpid()):\(role) \(RedisLogHandler.timestamp()) \(mark) \(message)\n"
        fputs(text, stream)
        fflush(stream)
    }

    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec)
        var tmv = tm()
        localtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, 64, "%d %b %Y %H:%M:%S.", &tmv)
        let ms = Int(ts.tv_nsec) / 1_000_000
        let msText = ms < 10 ? "00\(ms)" : (ms < 100 ? "0\(ms)" : "\(ms)")
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) + msText
    }
}
