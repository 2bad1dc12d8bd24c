// The replication commands of a master (Redis's replication.c): SYNC and PSYNC attach a replica (Server+Replication
// does the work), REPLCONF carries the replica's settings and acknowledgements, WAIT blocks until enough replicas
// acknowledged the client's writes. ROLE and INFO replication live with the server commands and INFO.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

enum ReplicationCommands {
    static func makeSpecs() -> [CommandSpec] {
        let g = "server"
        let acl: [String] = ["@admin", "@slow", "@dangerous"]
        return [
            CommandSpec("sync", arity: 1, flags: [.noAsyncLoading, .admin, .noMulti, .noScript], acl: acl,
                        group: g, summary: "An internal command used in replication.", since: "1.0.0") { c throws(CommandError) in
                try c.server.attachReplica(c, psync: nil)
            },
            CommandSpec("psync", arity: -3, flags: [.noAsyncLoading, .admin, .noMulti, .noScript], acl: acl,
                        group: g, summary: "An internal command used in replication.", since: "2.8.0") { c throws(CommandError) in
                try psync(c)
            },
            CommandSpec("replconf", arity: -1, flags: [.admin, .noScript, .loading, .stale, .allowBusy], acl: acl,
                        group: g, summary: "An internal command for configuring the replication stream.",
                        since: "3.0.0", handler: replconf),
            CommandSpec("replicaof", arity: 3, flags: [.noAsyncLoading, .admin, .noScript, .stale], acl: acl, group: g,
                        summary: "Configures a server as replica of another, or promotes it to a master.",
                        since: "5.0.0", handler: replicaof),
            CommandSpec("slaveof", arity: 3, flags: [.noAsyncLoading, .admin, .noScript, .stale], acl: acl, group: g,
                        summary: "Sets a Redis server as a replica of another, or promotes it to being a master.",
                        since: "1.0.0", handler: replicaof),
            CommandSpec("wait", arity: 3, flags: [], acl: ["@slow", "@connection"], group: "generic",
                        summary: "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.",
                        since: "3.0.0", tips: ["request_policy:all_shards", "response_policy:agg_min"]) { c throws(CommandError) in
                try c.server.waitForReplicas(c)
            },
        ]
    }

    /// PSYNC <replid> <offset> [FAILOVER]: a partial resynchronization when possible, else a full one.
    static func psync(_ c: CommandContext) throws(CommandError) {
        if c.args.count > 3 && argEquals(c.args[3], "FAILOVER") {
            throw .err("PSYNC FAILOVER can't be sent to a master.")
        }
        guard let offset = parseInt64(c.args[2]) else {
            // Redis logs this and answers nothing (getLongLongFromObjectOrReply without a reply object).
            c.server.logger.warning("Replica asks for synchronization but with a wrong offset")
            throw .notInteger
        }
        try c.server.attachReplica(c, psync: (Array(c.args[1]), offset))
    }

    /// REPLICAOF host port | NO ONE. The server takes the replica role (writes refused, INFO and ROLE say so), but
    /// the link to the master is not implemented and stays down.
    static func replicaof(_ c: CommandContext) throws(CommandError) {
        if c.client.isReplica { throw .err("Command is not valid when client is a replica.") }
        if argEquals(c.args[1], "NO") && argEquals(c.args[2], "ONE") {
            c.server.becomeMaster()
            c.ok()
            return
        }
        guard let port = parseInt64(c.args[2]), port >= 0, port <= 65535 else { throw .err("Invalid master port") }
        let host = c.args.string(1)
        let r = c.server.replication
        if r.masterHost?.lowercased() == host.lowercased() && r.masterPort == Int(port) {
            c.client.out.writeRESPSimpleString("OK Already connected to specified master")
            return
        }
        c.server.becomeReplica(host: host, port: Int(port))
        c.ok()
    }

    /// REPLCONF <option> <value> ...: listening-port, ip-address, capa, ack, getack, rdb-only, rdb-filter-only.
    static func replconf(_ c: CommandContext) throws(CommandError) {
        if c.args.count % 2 == 0 { throw .syntax }
        let client = c.client
        var i = 1
        while i < c.args.count {
            let option = c.args[i]
            let value = c.args[i + 1]
            if argEquals(option, "listening-port") {
                guard let port = parseInt64(value) else { throw .notInteger }
                link(client).listeningPort = Int(port)
            } else if argEquals(option, "ip-address") {
                // NET_HOST_STR_LEN is 256.
                guard value.count < 256 else {
                    throw .err("REPLCONF ip-address provided by replica instance is too long: \(value.count) bytes")
                }
                link(client).announcedIP = String(decoding: value, as: UTF8.self)
            } else if argEquals(option, "capa") {
                // Capabilities this master does not know are ignored.
                if argEquals(value, "eof") { link(client).capaEOF = true }
                else if argEquals(value, "psync2") { link(client).capaPSync2 = true }
            } else if argEquals(option, "ack") {
                // From a replica only, and never answered.
                guard client.isReplica, let offset = parseInt64(value) else { return }
                c.server.replicaAcknowledged(client, offset: offset)
                return
            } else if argEquals(option, "getack") {
                // Only a replica answers GETACK (to its master); a master ignores it.
                return
            } else if argEquals(option, "rdb-only") {
                guard let v = parseInt64(value), v == 0 || v == 1 else {
                    throw .err("value is out of range, must be positive")
                }
            } else if argEquals(option, "rdb-filter-only") {
                // Only the "functions" filter exists.
                let filters = String(decoding: value, as: UTF8.self).split(separator: " ")
                for f in filters where f.lowercased() != "functions" {
                    throw .err("Unsupported rdb-filter-only option: \(f)")
                }
            } else {
                throw .err("Unrecognized REPLCONF option: \(c.args.string(i))")
            }
            i += 2
        }
        c.ok()
    }

    private static func link(_ client: Client) -> ReplicaLink {
        if let l = client.replica { return l }
        let l = ReplicaLink()
        client.replica = l
        return l
    }
}
