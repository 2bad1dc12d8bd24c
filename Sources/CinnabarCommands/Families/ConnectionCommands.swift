// Connection commands: PING, ECHO, QUIT, RESET, SELECT, HELLO and AUTH (requirepass; full ACL users come later).
// CLIENT lives in ClientCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

enum ConnectionCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec("ping", arity: -1, flags: [.fast, .sentinel], acl: ["@connection"], group: "connection",
                    summary: "Returns the server's liveliness response.",
                    tips: ["request_policy:all_shards", "response_policy:all_succeeded"], handler: ping),
        CommandSpec("echo", arity: 2, flags: [.loading, .stale, .fast], acl: ["@connection"], group: "connection",
                    summary: "Returns the given string.", handler: { c throws(CommandError) in c.bulk(c.args[1]) }),
        CommandSpec("quit", arity: -1, flags: [.allowBusy, .noAuth, .noScript, .loading, .stale, .fast],
                    acl: ["@connection"], group: "connection", summary: "Closes the connection.", handler: quit),
        CommandSpec("reset", arity: 1, flags: [.noScript, .loading, .stale, .fast, .noAuth, .allowBusy],
                    acl: ["@connection"], group: "connection", summary: "Resets the connection.", since: "6.2.0",
                    handler: reset),
        CommandSpec("select", arity: 2, flags: [.loading, .stale, .fast], acl: ["@connection"], group: "connection",
                    summary: "Changes the selected database.", handler: select),
        CommandSpec("hello", arity: -1, flags: [.noScript, .loading, .stale, .fast, .noAuth, .sentinel, .allowBusy],
                    acl: ["@connection"], group: "connection", summary: "Handshakes with the Redis server.",
                    since: "6.0.0", handler: hello),
        CommandSpec("auth", arity: -2, flags: [.noScript, .loading, .stale, .fast, .noAuth, .sentinel, .allowBusy],
                    acl: ["@connection"], group: "connection", summary: "Authenticates the connection.", handler: auth),
    ]
    }

    static func ping(_ c: CommandContext) throws(CommandError) {
        if c.args.count > 2 { throw .wrongArity(c.spec.fullName) }
        if c.client.isSubscribed && !c.resp3 {
            // A subscribed RESP2 connection gets PING's answer in the shape of a message.
            c.array(2)
            c.bulk("pong")
            if c.args.count == 1 { c.bulk("") } else { c.bulk(c.args[1]) }
            return
        }
        if c.args.count == 1 { c.simple("PONG") } else { c.bulk(c.args[1]) }
    }

    static func quit(_ c: CommandContext) throws(CommandError) {
        c.client.closeAfterReply = true
        c.ok()
    }

    static func reset(_ c: CommandContext) throws(CommandError) {
        let client = c.client
        client.multiState = nil
        c.server.unwatchAll(client)
        c.server.unsubscribeAll(client)
        if !client.trackingFlags.isEmpty { c.server.disableTracking(client) }
        client.database = c.keyspace.databases[0]
        client.protocolVersion = 2
        client.name = []
        client.replyMode = .on
        client.noEvict = false
        client.noTouch = false
        if client.isMonitor {
            client.isMonitor = false
            c.server.monitors.removeAll { $0 === client }
        }
        client.authenticated = c.server.config.requirePass == nil
        client.user = "default"
        c.simple("RESET")
    }

    static func select(_ c: CommandContext) throws(CommandError) {
        let index = try c.int(1)
        guard index >= 0 && index < c.keyspace.databases.count && index <= Int(Int32.max) else {
            throw .invalidDB
        }
        c.client.database = c.keyspace.databases[index]
        c.ok()
    }

    /// Checks a password for a user (only "default" until ACLs exist).
    static func authenticate(_ c: CommandContext, user: UnsafeRawBufferPointer, password: UnsafeRawBufferPointer)
        throws(CommandError)
    {
        let isDefault = equalsIgnoringCase(user, "default")
        let expected = c.server.config.requirePass
        let matches = isDefault && (expected == nil || Array(password) == Array(expected!.utf8))
        guard matches else {
            c.server.securityStats.authFailures += 1
            throw CommandError("WRONGPASS invalid username-password pair or user is disabled.")
        }
        c.client.authenticated = true
        c.client.user = "default"
    }

    static func auth(_ c: CommandContext) throws(CommandError) {
        if c.args.count > 3 { throw .syntax }
        if c.args.count == 2 {
            guard c.server.config.requirePass != nil else {
                throw .err("AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
            }
            let failure = Array("default".utf8).withUnsafeBytes { user in
                Result { () throws(CommandError) in try authenticate(c, user: user, password: c.args[1]) }
            }
            try failure.get()
        } else {
            try authenticate(c, user: c.args[1], password: c.args[2])
        }
        c.ok()
    }

    static func hello(_ c: CommandContext) throws(CommandError) {
        var version = 0
        var next = 1
        if c.args.count >= 2 {
            guard let v = parseInt64(c.args[1]) else {
                throw .err("Protocol version is not an integer or out of range")
            }
            if v < 2 || v > 3 { throw CommandError("NOPROTO unsupported protocol version") }
            version = Int(v)
            next = 2
        }
        var credentials: (Int, Int)? = nil
        var nameIndex: Int? = nil
        var j = next
        while j < c.args.count {
            let more = c.args.count - 1 - j
            if argEquals(c.args[j], "AUTH") && more >= 2 {
                credentials = (j + 1, j + 2)
                j += 2
            } else if argEquals(c.args[j], "SETNAME") && more >= 1 {
                try ClientCommands.validateName(c.args[j + 1])
                nameIndex = j + 1
                j += 1
            } else {
                throw .err("Syntax error in HELLO option '\(c.args.string(j))'")
            }
            j += 1
        }
        if let (u, p) = credentials { try authenticate(c, user: c.args[u], password: c.args[p]) }
        guard c.client.authenticated else {
            throw CommandError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
        }
        if let n = nameIndex { c.client.name = Array(c.args[n]) }
        if version != 0 { c.client.protocolVersion = version }
        c.map(7)
        c.bulk("server")
        c.bulk("redis")
        c.bulk("version")
        c.bulk(Server.version)
        c.bulk("proto")
        c.integer(c.client.protocolVersion)
        c.bulk("id")
        c.integer(c.client.id)
        c.bulk("mode")
        c.bulk("standalone")
        c.bulk("role")
        c.bulk("master")
        c.bulk("modules")
        c.array(0)
    }
}
