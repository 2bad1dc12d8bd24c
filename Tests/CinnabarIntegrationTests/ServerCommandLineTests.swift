// redis-server's command line: config file plus --options, --version, --help, and the fatal config error report.
import CinnabarCommands
import CinnabarServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Command line and redis.conf")
struct ServerCommandLineTests {
    func run(_ args: [String], stdin: String = "") -> ServerCommandLine.Action {
        ServerCommandLine.parse(args, readStdin: { stdin })
    }

    @Test("Options override defaults; several values and quoting follow redis-server")
    func options() throws {
        guard case let .run(config, file) = run(["--port", "7777", "--save", "60", "100", "--requirepass", "a b"]) else {
            Issue.record("expected run")
            return
        }
        #expect(file == nil)
        #expect(config.port == 7777)
        #expect(config.get("save") == "60 100")
        #expect(config.requirePass == "a b")
    }

    @Test("A bad option stops startup naming the line as redis-server does")
    func badOption() {
        guard case let .printAndExit(text, toStandardError, status) = run(["--port", "abc"]) else {
            Issue.record("expected an error")
            return
        }
        #expect(toStandardError && status == 1)
        #expect(text == "\n*** FATAL CONFIG FILE ERROR (Redis 7.2.6) ***\nReading the configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n")
        guard case let .printAndExit(unknown, _, _) = run(["--invalid"]) else { return }
        #expect(unknown.contains(">>> 'invalid'\nBad directive or wrong number of arguments"))
    }

    @Test("A config file is read, its errors name the file's line, and options come after it")
    func configFile() throws {
        let path = "/tmp/cinnabar-test-\(getpid()).conf"
        let text = "# comment\nport 7001\nmaxmemory 1mb\nsave 900 1\nsave 300 10\n"
        let f = fopen(path, "w")!
        fputs(text, f)
        fclose(f)
        defer { unlink(path) }
        guard case let .run(config, file) = run([path, "--port", "7002"]) else {
            Issue.record("expected run")
            return
        }
        #expect(file == path)
        #expect(config.port == 7002)
        #expect(config.get("maxmemory") == "1048576")  // mb is 1024², m is 10⁶
        #expect(config.get("save") == "900 1 300 10")

        let bad = fopen(path, "w")!
        fputs("port 7001\n\nbogus x\n", bad)
        fclose(bad)
        guard case let .printAndExit(error, _, status) = run([path]) else {
            Issue.record("expected an error")
            return
        }
        #expect(status == 1)
        #expect(error.contains("at line 3\n>>> 'bogus x'\nBad directive or wrong number of arguments"))
    }

    @Test("--version and --help")
    func versionHelp() {
        guard case let .printAndExit(v, toStderr, status) = run(["--version"]) else { return }
        #expect(v.hasPrefix("Redis server v=7.2.6 sha=00000000:0 malloc=libc bits=64 build=cinnabar-"))
        #expect(!toStderr && status == 0)
        guard case let .printAndExit(h, helpToStderr, helpStatus) = run(["-h"]) else { return }
        #expect(h.hasPrefix("Usage: cinnabar-server [/path/to/redis.conf] [options] [-]"))
        #expect(helpToStderr && helpStatus == 1)
    }

    @Test("Config from standard input with '-'")
    func standardInput() {
        guard case let .run(config, _) = run(["-"], stdin: "port 7003\n") else {
            Issue.record("expected run")
            return
        }
        #expect(config.port == 7003)
    }
}
