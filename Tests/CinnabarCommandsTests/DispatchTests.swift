// The dispatcher: unknown commands and subcommands, arity, NOAUTH ordering, reply suppression, command statistics.
import CinnabarCommands
import Testing

@Suite("Dispatcher")
struct DispatchTests {
    @Test("Unknown command error quotes up to 128 characters of arguments with a trailing space")
    func unknownCommand() {
        let h = Harness()
        #expect(h.callRaw("FOO", "a", "b") == err("ERR unknown command 'FOO', with args beginning with: 'a' 'b' "))
        #expect(h.callRaw("FOO") == err("ERR unknown command 'FOO', with args beginning with: "))
        let long = String(repeating: "z", count: 200)
        #expect(h.callRaw("FOO", long) == err("ERR unknown command 'FOO', with args beginning with: '\(String(repeating: "z", count: 128))' "))
    }

    @Test("Commands are matched case-insensitively; container commands report arity with the full name")
    func names() {
        let h = Harness()
        #expect(h.callRaw("pInG") == "+PONG\r\n")
        #expect(h.callRaw("CONFIG") == err("ERR wrong number of arguments for 'config' command"))
        #expect(h.callRaw("CONFIG", "GET") == err("ERR wrong number of arguments for 'config|get' command"))
        #expect(h.callRaw("CONFIG", "nope") == err("ERR unknown subcommand 'nope'. Try CONFIG HELP."))
        // Names of every width the lookup packs (one word, two, three), in any case.
        #expect(h.callRaw("GeoRadiusByMember_RO") == err("ERR wrong number of arguments for 'georadiusbymember_ro' command"))
        #expect(h.callRaw("zRangeByScore") == err("ERR wrong number of arguments for 'zrangebyscore' command"))
        #expect(h.callRaw("hincrbyfloat") == err("ERR wrong number of arguments for 'hincrbyfloat' command"))
        // Near misses stay unknown: a prefix, an extension, a NUL byte, a non-letter folded like a letter, too long.
        for name in ["GE", "GETX", "GET\u{0}", "G\u{05}T", "SE\u{14}", String(repeating: "GET", count: 8),
                     "GEORADIUSBYMEMBER_ROXX"] {
            #expect(h.callRaw(name).hasPrefix("-ERR unknown command '"), "\(Array(name.utf8))")
        }
    }

    @Test("Unknown commands and arity errors come before NOAUTH")
    func authOrder() throws {
        let h = Harness { try! $0.set("requirepass", ["pw"], startup: true) }
        let c = h.newClient()
        #expect(h.call(c, "FOO") == err("ERR unknown command 'FOO', with args beginning with: "))
        #expect(h.call(c, "GET") == err("ERR wrong number of arguments for 'get' command"))
        #expect(h.call(c, "GET", "k") == err("NOAUTH Authentication required."))
        #expect(h.call(c, "PING") == err("NOAUTH Authentication required."))
        #expect(h.call(c, "QUIT") == ok)
    }

    @Test("Error replies never contain CR or LF")
    func errorSanitising() {
        let h = Harness()
        #expect(h.callRaw("FOO\r\nBAR") == err("ERR unknown command 'FOO  BAR', with args beginning with: "))
    }
}

@Suite("Protected mode")
struct ProtectedModeTests {
    @Test("Without a password, only loopback and unix-socket clients are accepted")
    func loopbackOnly() {
        let h = Harness()
        #expect(h.server.protectedModeRejection(peerAddress: "127.0.0.1:5000", isUnixSocket: false) == nil)
        #expect(h.server.protectedModeRejection(peerAddress: "[::1]:5000", isUnixSocket: false) == nil)
        #expect(h.server.protectedModeRejection(peerAddress: "/tmp/s.sock:0", isUnixSocket: true) == nil)
        let denial = h.server.protectedModeRejection(peerAddress: "10.1.2.3:5000", isUnixSocket: false)
        #expect(denial?.hasPrefix("-DENIED Redis is running in protected mode because protected mode is enabled") == true)
        #expect(denial?.hasSuffix("accepting connections from the outside.\r\n") == true)
        #expect(h.server.stats.rejectedConnections == 1)
    }

    @Test("A password or protected-mode no lets remote clients in")
    func disabled() {
        let withPassword = Harness { try! $0.set("requirepass", ["pw"], startup: true) }
        #expect(withPassword.server.protectedModeRejection(peerAddress: "10.1.2.3:5000", isUnixSocket: false) == nil)
        let off = Harness { try! $0.set("protected-mode", ["no"], startup: true) }
        #expect(off.server.protectedModeRejection(peerAddress: "10.1.2.3:5000", isUnixSocket: false) == nil)
    }
}
