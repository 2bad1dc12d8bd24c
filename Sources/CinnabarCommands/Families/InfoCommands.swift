// INFO: Redis 7.2's sections and field names in Redis's order, so redis-cli, redis-py's info() and exporters parse
// it. Fields of subsystems that do not exist yet (persistence, replication, scripting) report Redis's idle values.
// Section rules: no argument = default; `all` adds commandstats and latencystats; `everything` = all; several
// sections may be named; unknown names print nothing.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
import CinnabarStorage
#if canImport(Glibc)
import Glibc
#endif

enum InfoCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec("info", arity: -1, flags: [.loading, .stale, .sentinel], acl: ["@dangerous"], group: "server",
                    summary: "Returns information and statistics about the server.",
                    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
                    handler: info),
    ]
    }

    static let order = [
        "server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats",
        "errorstats", "latencystats", "cluster", "keyspace",
    ]
    static let defaultSections: Set<String> = [
        "server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats",
        "cluster", "keyspace",
    ]

    static func info(_ c: CommandContext) throws(CommandError) {
        var wanted = Set<String>()
        if c.args.count == 1 { wanted = defaultSections }
        for i in 1..<max(1, c.args.count) {
            let s = c.args.string(i).lowercased()
            switch s {
            case "default": wanted.formUnion(defaultSections)
            case "all", "everything": wanted.formUnion(order)
            case "module_list": wanted.insert("modules")
            default: wanted.insert(s)
            }
        }
        c.verbatim(render(c.server, sections: wanted))
    }

    /// The INFO text for a set of section names.
    static func render(_ server: Server, sections: Set<String>) -> String {
        var out = ""
        var first = true
        for name in order where sections.contains(name) {
            if !first { out += "\r\n" }
            first = false
            out += section(server, name)
        }
        return out
    }

    static func section(_ s: Server, _ name: String) -> String {
        var lines: [String]
        switch name {
        case "server": lines = serverSection(s)
        case "clients": lines = clientsSection(s)
        case "memory": lines = memorySection(s)
        case "persistence": lines = persistenceSection(s)
        case "stats": lines = statsSection(s)
        case "replication": lines = replicationSection(s)
        case "cpu": lines = cpuSection()
        case "modules": lines = ["# Modules"]
        case "commandstats": lines = commandStatsSection(s)
        case "errorstats":
            lines = ["# Errorstats"]
                + s.stats.errorCounts.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { "errorstat_\(sanitize($0)):count=\(s.stats.errorCounts[$0]!)" }
        case "latencystats": lines = latencyStatsSection(s)
        case "cluster": lines = ["# Cluster", "cluster_enabled:0"]
        case "keyspace": lines = keyspaceSection(s)
        default: lines = []
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    static func sanitize(_ s: String) -> String {
        String(s.map { "#:\r\n".contains($0) ? "_" : $0 })
    }

    static func serverSection(_ s: Server) -> [String] {
        var u = utsname()
        uname(&u)
        func field<T>(_ t: T) -> String {
            withUnsafeBytes(of: t) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let nowMicros = unixTimeMicroseconds()
        let uptime = (nowMicros - s.startTimeMicros) / 1_000_000
        let bind = s.config.bind.map { ",bind=\($0)" }.joined()
        var lines = [
            "# Server",
            "redis_version:\(Server.version)",
            "redis_git_sha1:00000000",
            "redis_git_dirty:0",
            "redis_build_id:c1nnab4r0000001",
            "redis_mode:standalone",
            "os:\(field(u.sysname)) \(field(u.release)) \(field(u.machine))",
            "arch_bits:64",
            "monotonic_clock:POSIX clock_gettime",
            "multiplexing_api:epoll",
            "atomicvar_api:c11-builtin",
            "gcc_version:0.0.0",
            "process_id:\(getpid())",
            "process_supervised:no",
            "run_id:\(s.runID)",
            "tcp_port:\(s.boundPort ?? s.config.port)",
            "server_time_usec:\(nowMicros)",
            "uptime_in_seconds:\(uptime)",
            "uptime_in_days:\(uptime / 86400)",
            "hz:\(s.config.hz)",
            "configured_hz:\(s.config.hz)",
            "lru_clock:\(s.keyspace.lruClock)",
            "executable:\(executablePath())",
            "config_file:\(s.configFilePath ?? "")",
            "io_threads_active:0",
            "listener0:name=tcp\(bind),port=\(s.boundPort ?? s.config.port)",
            "cinnabar_version:\(Server.cinnabarVersion)",
        ]
        if let sock = s.config.unixSocket { lines.append("listener1:name=unix,bind=\(sock)") }
        return lines
    }

    static func executablePath() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, 4095)
        return n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }

    static func clientsSection(_ s: Server) -> [String] {
        let maxInput = s.clients.values.map(\.queryBufferLength).max() ?? 0
        return [
            "# Clients",
            "connected_clients:\(s.clients.count)",
            "cluster_connections:0",
            "maxclients:\(s.config.maxClients)",
            "client_recent_max_input_buffer:\(maxInput)",
            "client_recent_max_output_buffer:0",
            "blocked_clients:\(s.clients.values.reduce(0) { $0 + ($1.isBlocked ? 1 : 0) })",
            "tracking_clients:\(s.tracking.clients)",
            "clients_in_timeout_table:\(s.blockedClients.values.reduce(0) { $0 + (($1.blockedState?.deadline ?? 0) > 0 ? 1 : 0) })",
            "total_blocking_keys:\(s.keyspace.databases.reduce(0) { $0 + $1.blockingKeys.count })",
            "total_blocking_keys_on_nokey:\(s.blockingKeysOnNoKey)",
        ]
    }

    static func memorySection(_ s: Server) -> [String] {
        let m = MemoryStats.current()
        s.memoryPeak = max(s.memoryPeak, m.used)
        let peak = s.memoryPeak
        let overhead = s.memoryOverhead()
        let startup = s.memoryStartup
        let dataset = max(0, m.used - overhead)
        let maxmemory = Int(s.config.get("maxmemory") ?? "0") ?? 0
        let frag = m.used > 0 ? Double(m.rss) / Double(m.used) : 0
        var clientsMemory = 0, replicasMemory = 0
        for client in s.clients.values {
            if client.isReplica { replicasMemory += client.out.capacity + 1024 } else { clientsMemory += client.out.capacity + 1024 }
        }
        // Interpreters that were never created report 0 rather than being created here.
        let scripts = s.existingScriptCache, functions = s.existingFunctionLibraries
        let evalVM = scripts?.engine.memoryUsed ?? 0, functionsVM = functions?.engine.memoryUsed ?? 0
        let scriptBytes = scripts?.bodyBytes ?? 0, functionBytes = functions?.codeBytes ?? 0
        return [
            "# Memory",
            "used_memory:\(m.used)",
            "used_memory_human:\(bytesToHuman(m.used))",
            "used_memory_rss:\(m.rss)",
            "used_memory_rss_human:\(bytesToHuman(m.rss))",
            "used_memory_peak:\(peak)",
            "used_memory_peak_human:\(bytesToHuman(peak))",
            "used_memory_peak_perc:\(fixed2(peak > 0 ? Double(m.used) * 100 / Double(peak) : 0))%",
            "used_memory_overhead:\(overhead)",
            "used_memory_startup:\(startup)",
            "used_memory_dataset:\(dataset)",
            "used_memory_dataset_perc:\(fixed2(m.used - startup > 0 ? Double(dataset) * 100 / Double(m.used - startup) : 0))%",
            "allocator_allocated:\(m.used)",
            "allocator_active:\(m.active)",
            "allocator_resident:\(m.rss)",
            "total_system_memory:\(m.system)",
            "total_system_memory_human:\(bytesToHuman(m.system))",
            "used_memory_lua:\(evalVM)",
            "used_memory_vm_eval:\(evalVM)",
            "used_memory_lua_human:\(bytesToHuman(evalVM))",
            "used_memory_scripts_eval:\(scriptBytes)",
            "number_of_cached_scripts:\(scripts?.scripts.count ?? 0)",
            "number_of_functions:\(functions?.functions.count ?? 0)",
            "number_of_libraries:\(functions?.libraries.count ?? 0)",
            "used_memory_vm_functions:\(functionsVM)",
            "used_memory_vm_total:\(evalVM + functionsVM)",
            "used_memory_vm_total_human:\(bytesToHuman(evalVM + functionsVM))",
            "used_memory_functions:\(functionBytes)",
            "used_memory_scripts:\(scriptBytes + functionBytes)",
            "used_memory_scripts_human:\(bytesToHuman(scriptBytes + functionBytes))",
            "maxmemory:\(maxmemory)",
            "maxmemory_human:\(bytesToHuman(maxmemory))",
            "maxmemory_policy:\(s.config.get("maxmemory-policy") ?? "noeviction")",
            "allocator_frag_ratio:\(fixed2(m.used > 0 ? Double(m.active) / Double(m.used) : 1))",
            "allocator_frag_bytes:\(max(0, m.active - m.used))",
            "allocator_rss_ratio:\(fixed2(m.active > 0 ? Double(m.rss) / Double(m.active) : 1))",
            "allocator_rss_bytes:\(m.rss - m.active)",
            "rss_overhead_ratio:1.00",
            "rss_overhead_bytes:0",
            "mem_fragmentation_ratio:\(fixed2(frag))",
            "mem_fragmentation_bytes:\(m.rss - m.used)",
            "mem_not_counted_for_evict:\(s.memoryNotCountedForEviction())",
            "mem_replication_backlog:\(s.replication.backlog?.count ?? 0)",
            "mem_total_replication_buffers:0",
            "mem_clients_slaves:\(replicasMemory)",
            "mem_clients_normal:\(clientsMemory)",
            "mem_cluster_links:0",
            "mem_aof_buffer:\(s.aof.status == .off ? 0 : s.aof.buffer.capacity)",
            "mem_allocator:libc",
            "active_defrag_running:0",
            "lazyfree_pending_objects:\(s.lazyFreeStats.pending)",
            "lazyfreed_objects:\(s.lazyFreeStats.freed)",
        ]
    }

    static func persistenceSection(_ s: Server) -> [String] {
        let p = s.persistence
        let a = s.aof
        let bg = p.background
        let now = unixTimeMicroseconds() / 1_000_000
        return [
            "# Persistence", "loading:0", "async_loading:0", "current_cow_peak:0", "current_cow_size:0",
            "current_cow_size_age:0", "current_fork_perc:0.00",
            "current_save_keys_processed:\(bg?.keysWritten ?? 0)", "current_save_keys_total:\(bg?.keysTotal ?? 0)",
            "rdb_changes_since_last_save:\(s.keyspace.dirty)",
            "rdb_bgsave_in_progress:\(bg == nil ? 0 : 1)", "rdb_last_save_time:\(s.lastSaveTime)",
            "rdb_last_bgsave_status:\(p.lastBgsaveOK ? "ok" : "err")",
            "rdb_last_bgsave_time_sec:\(p.lastBgsaveSeconds)",
            "rdb_current_bgsave_time_sec:\(bg == nil ? -1 : Int(now - p.backgroundStartSeconds))",
            "rdb_saves:\(p.saves)", "rdb_last_cow_size:0",
            "rdb_last_load_keys_expired:\(p.lastLoadKeysExpired)", "rdb_last_load_keys_loaded:\(p.lastLoadKeysLoaded)",
            "aof_enabled:\(a.status == .off ? 0 : 1)",
            "aof_rewrite_in_progress:\(a.rewrite == nil ? 0 : 1)", "aof_rewrite_scheduled:\(a.rewriteScheduled ? 1 : 0)",
            "aof_last_rewrite_time_sec:\(a.lastRewriteSeconds)",
            "aof_current_rewrite_time_sec:\(a.rewrite == nil ? -1 : Int(now - a.rewriteStartSeconds))",
            "aof_last_bgrewrite_status:\(a.lastRewriteOK ? "ok" : "err")", "aof_rewrites:\(a.rewrites)",
            "aof_rewrites_consecutive_failures:\(a.consecutiveFailures)",
            "aof_last_write_status:\(a.lastWriteOK ? "ok" : "err")", "aof_last_cow_size:0",
            "module_fork_in_progress:0", "module_fork_last_cow_size:0",
        ] + (a.status == .off ? [] : [
            "aof_current_size:\(a.currentSize)", "aof_base_size:\(a.baseSize)",
            "aof_pending_rewrite:\(a.rewriteScheduled ? 1 : 0)", "aof_buffer_length:\(a.buffer.count)",
            "aof_pending_bio_fsync:\(a.fsyncInProgress.value.withLock { $0 } ? 1 : 0)", "aof_delayed_fsync:\(a.delayedFsyncs)",
        ])
    }

    static func statsSection(_ s: Server) -> [String] {
        let k = s.keyspace.stats
        let st = s.stats
        return [
            "# Stats",
            "total_connections_received:\(st.connectionsReceived)",
            "total_commands_processed:\(st.commandsProcessed)",
            "instantaneous_ops_per_sec:\(s.instantaneousOps)",
            "total_net_input_bytes:\(st.netInputBytes)",
            "total_net_output_bytes:\(st.netOutputBytes)",
            "total_net_repl_input_bytes:0",
            "total_net_repl_output_bytes:0",
            "instantaneous_input_kbps:0.00",
            "instantaneous_output_kbps:0.00",
            "instantaneous_input_repl_kbps:0.00",
            "instantaneous_output_repl_kbps:0.00",
            "rejected_connections:\(st.rejectedConnections)",
            "sync_full:\(s.replication.fullSyncs)", "sync_partial_ok:\(s.replication.partialSyncsAccepted)",
            "sync_partial_err:\(s.replication.partialSyncsRefused)",
            "expired_subkeys:\(k.expiredFields)",  // Redis 7.4: hash fields deleted by their deadlines
            "expired_keys:\(k.expiredKeys)",
            "expired_stale_perc:\(fixed2(k.expiredStalePercent * 100))",
            "expired_time_cap_reached_count:\(k.expiredTimeCapReachedCount)",
            "expire_cycle_cpu_milliseconds:\(k.expireCycleMicroseconds / 1000)",
            "evicted_keys:\(st.evictedKeys)", "evicted_clients:\(st.evictedClients)", "total_eviction_exceeded_time:0", "current_eviction_exceeded_time:0",
            "keyspace_hits:\(k.keyspaceHits)",
            "keyspace_misses:\(k.keyspaceMisses)",
            "pubsub_channels:\(s.pubsubChannels.count)", "pubsub_patterns:\(s.pubsubPatterns.count)",
            "pubsubshard_channels:\(s.pubsubShardChannels.count)", "latest_fork_usec:0", "total_forks:0",
            "migrate_cached_sockets:0", "slave_expires_tracked_keys:0", "active_defrag_hits:0",
            "active_defrag_misses:0", "active_defrag_key_hits:0", "active_defrag_key_misses:0",
            "total_active_defrag_time:0", "current_active_defrag_time:0", "tracking_total_keys:\(s.tracking.table.count)",
            "tracking_total_items:\(s.tracking.totalItems)", "tracking_total_prefixes:\(s.tracking.prefixes.count)",
            "unexpected_error_replies:\(st.unexpectedErrorReplies)",
            "total_error_replies:\(st.totalErrorReplies)",
            "dump_payload_sanitizations:0",
            "total_reads_processed:\(s.readsProcessed)",
            "total_writes_processed:\(s.writesProcessed)",
            "io_threaded_reads_processed:0", "io_threaded_writes_processed:0",
            "client_query_buffer_limit_disconnections:\(st.clientQueryBufferLimitDisconnections)",
            "client_output_buffer_limit_disconnections:\(st.clientOutputBufferLimitDisconnections)",
            "reply_buffer_shrinks:0", "reply_buffer_expands:0",
            "eventloop_cycles:\(s.eventLoopCycles)",
            "eventloop_duration_sum:\(s.eventLoopDurationSum)",
            "eventloop_duration_cmd_sum:\(s.commandDurationSum)",
            "instantaneous_eventloop_cycles_per_sec:\(s.instantaneousCycles)",
            "instantaneous_eventloop_duration_usec:\(s.instantaneousCycleDuration)",
            "acl_access_denied_auth:\(s.securityStats.authFailures)", "acl_access_denied_cmd:0", "acl_access_denied_key:0",
            "acl_access_denied_channel:0",
        ]
    }

    static func replicationSection(_ s: Server) -> [String] {
        ["# Replication"] + s.replicationInfoLines()
    }

    static func cpuSection() -> [String] {
        var self_ = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &self_)
        var children = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &children)
        var threadUser: Int64 = 0
        var threadSys: Int64 = 0
        cinnabar_thread_cpu(&threadUser, &threadSys)
        func t(_ v: timeval) -> String { micros(Int64(v.tv_sec) * 1_000_000 + Int64(v.tv_usec)) }
        func micros(_ us: Int64) -> String {
            let frac = String(us % 1_000_000)
            return "\(us / 1_000_000)." + String(repeating: "0", count: max(0, 6 - frac.count)) + frac
        }
        return [
            "# CPU",
            "used_cpu_sys:\(t(self_.ru_stime))",
            "used_cpu_user:\(t(self_.ru_utime))",
            "used_cpu_sys_children:\(t(children.ru_stime))",
            "used_cpu_user_children:\(t(children.ru_utime))",
            "used_cpu_sys_main_thread:\(micros(threadSys))",
            "used_cpu_user_main_thread:\(micros(threadUser))",
        ]
    }

    static func commandStatsSection(_ s: Server) -> [String] {
        var lines = ["# Commandstats"]
        for spec in s.commands.everySpec where spec.calls > 0 || spec.failedCalls > 0 || spec.rejectedCalls > 0 {
            let per = spec.calls > 0 ? Double(spec.microseconds) / Double(spec.calls) : 0
            lines.append(
                "cmdstat_\(sanitize(spec.fullName)):calls=\(spec.calls),usec=\(spec.microseconds),usec_per_call=\(fixed2(per)),rejected_calls=\(spec.rejectedCalls),failed_calls=\(spec.failedCalls)"
            )
        }
        return lines
    }

    static func latencyStatsSection(_ s: Server) -> [String] {
        var lines = ["# Latencystats"]
        guard s.config.get("latency-tracking") == "yes" else { return lines }
        for spec in s.commands.everySpec where spec.calls > 0 {
            // Until per-command histograms exist, report the mean as every percentile.
            let mean = Double(spec.microseconds) / Double(spec.calls)
            let v = fixed3(mean)
            lines.append("latency_percentiles_usec_\(sanitize(spec.fullName)):p50=\(v),p99=\(v),p99.9=\(v)")
        }
        return lines
    }

    static func keyspaceSection(_ s: Server) -> [String] {
        var lines = ["# Keyspace"]
        for db in s.keyspace.databases where db.count > 0 || db.expires.count > 0 {
            lines.append("db\(db.id):keys=\(db.count),expires=\(db.expires.count),avg_ttl=\(db.averageTTL)")
        }
        return lines
    }
}

/// `%.2f`.
func fixed2(_ v: Double) -> String { fixed(v, 2) }
func fixed3(_ v: Double) -> String { fixed(v, 3) }

func fixed(_ v: Double, _ digits: Int) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([v]) { vsnprintf(&buf, 64, "%.\(digits)f", $0) }
    return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Redis's bytesToHuman: 0B, 1.50K, 2.00M, ...
func bytesToHuman(_ n: Int) -> String {
    let d = Double(n)
    if n < 1024 { return "\(n)B" }
    if d < 1024 * 1024 { return fixed2(d / 1024) + "K" }
    if d < 1024 * 1024 * 1024 { return fixed2(d / (1024 * 1024)) + "M" }
    if d < 1024.0 * 1024 * 1024 * 1024 { return fixed2(d / (1024 * 1024 * 1024)) + "G" }
    if d < 1024.0 * 1024 * 1024 * 1024 * 1024 { return fixed2(d / (1024.0 * 1024 * 1024 * 1024)) + "T" }
    return fixed2(d / (1024.0 * 1024 * 1024 * 1024 * 1024)) + "P"
}

/// Process memory as the allocator and the kernel see it.
struct MemoryStats {
    var used: Int
    var active: Int
    var rss: Int
    var system: Int

    static func current() -> MemoryStats {
        let used = Int(cinnabar_malloc_used())
        let active = Int(cinnabar_malloc_active())
        return MemoryStats(used: used, active: active, rss: residentSetSize(), system: Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE))))
    }

    static func residentSetSize() -> Int {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var size = 0
        var resident = 0
        _ = withUnsafeMutablePointer(to: &size) { sp in
            withUnsafeMutablePointer(to: &resident) { rp in
                withVaList([sp, rp]) { vfscanf(f, "%ld %ld", $0) }
            }
        }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
