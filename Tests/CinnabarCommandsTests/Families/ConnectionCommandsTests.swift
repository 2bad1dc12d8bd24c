// ConnectionCommands and ClientCommands: PING/ECHO/SELECT/HELLO/AUTH/RESET/QUIT and the CLIENT subcommands.
import CinnabarCommands
import Testing

@Suite("Connection and CLIENT commands")
struct ConnectionCommandsTests {
    @Test("PING with and without a message, ECHO")
    func ping() {
        let h = Harness()
        #expect(h.callRaw("PING") == "+PONG\r\n")
        #expect(h.callRaw("PING", "hi") == bulk("hi"))
        #expect(h.callRaw("PING", "a", "b") == err("ERR wrong number of arguments for 'ping' command"))
        #expect(h.callRaw("ECHO", "x y") == bulk("x y"))
    }

    @Test("SELECT switches databases and rejects bad indexes")
    func select() {
        let h = Harness()
        h.callRaw("SET", "k", "0")
        #expect(h.callRaw("SELECT", "15") == ok)
        #expect(h.callRaw("GET", "k") == nullBulk)
        #expect(h.callRaw("SELECT", "16") == err("ERR DB index is out of range"))
        #expect(h.callRaw("SELECT", "-1") == err("ERR DB index is out of range"))
        #expect(h.callRaw("SELECT", "x") == err("ERR value is not an integer or out of range"))
    }

    @Test("HELLO 3 switches to RESP3 and replies a map; bad versions get NOPROTO")
    func hello() {
        let h = Harness()
        let reply = h.callRaw("HELLO", "3")
        #expect(reply.hasPrefix("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.6\r\n$5\r\nproto\r\n:3\r\n"))
        #expect(reply.hasSuffix("$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"))
        #expect(h.callRaw("GET", "nope") == null3)
        #expect(h.callRaw("HELLO", "4") == err("NOPROTO unsupported protocol version"))
        #expect(h.callRaw("HELLO", "x") == err("ERR Protocol version is not an integer or out of range"))
        #expect(h.callRaw("HELLO", "2", "SETNAME", "my-app").hasPrefix("*14\r\n"))
        #expect(h.callRaw("CLIENT", "GETNAME") == bulk("my-app"))
        #expect(h.callRaw("HELLO", "3", "AUTH", "default") == err("ERR Syntax error in HELLO option 'AUTH'"))
    }

    @Test("AUTH without a configured password, and with requirepass")
    func auth() throws {
        let h = Harness()
        #expect(h.callRaw("AUTH", "x") == err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"))
        #expect(h.callRaw("AUTH", "default", "anything") == ok)
        let p = Harness { try! $0.set("requirepass", ["s3cret"], startup: true) }
        let c = p.newClient()
        #expect(p.call(c, "GET", "k") == err("NOAUTH Authentication required."))
        #expect(p.call(c, "AUTH", "wrong") == err("WRONGPASS invalid username-password pair or user is disabled."))
        #expect(p.call(c, "HELLO", "3").hasPrefix("-NOAUTH HELLO must be called with the client already authenticated"))
        #expect(p.call(c, "AUTH", "s3cret") == ok)
        #expect(p.call(c, "GET", "k") == nullBulk)
        #expect(p.call(c, "RESET") == "+RESET\r\n")
        #expect(p.call(c, "GET", "k") == err("NOAUTH Authentication required."))
        #expect(p.call(c, "HELLO", "3", "AUTH", "default", "s3cret").hasPrefix("%7\r\n"))
    }

    @Test("RESET restores the defaults of a connection")
    func reset() {
        let h = Harness()
        h.callRaw("SELECT", "2")
        h.callRaw("HELLO", "3")
        h.callRaw("CLIENT", "SETNAME", "x")
        #expect(h.callRaw("RESET") == "+RESET\r\n")
        #expect(h.callRaw("CLIENT", "GETNAME") == nullBulk)
        #expect(h.client.databaseIndex == 0)
        #expect(h.client.protocolVersion == 2)
    }

    @Test("QUIT replies OK and marks the connection for closing")
    func quit() {
        let h = Harness()
        #expect(h.callRaw("QUIT") == ok)
        #expect(h.client.closeAfterReply)
    }

    @Test("CLIENT SETNAME validates; GETNAME; ID; SETINFO")
    func clientNames() {
        let h = Harness()
        #expect(h.callRaw("CLIENT", "GETNAME") == nullBulk)
        #expect(h.callRaw("CLIENT", "SETNAME", "a b") == err("ERR Client names cannot contain spaces, newlines or special characters."))
        #expect(h.callRaw("CLIENT", "SETNAME", "worker-1") == ok)
        #expect(h.callRaw("CLIENT", "GETNAME") == bulk("worker-1"))
        #expect(h.callRaw("CLIENT", "ID") == int(h.client.id))
        #expect(h.callRaw("CLIENT", "SETINFO", "LIB-NAME", "redis-py") == ok)
        #expect(h.callRaw("CLIENT", "SETINFO", "LIB-VER", "1 2") == err("ERR LIB-VER cannot contain spaces, newlines or special characters."))
        #expect(h.callRaw("CLIENT", "SETINFO", "FOO", "x") == err("ERR Unrecognized option 'FOO'"))
        #expect(h.callRaw("CLIENT", "INFO").contains("lib-name=redis-py lib-ver="))
    }

    @Test("CLIENT LIST has Redis 7.2's fields in order and filters by TYPE and ID")
    func clientList() {
        let h = Harness()
        let line = h.callRaw("CLIENT", "LIST")
        let text = String(line.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })[1])
        let fields = text.split(separator: " ").map { String($0.split(separator: "=", omittingEmptySubsequences: false)[0]) }
        #expect(fields == ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
                           "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
                           "tot-mem", "events", "cmd", "user", "redir", "resp", "lib-name", "lib-ver"])
        #expect(line.contains("cmd=client|list"))
        #expect(h.callRaw("CLIENT", "LIST", "TYPE", "bogus") == err("ERR Unknown client type 'bogus'"))
        #expect(h.callRaw("CLIENT", "LIST", "ID", "abc") == err("ERR Invalid client ID"))
        #expect(h.callRaw("CLIENT", "LIST", "ID", "999").hasPrefix("$0\r\n"))
    }

    @Test("CLIENT KILL by ID, by address, old style, and its errors")
    func clientKill() {
        let h = Harness()
        let other = h.newClient()
        #expect(h.callRaw("CLIENT", "KILL", "ID", String(other.id)) == int(1))
        #expect(h.server.clients[other.id] == nil)
        #expect(h.callRaw("CLIENT", "KILL", "1.2.3.4:5") == err("ERR No such client"))
        #expect(h.callRaw("CLIENT", "KILL", "ID", "0") == err("ERR client-id should be greater than 0"))
        #expect(h.callRaw("CLIENT", "KILL", "TYPE", "x") == err("ERR Unknown client type 'x'"))
        #expect(h.callRaw("CLIENT", "KILL", "USER", "nobody") == err("ERR No such user 'nobody'"))
        #expect(h.callRaw("CLIENT", "KILL", "ADDR", "127.0.0.1:50000") == int(0))  // SKIPME yes by default
        #expect(h.callRaw("CLIENT", "KILL", "ADDR", "127.0.0.1:50000", "SKIPME", "no") == int(1))
        #expect(h.client.closeAfterReply)
    }

    @Test("CLIENT REPLY OFF suppresses replies, errors included; SKIP skips exactly the next one")
    func clientReply() {
        let h = Harness()
        #expect(h.callRaw("CLIENT", "REPLY", "OFF") == "")
        #expect(h.callRaw("PING") == "")
        #expect(h.callRaw("NOSUCH") == "")
        #expect(h.callRaw("CLIENT", "REPLY", "ON") == ok)
        #expect(h.callRaw("CLIENT", "REPLY", "SKIP") == "")
        #expect(h.callRaw("PING", "1") == "")
        #expect(h.callRaw("PING", "2") == bulk("2"))
        #expect(h.callRaw("CLIENT", "REPLY", "MAYBE") == err("ERR syntax error"))
    }

    @Test("CLIENT PAUSE WRITE postpones writes but not reads; UNPAUSE; bad arguments")
    func clientPause() {
        let h = Harness()
        let other = h.newClient()
        #expect(h.callRaw("CLIENT", "PAUSE", "1000", "WRITE") == ok)
        #expect(h.server.execute(Arguments(["SET", "k", "v"]), client: other) == .postponed)
        // A postponed client counts as blocked, as Redis reports it.
        #expect(h.callRaw("INFO", "clients").contains("blocked_clients:1\r\n"))
        #expect(h.callRaw("CLIENT", "LIST").contains("flags=b "))
        #expect(h.server.execute(Arguments(["GET", "k"]), client: other) == .done)
        #expect(h.callRaw("INFO", "clients").contains("blocked_clients:0\r\n"))
        #expect(h.callRaw("CLIENT", "UNPAUSE") == ok)
        #expect(h.server.execute(Arguments(["SET", "k", "v"]), client: other) == .done)
        #expect(h.callRaw("CLIENT", "PAUSE", "10", "SOME") == err("ERR CLIENT PAUSE mode must be WRITE or ALL"))
        #expect(h.callRaw("CLIENT", "PAUSE", "-1") == err("ERR timeout is negative"))
    }

    @Test("CLIENT NO-EVICT / NO-TOUCH flags and TRACKINGINFO when tracking is off")
    func clientFlags() {
        let h = Harness()
        #expect(h.callRaw("CLIENT", "NO-EVICT", "on") == ok)
        #expect(h.callRaw("CLIENT", "NO-TOUCH", "on") == ok)
        #expect(h.callRaw("CLIENT", "INFO").contains("flags=eT "))
        #expect(h.callRaw("CLIENT", "NO-TOUCH", "maybe") == err("ERR syntax error"))
        #expect(h.callRaw("CLIENT", "TRACKINGINFO") == array(bulk("flags"), array(bulk("off")), bulk("redirect"), int(-1), bulk("prefixes"), array()))
        #expect(h.callRaw("CLIENT", "NOPE") == err("ERR unknown subcommand 'NOPE'. Try CLIENT HELP."))
    }
}
