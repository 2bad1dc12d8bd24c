// CLIENT subcommands (Redis's networking.c clientCommand): identity (ID, SETNAME, GETNAME, SETINFO, INFO, LIST),
// control (KILL with all filters, PAUSE/UNPAUSE, REPLY, NO-EVICT, NO-TOUCH) and TRACKINGINFO/GETREDIR, which
// report "off" until client-side caching exists.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

enum ClientCommands {
    static func sub(_ name: String, _ arity: Int, _ flags: CommandFlags = [], summary: String = "", since: String = "2.4.0",
                    _ handler: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: flags.union([.noScript, .loading, .stale]), acl: ["@connection"],
                    group: "connection", summary: summary, since: since, handler: handler)
    }

    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec(container: "client", group: "connection", summary: "A container for client connection commands.",
                    subcommands: [
            sub("id", 2, summary: "Returns the unique client ID of the connection.", since: "5.0.0") { c throws(CommandError) in
                c.integer(c.client.id)
            },
            sub("setname", 3, summary: "Sets the connection name.", setname),
            sub("getname", 2, summary: "Returns the name of the connection.") { c throws(CommandError) in
                c.client.name.isEmpty ? c.null() : c.bulk(c.client.name)
            },
            sub("setinfo", 4, summary: "Sets information specific to the client or connection.", since: "7.2.0", setinfo),
            sub("info", 2, summary: "Returns information about the connection.", since: "6.2.0") { c throws(CommandError) in
                c.verbatim(describe(c.server, c.client) + "\n")
            },
            sub("list", -2, [.admin], summary: "Lists open connections.", list),
            sub("kill", -3, [.admin], summary: "Terminates open connections.", kill),
            sub("pause", -3, [.admin], summary: "Suspends commands processing.", since: "3.0.0", pause),
            sub("unpause", 2, [.admin], summary: "Resumes processing commands from paused clients.", since: "6.2.0") {
                c throws(CommandError) in
                c.server.unpause()
                c.ok()
            },
            sub("unblock", -3, [.admin],
                summary: "Unblocks a client blocked by a blocking command from a different connection.", since: "5.0.0",
                unblock),
            sub("reply", 3, summary: "Instructs the server whether to reply to commands.", since: "3.2.0", reply),
            sub("no-evict", 3, [.admin], summary: "Sets the client eviction mode of the connection.", since: "7.0.0") {
                c throws(CommandError) in
                c.client.noEvict = try onOff(c, 2)
                c.ok()
            },
            sub("no-touch", 3, summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
                since: "7.2.0") { c throws(CommandError) in
                c.client.noTouch = try onOff(c, 2)
                c.ok()
            },
            sub("trackinginfo", 2, summary: "Returns information about server-assisted client-side caching for the connection.",
                since: "6.2.0", trackinginfo),
            sub("getredir", 2, summary: "Returns the client ID to which the connection's tracking notifications are redirected.",
                since: "6.0.0") { c throws(CommandError) in
                c.integer(c.client.trackingFlags.contains(.on) ? c.client.trackingRedirection : -1)
            },
            sub("tracking", -3, summary: "Controls server-assisted client-side caching for the connection.",
                since: "6.0.0", tracking),
            sub("caching", 3, summary: "Instructs the server whether to track the keys in the next request.",
                since: "6.0.0", caching),
            sub("help", 2, summary: "Returns helpful text about the different subcommands.", since: "5.0.0", help),
        ]),
    ]
    }

    static func onOff(_ c: CommandContext, _ i: Int) throws(CommandError) -> Bool {
        if argEquals(c.args[i], "ON") { return true }
        if argEquals(c.args[i], "OFF") { return false }
        throw .syntax
    }

    static func validateName(_ name: UnsafeRawBufferPointer) throws(CommandError) {
        for b in name where b < 33 || b > 126 {
            throw .err("Client names cannot contain spaces, newlines or special characters.")
        }
    }

    static func setname(_ c: CommandContext) throws(CommandError) {
        try validateName(c.args[2])
        c.client.name = Array(c.args[2])
        c.ok()
    }

    static func setinfo(_ c: CommandContext) throws(CommandError) {
        let attr = c.args[2]
        let isName = argEquals(attr, "LIB-NAME")
        guard isName || argEquals(attr, "LIB-VER") else { throw .err("Unrecognized option '\(c.args.string(2))'") }
        for b in c.args[3] where b < 33 || b > 126 {
            throw .err("\(c.args.string(2)) cannot contain spaces, newlines or special characters.")
        }
        if isName { c.client.libraryName = Array(c.args[3]) } else { c.client.libraryVersion = Array(c.args[3]) }
        c.ok()
    }

    /// One CLIENT LIST / CLIENT INFO line, with Redis 7.2's fields in Redis's order.
    static func describe(_ server: Server, _ client: Client) -> String {
        let nowSeconds = server.keyspace.clock.readMilliseconds() / 1000
        let name = String(decoding: client.name, as: UTF8.self)
        let qbuf = client.queryBufferLength
        let rbs = client.queryBufferCapacity
        let obl = client.out.readableBytes
        return "id=\(client.id) addr=\(client.address) laddr=\(client.localAddress) fd=\(client.fd) name=\(name)"
            + " age=\(nowSeconds - client.createdAt / 1000) idle=\(nowSeconds - client.lastInteraction / 1000)"
            + " flags=\(client.flagString) db=\(client.databaseIndex) sub=\(client.pubsubChannels.count)"
            + " psub=\(client.pubsubPatterns.count) ssub=\(client.pubsubShardChannels.count)"
            + " multi=\(client.multiState.map { String($0.commands.count) } ?? "-1")"
            + " qbuf=\(qbuf) qbuf-free=\(max(0, rbs - qbuf)) argv-mem=0 multi-mem=0 rbs=\(rbs) rbp=\(rbs)"
            + " obl=\(obl) oll=0 omem=\(client.unsentBytes) tot-mem=\(rbs + 1024 + qbuf) events=r cmd=\(client.lastCommand)"
            + " user=\(client.user) redir=\(client.trackingFlags.contains(.on) ? client.trackingRedirection : -1) resp=\(client.protocolVersion)"
            + " lib-name=\(String(decoding: client.libraryName, as: UTF8.self))"
            + " lib-ver=\(String(decoding: client.libraryVersion, as: UTF8.self))"
    }

    static func clientType(_ client: Client) -> String {
        client.isMonitor || client.replica != nil ? "replica" : "normal"
    }

    static func isValidType(_ t: String) -> Bool {
        ["normal", "slave", "replica", "master", "pubsub"].contains(t)
    }

    static func list(_ c: CommandContext) throws(CommandError) {
        var selected = c.server.clients.values.sorted { $0.id < $1.id }
        if c.args.count == 4 && argEquals(c.args[2], "TYPE") {
            let t = c.args.string(3).lowercased()
            guard isValidType(t) else { throw .err("Unknown client type '\(c.args.string(3))'") }
            let wanted = t == "slave" ? "replica" : t
            selected = selected.filter { clientType($0) == wanted }
        } else if c.args.count > 3 && argEquals(c.args[2], "ID") {
            var ids = Set<Int>()
            for i in 3..<c.args.count {
                guard let id = parseInt64(c.args[i]), id > 0 else { throw .err("Invalid client ID") }
                ids.insert(Int(id))
            }
            selected = selected.filter { ids.contains($0.id) }
        } else if c.args.count != 2 {
            throw .syntax
        }
        var text = ""
        for client in selected { text += describe(c.server, client) + "\n" }
        c.verbatim(text)
    }

    static func kill(_ c: CommandContext) throws(CommandError) {
        var address: String? = nil
        var localAddress: String? = nil
        var type: String? = nil
        var id: Int? = nil
        var user: String? = nil
        var skipMe = true
        let oldStyle = c.args.count == 3
        if oldStyle {
            address = c.args.string(2)
            skipMe = false
        } else {
            var i = 2
            while i < c.args.count {
                guard i + 1 < c.args.count else { throw .syntax }
                let opt = c.args[i]
                if argEquals(opt, "ID") {
                    guard let v = parseInt64(c.args[i + 1]), v >= 1 else {
                        throw .err("client-id should be greater than 0")
                    }
                    id = Int(v)
                } else if argEquals(opt, "TYPE") {
                    let t = c.args.string(i + 1).lowercased()
                    guard isValidType(t) else { throw .err("Unknown client type '\(c.args.string(i + 1))'") }
                    type = t == "slave" ? "replica" : t
                } else if argEquals(opt, "ADDR") {
                    address = c.args.string(i + 1)
                } else if argEquals(opt, "LADDR") {
                    localAddress = c.args.string(i + 1)
                } else if argEquals(opt, "USER") {
                    let u = c.args.string(i + 1)
                    guard u == "default" else { throw .err("No such user '\(u)'") }
                    user = u
                } else if argEquals(opt, "SKIPME") {
                    if argEquals(c.args[i + 1], "YES") { skipMe = true }
                    else if argEquals(c.args[i + 1], "NO") { skipMe = false }
                    else { throw .syntax }
                } else {
                    throw .syntax
                }
                i += 2
            }
        }
        var killed = 0
        for client in c.server.clients.values.sorted(by: { $0.id < $1.id }) {
            if let address, client.address != address { continue }
            if let localAddress, client.localAddress != localAddress { continue }
            if let type, clientType(client) != type { continue }
            if let id, client.id != id { continue }
            if let user, client.user != user { continue }
            if client === c.client && skipMe { continue }
            if client === c.client {
                client.closeAfterReply = true
            } else {
                client.closeConnection?()
                c.server.disconnect(client)
            }
            killed += 1
        }
        if oldStyle {
            guard killed > 0 else { throw .err("No such client") }
            c.ok()
        } else {
            c.integer(killed)
        }
    }

    static func pause(_ c: CommandContext) throws(CommandError) {
        var kind = ClientPauseKind.all
        if c.args.count == 4 {
            if argEquals(c.args[3], "WRITE") { kind = .write }
            else if !argEquals(c.args[3], "ALL") { throw .err("CLIENT PAUSE mode must be WRITE or ALL") }
        } else if c.args.count > 4 {
            throw .syntax
        }
        guard let timeout = parseInt64(c.args[2]) else { throw .err("timeout is not an integer or out of range") }
        guard timeout >= 0 else { throw .err("timeout is negative") }
        let now = c.keyspace.clock.readMilliseconds()
        guard timeout <= Int64.max - now else { throw .err("timeout is out of range") }
        let until = now + timeout
        // A second pause can extend but not shorten, and ALL wins over WRITE (pauseClients).
        let server = c.server
        if server.pause.kind == .none || until > server.pause.until { server.pause.until = until }
        if server.pause.kind != .all { server.pause.kind = kind }
        // While paused for writes, keys do not expire (a paused primary must not change the dataset).
        c.keyspace.isExpiryPaused = true
        c.ok()
    }

    static func reply(_ c: CommandContext) throws(CommandError) {
        if argEquals(c.args[2], "ON") {
            c.client.replyMode = .on
            c.ok()
        } else if argEquals(c.args[2], "OFF") {
            c.client.replyMode = .off
        } else if argEquals(c.args[2], "SKIP") {
            if c.client.replyMode != .off { c.client.replyMode = .skipNext }
        } else {
            throw .syntax
        }
    }

    static func trackinginfo(_ c: CommandContext) throws(CommandError) {
        let f = c.client.trackingFlags
        var flags = [f.contains(.on) ? "on" : "off"]
        if f.contains(.bcast) { flags.append("bcast") }
        if f.contains(.optin) {
            flags.append("optin")
            if f.contains(.caching) { flags.append("caching-yes") }
        }
        if f.contains(.optout) {
            flags.append("optout")
            if f.contains(.caching) { flags.append("caching-no") }
        }
        if f.contains(.noloop) { flags.append("noloop") }
        if f.contains(.brokenRedirect) { flags.append("broken_redirect") }
        c.map(3)
        c.bulk("flags")
        c.set(flags.count)
        for flag in flags { c.bulk(flag) }
        c.bulk("redirect")
        c.integer(f.contains(.on) ? c.client.trackingRedirection : -1)
        c.bulk("prefixes")
        c.array(c.client.trackingPrefixes.count)
        for p in c.client.trackingPrefixes { c.bulk(p) }
    }

    /// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP].
    static func tracking(_ c: CommandContext) throws(CommandError) {
        let client = c.client
        var redirect: Int64 = 0
        var options: TrackingFlags = []
        var prefixes: [Bytes] = []
        var j = 3
        while j < c.args.count {
            let moreArgs = c.args.count - 1 - j
            let a = c.args[j]
            if argEquals(a, "REDIRECT") && moreArgs > 0 {
                j += 1
                if redirect != 0 { throw .err("A client can only redirect to a single other client") }
                guard let id = parseInt64(c.args[j]) else { throw .notInteger }
                redirect = id
                if id <= 0 || id > Int64(Int.max) || c.server.clients[Int(id)] == nil {
                    throw .err("The client ID you want redirect to does not exist")
                }
            } else if argEquals(a, "BCAST") {
                options.insert(.bcast)
            } else if argEquals(a, "OPTIN") {
                options.insert(.optin)
            } else if argEquals(a, "OPTOUT") {
                options.insert(.optout)
            } else if argEquals(a, "NOLOOP") {
                options.insert(.noloop)
            } else if argEquals(a, "PREFIX") && moreArgs > 0 {
                j += 1
                prefixes.append(c.args.bytes(j))
            } else {
                throw .syntax
            }
            j += 1
        }
        if argEquals(c.args[2], "ON") {
            if !options.contains(.bcast) && !prefixes.isEmpty {
                throw .err("PREFIX option requires BCAST mode to be enabled")
            }
            if client.trackingFlags.contains(.on) && client.trackingFlags.contains(.bcast) != options.contains(.bcast) {
                throw .err("You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
            }
            if options.contains(.bcast) && !options.isDisjoint(with: [.optin, .optout]) {
                throw .err("OPTIN and OPTOUT are not compatible with BCAST")
            }
            if options.isSuperset(of: [.optin, .optout]) {
                throw .err("You can't specify both OPTIN mode and OPTOUT mode")
            }
            if (options.contains(.optin) && client.trackingFlags.contains(.optout))
                || (options.contains(.optout) && client.trackingFlags.contains(.optin))
            {
                throw .err("You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
            }
            if options.contains(.bcast) { try c.server.checkPrefixCollisions(client, prefixes) }
            c.server.enableTracking(client, redirect: Int(redirect), options: options, prefixes: prefixes)
        } else if argEquals(c.args[2], "OFF") {
            c.server.disableTracking(client)
        } else {
            throw .syntax
        }
        c.ok()
    }

    /// CLIENT CACHING YES|NO: whether the next command (or transaction) is tracked in OPTIN/OPTOUT mode.
    static func caching(_ c: CommandContext) throws(CommandError) {
        let client = c.client
        guard client.trackingFlags.contains(.on) else {
            throw .err("CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
        }
        if argEquals(c.args[2], "YES") {
            guard client.trackingFlags.contains(.optin) else {
                throw .err("CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
            }
        } else if argEquals(c.args[2], "NO") {
            guard client.trackingFlags.contains(.optout) else {
                throw .err("CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
            }
        } else {
            throw .syntax
        }
        client.trackingFlags.insert(.caching)
        c.ok()
    }

    static func help(_ c: CommandContext) throws(CommandError) {
        c.help("CLIENT", [
            "CACHING (YES|NO)",
            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "    * ID <client-id>",
            "      Kill connections by client id.",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "SETINFO <option> <value>",
            "    Set client meta attr. Options are:",
            "    * LIB-NAME: the client lib name.",
            "    * LIB-VER: the client lib version.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Will not touch LRU/LFU stats when this mode is on.",
        ])
    }

    /// CLIENT UNBLOCK client-id [TIMEOUT|ERROR].
    static func unblock(_ c: CommandContext) throws(CommandError) {
        guard c.args.count <= 4 else {
            throw .err("unknown subcommand or wrong number of arguments for '\(c.args.string(1).prefix(128))'. Try CLIENT HELP.")
        }
        var withError = false
        if c.args.count == 4 {
            if argEquals(c.args[3], "timeout") {
                withError = false
            } else if argEquals(c.args[3], "error") {
                withError = true
            } else {
                throw .err("CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
            }
        }
        let id = try c.int(2)
        c.integer(c.server.unblockClient(id: id, withError: withError) ? 1 : 0)
    }
}
