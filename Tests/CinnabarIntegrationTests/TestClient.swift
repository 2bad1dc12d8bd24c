// A minimal blocking RESP client over a real TCP socket, for integration tests against a running server.
import CinnabarCommands
import CinnabarServer
#if canImport(Glibc)
import Glibc
#endif

/// Starts a server on an ephemeral 127.0.0.1 port and stops it at the end of the test.
final class RunningServer {
    let server: CinnabarServer
    let directory: String

    init(_ options: [String] = [], transport: String = "epoll") throws {
        let config = Configuration()
        try config.set("cinnabar-transport", [transport], startup: true)
        try config.set("port", ["0"], startup: true)
        try config.set("bind", ["127.0.0.1"], startup: true)
        try config.set("loglevel", ["nothing"], startup: true)
        try config.set("enable-debug-command", ["yes"], startup: true)
        // No save points and a private directory: a test server never reads or writes the working directory's
        // dump.rdb (tests that persist pass their own dir and save).
        try config.set("save", [""], startup: true)
        directory = RunningServer.makeTemporaryDirectory()
        try config.set("dir", [directory], startup: true)
        var i = 0
        while i + 1 < options.count {
            try config.set(options[i], [options[i + 1]], startup: true)
            i += 2
        }
        server = CinnabarServer(config: config, ephemeralPort: true)
        try server.start()
    }

    var port: Int { server.port }

    static func makeTemporaryDirectory() -> String {
        var template = Array("/tmp/cinnabar-test-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    func client() throws -> TestClient { try TestClient(port: port) }

    deinit {
        server.stop()
        try? server.wait()
        RunningServer.removeDirectory(directory)
    }

    /// Removes a test directory and the files in it.
    static func removeDirectory(_ path: String) {
        if let d = opendir(path) {
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { unlink(path + "/" + name) }
            }
            closedir(d)
        }
        rmdir(path)
    }
}

struct SocketError: Error, CustomStringConvertible {
    let description: String
}

final class TestClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { throw SocketError(description: "connect failed: \(errno)") }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// Encodes a command as a RESP multibulk request.
    static func encode(_ args: [String]) -> [UInt8] {
        var out = Array("*\(args.count)\r\n".utf8)
        for a in args {
            out += Array("$\(a.utf8.count)\r\n".utf8) + Array(a.utf8) + [13, 10]
        }
        return out
    }

    private var buffer: [UInt8] = []

    /// Reads until `count` complete RESP replies are buffered and returns their raw text.
    func readReplies(_ count: Int) throws -> String {
        while true {
            if let end = TestClient.endOfReplies(buffer, count: count) {
                let text = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end)
                return text
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { throw SocketError(description: "connection closed or timed out after \(buffer.count) bytes") }
            buffer += chunk[0..<n]
        }
    }

    /// Reads exactly `count` bytes (an RDB payload has no CRLF to find).
    func readBytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { throw SocketError(description: "connection closed or timed out after \(buffer.count) bytes") }
            buffer += chunk[0..<n]
        }
        let out = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return out
    }

    /// Reads one line, without its CRLF.
    func readLine() throws -> String {
        while true {
            if let i = TestClient.endOfLine(buffer, 0) {
                let line = String(decoding: buffer[0..<i], as: UTF8.self)
                buffer.removeFirst(i + 2)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { throw SocketError(description: "connection closed or timed out after \(buffer.count) bytes") }
            buffer += chunk[0..<n]
        }
    }

    func call(_ args: String...) throws -> String {
        send(TestClient.encode(args))
        return try readReplies(1)
    }

    /// True once the server has closed the connection.
    func isClosed() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    /// Index just past `count` complete replies, or nil.
    static func endOfReplies(_ b: [UInt8], count: Int) -> Int? {
        var i = 0
        for _ in 0..<count {
            guard let next = endOfValue(b, i) else { return nil }
            i = next
        }
        return i
    }

    static func endOfLine(_ b: [UInt8], _ from: Int) -> Int? {
        var i = from
        while i + 1 < b.count {
            if b[i] == 13 && b[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    static func endOfValue(_ b: [UInt8], _ start: Int) -> Int? {
        guard start < b.count, let eol = endOfLine(b, start) else { return nil }
        let header = String(decoding: b[(start + 1)..<eol], as: UTF8.self)
        switch b[start] {
        case UInt8(ascii: "$"), UInt8(ascii: "="):
            let n = Int(header)!
            if n < 0 { return eol + 2 }
            return b.count >= eol + 2 + n + 2 ? eol + 2 + n + 2 : nil
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"):
            var n = Int(header)!
            if b[start] == UInt8(ascii: "%") { n *= 2 }
            var i = eol + 2
            if n < 0 { return i }
            for _ in 0..<n {
                guard let next = endOfValue(b, i) else { return nil }
                i = next
            }
            return i
        default:
            return eol + 2
        }
    }
}
