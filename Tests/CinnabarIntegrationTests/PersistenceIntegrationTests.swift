// RDB persistence over TCP on both transports: a saved data set comes back after a restart, BGSAVE answers
// commands while it runs and finishes on its own, SHUTDOWN SAVE writes the file.
import CinnabarCommands
import CinnabarServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Persistence over TCP", .serialized)
struct PersistenceIntegrationTests {
    @Test("SAVE, then a new server on the same dir loads every type", arguments: transports)
    func saveAndRestart(transport: String) throws {
        let dir = RunningServer.makeTemporaryDirectory()
        defer { RunningServer.removeDirectory(dir) }
        do {
            let s = try RunningServer(["dir", dir], transport: transport)
            let c = try s.client()
            _ = try c.call("SET", "s", "value")
            _ = try c.call("SET", "n", "42")
            _ = try c.call("RPUSH", "l", "a", "b", "c")
            _ = try c.call("HSET", "h", "f", "v")
            _ = try c.call("SADD", "set", "1", "2")
            _ = try c.call("ZADD", "z", "1.5", "m")
            _ = try c.call("SET", "e", "x", "PX", "1000000")
            _ = try c.call("SELECT", "5")
            _ = try c.call("SET", "db5", "five")
            #expect(try c.call("SAVE") == "+OK\r\n")
            #expect(try c.call("INFO", "persistence").contains("rdb_changes_since_last_save:0\r\n"))
        }
        let s = try RunningServer(["dir", dir], transport: transport)
        let c = try s.client()
        #expect(try c.call("DBSIZE") == ":7\r\n")
        #expect(try c.call("GET", "s") == "$5\r\nvalue\r\n")
        #expect(try c.call("OBJECT", "ENCODING", "n") == "$3\r\nint\r\n")
        #expect(try c.call("LRANGE", "l", "0", "-1") == "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
        #expect(try c.call("HGET", "h", "f") == "$1\r\nv\r\n")
        #expect(try c.call("SISMEMBER", "set", "2") == ":1\r\n")
        #expect(try c.call("ZSCORE", "z", "m") == "$3\r\n1.5\r\n")
        let ttl = try c.call("PTTL", "e")
        #expect(ttl.hasPrefix(":99") || ttl.hasPrefix(":100"))
        _ = try c.call("SELECT", "5")
        #expect(try c.call("GET", "db5") == "$4\r\nfive\r\n")
        #expect(try c.call("INFO", "persistence").contains("rdb_last_load_keys_loaded:8\r\n"))
    }

    @Test("BGSAVE answers commands while it runs and records its outcome", arguments: transports)
    func bgsave(transport: String) throws {
        let dir = RunningServer.makeTemporaryDirectory()
        defer { RunningServer.removeDirectory(dir) }
        let s = try RunningServer(["dir", dir], transport: transport)
        let c = try s.client()
        _ = try c.call("DEBUG", "POPULATE", "20000")
        #expect(try c.call("BGSAVE") == "+Background saving started\r\n")
        #expect(try c.call("BGSAVE") == "-ERR Background save already in progress\r\n")
        #expect(try c.call("SET", "during", "save") == "+OK\r\n")
        var info = ""
        for _ in 0..<3000 {
            info = try c.call("INFO", "persistence")
            if info.contains("rdb_bgsave_in_progress:0\r\n") { break }
            usleep(2000)
        }
        #expect(info.contains("rdb_bgsave_in_progress:0\r\n"))
        #expect(info.contains("rdb_last_bgsave_status:ok\r\n"))
        #expect(info.contains("rdb_saves:1\r\n"))
        // The write during the save counts as a change since it; the image does not have the key.
        #expect(info.contains("rdb_changes_since_last_save:1\r\n"))
        #expect(try c.call("DEBUG", "RELOAD", "NOSAVE") == "+OK\r\n")
        #expect(try c.call("DBSIZE") == ":20000\r\n")
        #expect(try c.call("EXISTS", "during") == ":0\r\n")
    }

    @Test("SHUTDOWN SAVE writes dump.rdb even without save points")
    func shutdownSave() throws {
        let dir = RunningServer.makeTemporaryDirectory()
        defer { RunningServer.removeDirectory(dir) }
        let s = try RunningServer(["dir", dir])
        let c = try s.client()
        _ = try c.call("SET", "k", "v")
        c.send(TestClient.encode(["SHUTDOWN", "SAVE"]))
        try s.server.wait()
        #expect(access(dir + "/dump.rdb", F_OK) == 0)
    }
}
