// The table of configuration parameters with Redis 7.2's names, aliases, types, defaults and bounds. Adding a
// parameter is one line here; `cinnabar.conf` at the repository root documents each one.
// SPDX-License-Identifier: BSD-3-Clause

enum ConfigurationTable {
    static let intMax = Int(Int32.max)
    static let longMax = Int.max

    static let all: [ConfigParameter] = [
        // Network
        .init("bind", .special(validate: { $0.isEmpty ? "Too many bind addresses specified." : nil }), "127.0.0.1 -::1"),
        .init("port", .integer(min: 0, max: 65535), "6379"),
        .init("unixsocket", .string, "", immutable: true),
        .init("unixsocketperm", .integer(min: 0, max: 0o777), "0", immutable: true),
        .init("tcp-backlog", .integer(min: 0, max: intMax), "511", immutable: true),
        .init("tcp-keepalive", .integer(min: 0, max: intMax), "300"),
        .init("timeout", .integer(min: 0, max: intMax), "0"),
        .init("protected-mode", .bool, "yes"),
        .init("maxclients", .integer(min: 1, max: intMax), "10000"),
        .init("proto-max-bulk-len", .memory(min: 1024 * 1024, max: longMax), "536870912"),
        .init("client-query-buffer-limit", .memory(min: 1024 * 1024, max: longMax), "1073741824"),
        .init("io-threads", .integer(min: 1, max: 128), "1", immutable: true),
        .init("io-threads-do-reads", .bool, "no", immutable: true),
        // General
        .init("daemonize", .bool, "no", immutable: true),
        .init("pidfile", .string, "", immutable: true),
        .init("loglevel", .enumeration(["debug", "verbose", "notice", "warning", "nothing"]), "notice"),
        .init("logfile", .string, "", immutable: true),
        .init("syslog-enabled", .bool, "no", immutable: true),
        .init("syslog-ident", .string, "redis", immutable: true),
        .init("databases", .integer(min: 1, max: intMax), "16", immutable: true),
        .init("always-show-logo", .bool, "no", immutable: true),
        .init("set-proc-title", .bool, "yes", immutable: true),
        .init("hz", .integer(min: 0, max: intMax), "10"),
        .init("dynamic-hz", .bool, "yes"),
        .init("requirepass", .string, ""),
        .init("enable-debug-command", .enumeration(["no", "yes", "local"]), "no", immutable: true),
        .init("enable-protected-configs", .enumeration(["no", "yes", "local"]), "no", immutable: true),
        .init("enable-module-command", .enumeration(["no", "yes", "local"]), "no", immutable: true),
        .init("crash-log-enabled", .bool, "yes"),
        .init("crash-memcheck-enabled", .bool, "yes"),
        .init("supervised", .enumeration(["upstart", "systemd", "auto", "no"]), "no", immutable: true),
        .init("locale-collate", .string, ""),
        // Persistence (accepted now, used by the persistence work)
        .init("save", .special(validate: validateSave), "3600 1 300 100 60 10000"),
        .init("dbfilename", .string, "dump.rdb", protected: true),
        .init("dir", .string, "", protected: true),
        .init("rdbcompression", .bool, "yes"),
        .init("rdbchecksum", .bool, "yes"),
        .init("stop-writes-on-bgsave-error", .bool, "yes"),
        .init("rdb-del-sync-files", .bool, "no"),
        .init("sanitize-dump-payload", .enumeration(["no", "yes", "clients"]), "no"),
        .init("appendonly", .bool, "no"),
        .init("appendfilename", .string, "appendonly.aof", immutable: true),
        .init("appenddirname", .string, "appendonlydir", immutable: true),
        .init("appendfsync", .enumeration(["always", "everysec", "no"]), "everysec"),
        .init("no-appendfsync-on-rewrite", .bool, "no"),
        .init("auto-aof-rewrite-percentage", .integer(min: 0, max: intMax), "100"),
        .init("auto-aof-rewrite-min-size", .memory(min: 0, max: longMax), "67108864"),
        .init("aof-use-rdb-preamble", .bool, "yes"),
        .init("aof-timestamp-enabled", .bool, "no"),
        .init("aof-load-truncated", .bool, "yes"),
        .init("aof-rewrite-incremental-fsync", .bool, "yes"),
        .init("rdb-save-incremental-fsync", .bool, "yes"),
        // Memory
        .init("maxmemory", .memory(min: 0, max: longMax), "0"),
        .init("maxmemory-policy", .enumeration([
            "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu",
            "allkeys-random", "noeviction",
        ]), "noeviction"),
        .init("maxmemory-samples", .integer(min: 1, max: 64), "5"),
        .init("maxmemory-eviction-tenacity", .integer(min: 0, max: 100), "10"),
        .init("maxmemory-clients", .memoryOrPercent(max: longMax, maxPercent: 100), "0"),
        .init("lfu-log-factor", .integer(min: 0, max: intMax), "10"),
        .init("lfu-decay-time", .integer(min: 0, max: intMax), "1"),
        .init("active-expire-effort", .integer(min: 1, max: 10), "1"),
        .init("lazyfree-lazy-eviction", .bool, "no"),
        .init("lazyfree-lazy-expire", .bool, "no"),
        .init("lazyfree-lazy-server-del", .bool, "no"),
        .init("lazyfree-lazy-user-del", .bool, "no"),
        .init("lazyfree-lazy-user-flush", .bool, "no"),
        .init("replica-lazy-flush", .bool, "no", aliases: ["slave-lazy-flush"]),
        .init("activedefrag", .bool, "no"),
        .init("jemalloc-bg-thread", .bool, "yes"),
        .init("oom-score-adj", .enumeration(["no", "yes", "relative", "absolute"]), "no"),
        .init("oom-score-adj-values", .special(validate: { $0.count == 3 ? nil : "Invalid oom-score-adj-values" }), "0 200 800"),
        .init("disable-thp", .bool, "yes", immutable: true),
        // Encodings (the data-type work uses them)
        .init("hash-max-listpack-entries", .integer(min: 0, max: longMax), "512", aliases: ["hash-max-ziplist-entries"]),
        .init("hash-max-listpack-value", .memory(min: 0, max: longMax), "64", aliases: ["hash-max-ziplist-value"]),
        .init("list-max-listpack-size", .integer(min: Int(Int32.min), max: intMax), "-2", aliases: ["list-max-ziplist-size"]),
        .init("list-compress-depth", .integer(min: 0, max: intMax), "0"),
        .init("set-max-intset-entries", .integer(min: 0, max: longMax), "512"),
        .init("set-max-listpack-entries", .integer(min: 0, max: longMax), "128"),
        .init("set-max-listpack-value", .integer(min: 0, max: longMax), "64"),
        .init("zset-max-listpack-entries", .integer(min: 0, max: longMax), "128", aliases: ["zset-max-ziplist-entries"]),
        .init("zset-max-listpack-value", .memory(min: 0, max: longMax), "64", aliases: ["zset-max-ziplist-value"]),
        .init("hll-sparse-max-bytes", .memory(min: 0, max: longMax), "3000"),
        .init("stream-node-max-bytes", .memory(min: 0, max: longMax), "4096"),
        .init("stream-node-max-entries", .integer(min: 0, max: longMax), "100"),
        .init("activerehashing", .bool, "yes"),
        // Clients and limits
        .init("client-output-buffer-limit", .special(validate: validateOutputBufferLimit),
              "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
        .init("notify-keyspace-events", .special(validate: validateNotify), ""),
        .init("tracking-table-max-keys", .integer(min: 0, max: longMax), "1000000"),
        .init("lua-time-limit", .integer(min: 0, max: longMax), "5000", aliases: ["busy-reply-threshold"]),
        .init("lua-replicate-commands", .bool, "yes"),
        // Introspection
        .init("slowlog-log-slower-than", .integer(min: -1, max: longMax), "10000"),
        .init("slowlog-max-len", .integer(min: 0, max: longMax), "128"),
        .init("latency-monitor-threshold", .integer(min: 0, max: longMax), "0"),
        .init("latency-tracking", .bool, "yes"),
        .init("latency-tracking-info-percentiles", .special(validate: validatePercentiles), "50 99 99.9"),
        .init("acllog-max-len", .integer(min: 0, max: longMax), "128"),
        .init("aclfile", .string, "", immutable: true),
        .init("acl-pubsub-default", .enumeration(["allchannels", "resetchannels"]), "resetchannels"),
        // Replication (a master with no replicas until the replication work)
        .init("replicaof", .special(validate: { $0.count == 2 || $0 == ["no", "one"] ? nil : "wrong number of arguments" }),
              "", aliases: ["slaveof"], immutable: true),
        .init("masterauth", .string, ""),
        .init("masteruser", .string, ""),
        .init("replica-read-only", .bool, "yes", aliases: ["slave-read-only"]),
        .init("replica-serve-stale-data", .bool, "yes", aliases: ["slave-serve-stale-data"]),
        .init("repl-diskless-sync", .bool, "yes"),
        .init("repl-diskless-sync-delay", .integer(min: 0, max: intMax), "5"),
        .init("repl-diskless-sync-max-replicas", .integer(min: 0, max: intMax), "0"),
        .init("repl-diskless-load", .enumeration(["disabled", "on-empty-db", "swapdb"]), "disabled"),
        .init("repl-backlog-size", .memory(min: 1, max: longMax), "1048576"),
        .init("repl-backlog-ttl", .integer(min: 0, max: intMax), "3600"),
        .init("repl-timeout", .integer(min: 1, max: intMax), "60"),
        .init("repl-ping-replica-period", .integer(min: 1, max: intMax), "10", aliases: ["repl-ping-slave-period"]),
        .init("repl-disable-tcp-nodelay", .bool, "no"),
        .init("replica-priority", .integer(min: 0, max: intMax), "100", aliases: ["slave-priority"]),
        .init("min-replicas-to-write", .integer(min: 0, max: intMax), "0", aliases: ["min-slaves-to-write"]),
        .init("min-replicas-max-lag", .integer(min: 0, max: intMax), "10", aliases: ["min-slaves-max-lag"]),
        .init("cluster-enabled", .bool, "no", immutable: true),
        // Cinnabar's own: the network transport (epoll is Linux only; nio is SwiftNIO).
        .init("cinnabar-transport", .enumeration(["epoll", "nio"]), "epoll", immutable: true),
    ]

    static let validateSave: @Sendable ([String]) -> String? = { words in
        if words.count == 1 && words[0].isEmpty { return nil }
        if words.count % 2 != 0 { return "Invalid save parameters" }
        for w in words where Int(w) == nil || Int(w)! < 0 { return "Invalid save parameters" }
        return nil
    }

    static let validateOutputBufferLimit: @Sendable ([String]) -> String? = { words in
        if words.count % 4 != 0 { return "Wrong number of arguments in buffer limit configuration." }
        var i = 0
        while i < words.count {
            guard ["normal", "slave", "replica", "pubsub"].contains(words[i].lowercased()) else {
                return "Invalid client class specified in buffer limit configuration."
            }
            guard Configuration.parseMemory(words[i + 1]) != nil, Configuration.parseMemory(words[i + 2]) != nil,
                let s = Int(words[i + 3]), s >= 0
            else { return "Error in hard, soft or soft_seconds setting in buffer limit configuration." }
            i += 4
        }
        return nil
    }

    static let validateNotify: @Sendable ([String]) -> String? = { words in
        guard words.count <= 1 else { return "wrong number of arguments" }
        for c in (words.first ?? "") where !"AgshlzxeKEtmdn$".contains(c) {
            return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
        }
        return nil
    }

    static let validatePercentiles: @Sendable ([String]) -> String? = { words in
        for w in words where !w.isEmpty {
            guard let d = Double(w), d >= 0, d <= 100 else { return "latency-tracking-info-percentiles parameter should be non-empty array of double-precision floating-point numbers between 0 and 100." }
        }
        return nil
    }
}
