// The AOF over TCP on both transports: with appendfsync always a write is in the file when its reply arrives,
// BGREWRITEAOF answers commands while it runs, and a new server on the same directory has every write back.
import CinnabarCommands
import CinnabarServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("AOF over TCP", .serialized)
struct AOFIntegrationTests {
    static func fileText(_ path: String) -> String {
        guard let f = fopen(path, "rb") else { return "" }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func removeAOFDirectory(_ dir: String) {
        RunningServer.removeDirectory(dir + "/appendonlydir")
        RunningServer.removeDirectory(dir)
    }

    @Test("appendfsync always: the write is in the file before its reply; a restart replays everything",
          arguments: transports)
    func restart(transport: String) throws {
        let dir = RunningServer.makeTemporaryDirectory()
        defer { AOFIntegrationTests.removeAOFDirectory(dir) }
        let options = ["dir", dir, "appendonly", "yes", "appendfsync", "always"]
        do {
            let s = try RunningServer(options, transport: transport)
            let c = try s.client()
            let incr = dir + "/appendonlydir/appendonly.aof.1.incr.aof"
            #expect(try c.call("SET", "k", "first") == "+OK\r\n")
            #expect(AOFIntegrationTests.fileText(incr).hasSuffix("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nfirst\r\n"))
            #expect(try c.call("SET", "e", "v", "EX", "1000") == "+OK\r\n")
            #expect(AOFIntegrationTests.fileText(incr).contains("$4\r\nPXAT\r\n"))
            _ = try c.call("RPUSH", "l", "a", "b", "c")
            _ = try c.call("INCRBYFLOAT", "f", "0.1")
            _ = try c.call("SELECT", "2")
            _ = try c.call("HSET", "h", "x", "y")
            _ = try c.call("DEBUG", "POPULATE", "5000")
            #expect(try c.call("BGREWRITEAOF") == "+Background append only file rewriting started\r\n")
            #expect(try c.call("SET", "during", "rewrite") == "+OK\r\n")
            var info = ""
            for _ in 0..<3000 {
                info = try c.call("INFO", "persistence")
                if info.contains("aof_rewrite_in_progress:0\r\n") { break }
                usleep(2000)
            }
            #expect(info.contains("aof_rewrites:1\r\n"))
            #expect(info.contains("aof_last_bgrewrite_status:ok\r\n"))
            #expect(AOFIntegrationTests.fileText(dir + "/appendonlydir/appendonly.aof.manifest")
                == "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
            _ = try c.call("SET", "after", "rewrite")
        }
        let s = try RunningServer(options, transport: transport)
        let c = try s.client()
        #expect(try c.call("GET", "k") == "$5\r\nfirst\r\n")
        let ttl = try c.call("PTTL", "e")
        #expect(ttl.hasPrefix(":99") || ttl.hasPrefix(":100"))
        #expect(try c.call("LRANGE", "l", "0", "-1") == "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
        #expect(try c.call("GET", "f") == "$3\r\n0.1\r\n")
        _ = try c.call("SELECT", "2")
        #expect(try c.call("HGET", "h", "x") == "$1\r\ny\r\n")
        #expect(try c.call("DBSIZE") == ":5003\r\n")
        #expect(try c.call("GET", "during") == "$7\r\nrewrite\r\n")
        #expect(try c.call("GET", "after") == "$7\r\nrewrite\r\n")
        #expect(try c.call("DEBUG", "LOADAOF") == "+OK\r\n")
        #expect(try c.call("DBSIZE") == ":5003\r\n")
    }
}
