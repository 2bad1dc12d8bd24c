// CONFIG GET / SET / RESETSTAT / REWRITE / HELP with Redis 7.2's semantics: globs matched case-insensitively over
// names and aliases, several patterns and pairs per call, all-or-nothing SET with the exact error texts, and a
// rewrite that keeps the file's comments and unknown lines.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage
#if canImport(Glibc)
import Glibc
#endif

enum ConfigCommands {
    static func sub(_ name: String, _ arity: Int, _ summary: String, _ handler: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: [.admin, .noScript, .loading, .stale], group: "server",
                    summary: summary, since: "2.0.0", handler: handler)
    }

    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec(container: "config", group: "server", summary: "A container for server configuration commands.",
                    since: "2.0.0", subcommands: [
            sub("get", -3, "Returns the effective values of configuration parameters.", get),
            sub("set", -4, "Sets configuration parameters in-flight.", set),
            sub("resetstat", 2, "Resets the server's statistics.", resetstat),
            sub("rewrite", 2, "Persists the effective configuration to file.", rewrite),
            CommandSpec("help", arity: 2, flags: [.loading, .stale], group: "server",
                        summary: "Returns helpful text about the different subcommands.", since: "5.0.0") {
                c throws(CommandError) in
                c.help("CONFIG", [
                    "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                    "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                    "RESETSTAT", "    Reset statistics reported by the INFO command.",
                    "REWRITE", "    Rewrite the configuration file.",
                ])
            },
        ]),
    ]
    }

    static func get(_ c: CommandContext) throws(CommandError) {
        var seen = Set<String>()
        var pairs: [(String, String)] = []
        let config = c.server.config
        for i in 2..<c.args.count {
            let pattern = c.args[i]
            let isGlob = pattern.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
            if !isGlob {
                let name = c.args.string(i)
                if let v = config.get(name), !seen.contains(name.lowercased()) {
                    seen.insert(name.lowercased())
                    pairs.append((name, v))
                }
                continue
            }
            for p in Configuration.parameters {
                for name in [p.name] + p.aliases where !seen.contains(name) {
                    let matches = Array(name.utf8).withUnsafeBytes { globMatch(pattern: pattern, string: $0, noCase: true) }
                    if matches {
                        seen.insert(name)
                        pairs.append((name, config.values[p.name] ?? ""))
                    }
                }
            }
        }
        c.map(pairs.count)
        for (k, v) in pairs {
            c.bulk(k)
            c.bulk(v)
        }
    }

    static func set(_ c: CommandContext) throws(CommandError) {
        guard c.args.count % 2 == 0 else { throw .syntax }
        let config = c.server.config
        var seen = Set<String>()
        var changes: [(name: String, value: String)] = []
        var i = 2
        while i < c.args.count {
            let typed = c.args.string(i)
            guard let p = Configuration.parameter(named: typed) else {
                throw .err("Unknown option or number of arguments for CONFIG SET - '\(typed)'")
            }
            func fail(_ reason: String, _ name: String) -> CommandError {
                .err("CONFIG SET failed (possibly related to argument '\(name)') - \(reason)")
            }
            if p.immutable { throw fail("can't set immutable config", typed) }
            if p.protected && config.get("enable-protected-configs") != "yes" {
                throw fail("can't set protected config", typed)
            }
            let registeredName = typed.lowercased()
            if seen.contains(registeredName) { throw fail("duplicate parameter", typed) }
            seen.insert(registeredName)
            let raw = c.args.string(i + 1)
            let words: [String]
            if case .special = p.kind {
                words = raw.isEmpty ? [""] : raw.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            } else {
                words = [raw]
            }
            do {
                _ = try config.validate(p.name, words)
            } catch {
                throw fail(error.message, registeredName)
            }
            changes.append((p.name, words.joined(separator: " ")))
            i += 2
        }
        for change in changes where change.name == "appendonly" {
            // Applied first: turning the AOF on can fail (apply function updateAppendonly).
            let on = change.value.lowercased() == "yes"
            if on && c.server.aof.status == .off {
                guard c.server.startAppendOnly() else {
                    throw .err("CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs.")
                }
            } else if !on && c.server.aof.status != .off {
                c.server.stopAppendOnly()
            }
        }
        for change in changes {
            let words: [String] = change.value.isEmpty ? [""] : (Configuration.parameter(named: change.name).map {
                if case .special = $0.kind { return change.value.split(separator: " ").map(String.init) }
                return [change.value]
            } ?? [change.value])
            try? config.set(change.name, words, startup: true)
            c.server.configChanged(change.name)
        }
        c.ok()
    }

    static func resetstat(_ c: CommandContext) throws(CommandError) {
        let s = c.server
        s.stats = ServerStats()
        s.keyspace.stats = KeyspaceStats()
        for spec in s.commands.all { spec.resetStats() }
        s.memoryPeak = 0
        s.lazyFreeStats.resetFreed()
        c.ok()
    }

    static func rewrite(_ c: CommandContext) throws(CommandError) {
        guard let path = c.server.configFilePath else { throw .err("The server is running without a config file") }
        do {
            try ConfigFile.rewrite(path: path, config: c.server.config)
        } catch {
            throw .err("Rewriting config file: \(error.message)")
        }
        c.server.logger.notice("CONFIG REWRITE executed with success.")
        c.ok()
    }
}

extension Server {
    /// Copies the eviction-related settings the keyspace needs for access stamps.
    func applyEvictionSettings() {
        keyspace.usesLFU = (config.get("maxmemory-policy") ?? "").hasSuffix("lfu")
        keyspace.lfuLogFactor = Int(config.get("lfu-log-factor") ?? "10") ?? 10
        keyspace.lfuDecayTime = Int(config.get("lfu-decay-time") ?? "1") ?? 1
    }

    /// Applies a configuration change to live state.
    func configChanged(_ name: String) {
        switch name {
        case "requirepass":
            // Redis 7: changing requirepass does not log out connected clients.
            break
        case "loglevel":
            logger.logLevel = ConfigFile.logLevel(config.logLevel)
        case "maxmemory-policy", "lfu-log-factor", "lfu-decay-time":
            applyEvictionSettings()
        case "notify-keyspace-events":
            updateKeyspaceHooks()
        case "lazyfree-lazy-server-del", "lazyfree-lazy-expire":
            applyLazyFreeSettings()
        case "maxmemory":
            // A lower limit takes effect at once (Redis starts evicting right away).
            if config.maxMemory > 0 { _ = performEvictions() }
        default:
            break
        }
    }
}
