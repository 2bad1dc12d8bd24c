// Scripting (Redis's eval.c, functions.c, script.c): EVAL/EVALSHA/EVAL_RO/EVALSHA_RO and SCRIPT for cached
// scripts, FUNCTION and FCALL/FCALL_RO for libraries. Scripts run atomically on the event loop; the Lua side is
// in Scripting/ (LuaEngine, ScriptCache, FunctionLibraries) and Sources/CCinnabarLua.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarLua
import CinnabarRESP
import CinnabarStorage

enum ScriptingCommands {
    static func makeSpecs() -> [CommandSpec] {
        let acl = ["@scripting"]
        let g = "scripting"
        func keys(_ access: String, notes: String) -> [KeySpec] {
            [KeySpec(flags: access.split(separator: " ").map(String.init), notes: notes, begin: .index(2),
                     find: .keynum(keyNumIndex: 0, firstKey: 1, step: 1))]
        }
        let rw = keys("RW ACCESS UPDATE", notes: "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE")
        let ro = keys("RO ACCESS", notes: "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS")
        let writeFlags: CommandFlags = [.noScript, .skipMonitor, .mayReplicate, .noMandatoryKeys, .stale, .movableKeys]
        let readFlags: CommandFlags = [.noScript, .skipMonitor, .noMandatoryKeys, .stale, .readonly, .movableKeys]
        func sub(_ name: String, _ arity: Int, _ flags: CommandFlags, tips: [String] = [], acl extra: [String] = [],
                 _ handler: @escaping CommandHandler) -> CommandSpec {
            CommandSpec(name, arity: arity, flags: flags, acl: extra + acl, group: g, tips: tips, handler: handler)
        }
        return [
            CommandSpec("eval", arity: -3, flags: writeFlags, keys: rw, acl: acl, group: g) { c throws(CommandError) in
                try eval(c, sha: false, readOnly: false)
            },
            CommandSpec("evalsha", arity: -3, flags: writeFlags, keys: rw, acl: acl, group: g) { c throws(CommandError) in
                try eval(c, sha: true, readOnly: false)
            },
            CommandSpec("eval_ro", arity: -3, flags: readFlags, keys: ro, acl: acl, group: g) { c throws(CommandError) in
                try eval(c, sha: false, readOnly: true)
            },
            CommandSpec("evalsha_ro", arity: -3, flags: readFlags, keys: ro, acl: acl, group: g) { c throws(CommandError) in
                try eval(c, sha: true, readOnly: true)
            },
            CommandSpec("fcall", arity: -3, flags: writeFlags, keys: rw, acl: acl, group: g) { c throws(CommandError) in
                try fcall(c, readOnly: false)
            },
            CommandSpec("fcall_ro", arity: -3, flags: readFlags, keys: ro, acl: acl, group: g) { c throws(CommandError) in
                try fcall(c, readOnly: true)
            },
            CommandSpec(container: "script", group: g, subcommands: [
                sub("load", 3, [.noScript, .stale], tips: ["request_policy:all_nodes", "response_policy:all_succeeded"]) {
                    c throws(CommandError) in
                    let script = try c.server.scriptCache.load(c.args[2])
                    c.bulk(script.sha)
                },
                sub("exists", -3, [.noScript], tips: ["request_policy:all_shards", "response_policy:agg_logical_and"]) {
                    c throws(CommandError) in
                    c.array(c.args.count - 2)
                    for i in 2..<c.args.count { c.integer(c.server.scriptCache.find(sha: c.args[i]) == nil ? 0 : 1) }
                },
                sub("flush", -2, [.noScript], tips: ["request_policy:all_nodes", "response_policy:all_succeeded"]) {
                    c throws(CommandError) in
                    guard c.args.count == 2
                        || (c.args.count == 3 && (equalsIgnoringCase(c.args[2], "sync") || equalsIgnoringCase(c.args[2], "async")))
                    else { throw .err("SCRIPT FLUSH only support SYNC|ASYNC option") }
                    c.server.scriptCache.flush()
                    c.ok()
                },
                sub("kill", 2, [.noScript, .allowBusy], tips: ["request_policy:all_shards", "response_policy:one_succeeded"]) {
                    c throws(CommandError) in
                    try c.server.killScript(eval: true)
                    c.ok()
                },
                sub("debug", 3, [.noScript]) { c throws(CommandError) in
                    if equalsIgnoringCase(c.args[2], "no") {
                        c.ok()
                    } else if equalsIgnoringCase(c.args[2], "yes") || equalsIgnoringCase(c.args[2], "sync") {
                        throw .err("SCRIPT DEBUG is not supported by Cinnabar")
                    } else {
                        throw .err("Use SCRIPT DEBUG YES/SYNC/NO")
                    }
                },
                sub("help", 2, [.loading, .stale]) { c throws(CommandError) in
                    c.help("SCRIPT", [
                        "DEBUG (YES|SYNC|NO)", "    Set the debug mode for subsequent scripts executed.",
                        "EXISTS <sha1> [<sha1> ...]",
                        "    Return information about the existence of the scripts in the script cache.",
                        "FLUSH [ASYNC|SYNC]", "    Flush the Lua scripts cache. Very dangerous on replicas.",
                        "    When called without the optional mode argument, the behavior is determined by the",
                        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                        "    * ASYNC: Asynchronously flush the scripts cache.",
                        "    * SYNC: Synchronously flush the scripts cache.",
                        "KILL", "    Kill the currently executing Lua script.",
                        "LOAD <script>", "    Load a script into the scripts cache without executing it.",
                    ])
                },
            ]),
            CommandSpec(container: "function", group: g, subcommands: [
                sub("load", -3, [.noScript, .write, .denyOOM], tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
                    acl: ["@write"], functionLoad),
                sub("delete", 3, [.noScript, .write], tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
                    acl: ["@write"]) { c throws(CommandError) in
                    let libraries = c.server.functionLibraries
                    guard let library = libraries.library(named: c.args.string(2)) else { throw .err("Library not found") }
                    libraries.remove(library)
                    c.keyspace.state.dirty += 1
                    c.ok()
                },
                sub("flush", -2, [.noScript, .write], tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
                    acl: ["@write"]) { c throws(CommandError) in
                    if c.args.count > 3 { throw subcommandSyntax(c) }
                    guard c.args.count == 2
                        || (c.args.count == 3 && (equalsIgnoringCase(c.args[2], "sync") || equalsIgnoringCase(c.args[2], "async")))
                    else { throw .err("FUNCTION FLUSH only supports SYNC|ASYNC option") }
                    c.server.functionLibraries.flush()
                    c.keyspace.state.dirty += 1
                    c.ok()
                },
                sub("list", -2, [.noScript], tips: ["nondeterministic_output_order"], functionList),
                sub("stats", 2, [.noScript, .allowBusy],
                    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"], functionStats),
                sub("kill", 2, [.noScript, .allowBusy], tips: ["request_policy:all_shards", "response_policy:one_succeeded"]) {
                    c throws(CommandError) in
                    try c.server.killScript(eval: false)
                    c.ok()
                },
                sub("dump", 2, [.noScript], functionDump),
                sub("restore", -3, [.noScript, .write, .denyOOM], tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
                    acl: ["@write"], functionRestore),
                sub("help", 2, [.loading, .stale]) { c throws(CommandError) in
                    c.help("FUNCTION", [
                        "LOAD [REPLACE] <FUNCTION CODE>",
                        "    Create a new library with the given library name and code.",
                        "DELETE <LIBRARY NAME>", "    Delete the given library.",
                        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                        "    Return general information on all the libraries:",
                        "    * Library name", "    * The engine used to run the Library",
                        "    * Library description", "    * Functions list", "    * Library code (if WITHCODE is given)",
                        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                        "STATS", "    Return information about the current function running:", "    * Function name",
                        "    * Command used to run the function", "    * Duration in MS that the function is running",
                        "    If no function is running, return nil", "    In addition, returns a list of available engines.",
                        "KILL", "    Kill the current running function.", "FLUSH [ASYNC|SYNC]",
                        "    Delete all the libraries.",
                        "    When called without the optional mode argument, the behavior is determined by the",
                        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                        "    * ASYNC: Asynchronously flush the libraries.", "    * SYNC: Synchronously flush the libraries.",
                        "DUMP",
                        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
                        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                        "    control how to handle existing libraries (default APPEND):",
                        "    * FLUSH: delete all existing libraries.",
                        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                        "      in case of functions name collision with another library).",
                    ])
                },
            ]),
        ]
    }

    /// addReplySubcommandSyntaxError.
    static func subcommandSyntax(_ c: CommandContext) -> CommandError {
        .err("unknown subcommand or wrong number of arguments for '\(c.args.string(1).prefix(128))'. Try \(c.args.string(0).uppercased()) HELP.")
    }

    // MARK: - EVAL family

    /// numkeys of EVAL/FCALL: the key argument indexes.
    static func keyIndexes(_ c: CommandContext, badNumber: CommandError) throws(CommandError) -> Range<Int> {
        guard let n = parseInt64(c.args[2]) else { throw badNumber }
        if n > Int64(c.args.count - 3) { throw .err("Number of keys can't be greater than number of args") }
        if n < 0 { throw .err("Number of keys can't be negative") }
        return 3..<(3 + Int(n))
    }

    static func eval(_ c: CommandContext, sha: Bool, readOnly: Bool) throws(CommandError) {
        let keys = try keyIndexes(c, badNumber: .notInteger)
        let server = c.server
        // Effects replication: the script's commands are propagated, never the script.
        c.preventPropagation()
        // Scripts' own commands appear in MONITOR after the script (EVAL is skip_monitor).
        server.feedMonitorsNow(c.args, client: c.client)
        let cache = server.scriptCache
        let script: EvalScript
        if sha {
            guard let found = cache.find(sha: c.args[1]) else {
                throw CommandError("NOSCRIPT No matching script. Please use EVAL.")
            }
            script = found
        } else {
            script = try cache.load(c.args[1])
        }
        let run = try server.prepareScriptRun(c, name: script.sha, flags: script.flags, readOnly: readOnly,
                                              evalMode: true)
        let engine = cache.engine
        cinnabar_lua_push_error_handler(engine.L)
        lua_rawgeti(engine.L, cinnabar_lua_registryindex(), script.ref)
        if server.runScript(run, engine: engine, keys: keys, args: c.args) { c.spec.failedCalls += 1 }
    }

    static func fcall(_ c: CommandContext, readOnly: Bool) throws(CommandError) {
        let libraries = c.server.functionLibraries
        guard let function = libraries.functions[c.args.string(1).lowercased()] else { throw .err("Function not found") }
        let keys = try keyIndexes(c, badNumber: .err("Bad number of keys provided"))
        c.preventPropagation()
        c.server.feedMonitorsNow(c.args, client: c.client)
        let run = try c.server.prepareScriptRun(c, name: function.name, flags: function.flags, readOnly: readOnly,
                                                evalMode: false)
        let engine = libraries.engine
        cinnabar_lua_push_error_handler(engine.L)
        lua_rawgeti(engine.L, cinnabar_lua_registryindex(), function.ref)
        if c.server.runScript(run, engine: engine, keys: keys, args: c.args) { c.spec.failedCalls += 1 }
    }

    // MARK: - FUNCTION

    static func functionLoad(_ c: CommandContext) throws(CommandError) {
        var replace = false
        var i = 2
        while i < c.args.count - 1 {
            guard equalsIgnoringCase(c.args[i], "replace") else { throw .err("Unknown option given: \(c.args.string(i))") }
            replace = true
            i += 1
        }
        guard i < c.args.count else { throw .err("Function code is missing") }
        let name = try c.server.functionLibraries.load(Array(c.args[i]), replace: replace)
        c.keyspace.state.dirty += 1
        c.bulk(name)
    }

    static func functionList(_ c: CommandContext) throws(CommandError) {
        var withCode = false
        var pattern: [UInt8]?
        var i = 2
        while i < c.args.count {
            if equalsIgnoringCase(c.args[i], "withcode") {
                if withCode { throw .err("Unknown argument withcode") }
                withCode = true
            } else if equalsIgnoringCase(c.args[i], "libraryname") {
                if pattern != nil { throw .err("Unknown argument libraryname") }
                guard i + 1 < c.args.count else { throw .err("library name argument was not given") }
                pattern = Array(c.args[i + 1])
                i += 1
            } else {
                throw .err("Unknown argument \(c.args.string(i))")
            }
            i += 1
        }
        let libraries = c.server.functionLibraries.libraries.filter { library in
            guard let pattern else { return true }
            return pattern.withUnsafeBytes { p in
                Array(library.name.utf8).withUnsafeBytes { globMatch(pattern: p, string: $0, noCase: false) }
            }
        }
        c.array(libraries.count)
        for library in libraries {
            c.map(withCode ? 4 : 3)
            c.bulk("library_name")
            c.bulk(library.name)
            c.bulk("engine")
            c.bulk("LUA")
            c.bulk("functions")
            c.array(library.functions.count)
            for f in library.functions {
                c.map(3)
                c.bulk("name")
                c.bulk(f.name)
                c.bulk("description")
                if let d = f.description { c.bulk(d) } else { c.null() }
                c.bulk("flags")
                let names = f.flags.listNames
                c.set(names.count)
                for n in names { c.bulk(n) }
            }
            if withCode {
                c.bulk("library_code")
                c.bulk(library.code)
            }
        }
    }

    static func functionStats(_ c: CommandContext) throws(CommandError) {
        let server = c.server
        c.map(2)
        c.bulk("running_script")
        if let run = server.runningScript, !run.evalMode {
            c.map(3)
            c.bulk("name")
            c.bulk(run.name)
            c.bulk("command")
            c.array(run.command.count)
            for a in run.command { c.bulk(a) }
            c.bulk("duration_ms")
            c.integer(Int(unixTimeMicroseconds() / 1000 - run.started))
        } else {
            c.null()
        }
        c.bulk("engines")
        c.map(1)
        c.bulk("LUA")
        c.map(2)
        c.bulk("libraries_count")
        c.integer(server.functionLibraries.libraries.count)
        c.bulk("functions_count")
        c.integer(server.functionLibraries.functions.count)
    }

    /// FUNCTION DUMP: Redis's payload, each library as RDB_OPCODE_FUNCTION2 and its code, then the RDB version and
    /// a CRC64, so Redis restores it and we restore Redis's.
    static func functionDump(_ c: CommandContext) throws(CommandError) {
        var payload: [UInt8] = []
        for library in c.server.functionLibraries.libraries {
            payload.append(245)
            appendRDBString(&payload, library.code)
        }
        c.bulk(sealDumpPayload(payload))
    }

    static func functionRestore(_ c: CommandContext) throws(CommandError) {
        var policy = "append"
        if c.args.count > 4 { throw subcommandSyntax(c) }
        if c.args.count == 4 {
            policy = c.args.string(3).lowercased()
            guard ["flush", "append", "replace"].contains(policy) else {
                throw .err("Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
            }
        }
        let payload = Array(c.args[2])
        guard let body = openDumpPayload(payload) else { throw .err("DUMP payload version or checksum are wrong") }
        var codes: [[UInt8]] = []
        var i = 0
        while i < body.count {
            guard body[i] == 245 else {
                throw .err(body[i] == 246 ? "Pre-GA function format not supported" : "given type is not a function")
            }
            i += 1
            guard let code = readRDBString(body, &i) else { throw .err("can not read data type") }
            codes.append(code)
        }
        let libraries = c.server.functionLibraries
        // Check everything before changing anything.
        var names: [String] = []
        for code in codes {
            let (name, _, _) = try FunctionLibraries.metadata(code)
            names.append(name)
            if policy == "append" && libraries.library(named: name) != nil {
                throw .err("Library \(name) already exists")
            }
        }
        let saved = libraries.libraries.map { ($0.code) }
        if policy == "flush" { libraries.flush() }
        do {
            for code in codes { _ = try libraries.load(code, replace: policy != "append") }
        } catch {
            // Roll back to what was there.
            libraries.flush()
            for code in saved { _ = try? libraries.load(code, replace: true) }
            throw error
        }
        c.keyspace.state.dirty += 1
        c.ok()
    }
}

// MARK: - Running scripts

extension Server {
    /// Redis's scriptPrepareForRun: the flags' rules, then a run context.
    func prepareScriptRun(_ c: CommandContext, name: String, flags: ScriptFlags, readOnly: Bool,
                          evalMode: Bool) throws(CommandError) -> ScriptRun {
        // Evictions run before a script as before any command; the script's own writes then see the result.
        outOfMemoryAtCommandStart = config.maxMemory > 0 && !performEvictions()
        if !flags.contains(.evalCompat) {
            if !flags.contains(.noWrites) && readOnly {
                throw .err("Can not execute a script with write flag using *_ro command.")
            }
            if !flags.contains(.noWrites) && config.minReplicasToWrite > 0 && !hasEnoughGoodReplicas {
                throw .noReplicas
            }
            if outOfMemoryAtCommandStart && !flags.contains(.allowOOM) && !flags.contains(.noWrites) {
                throw CommandError("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'")
            }
        }
        let compat = flags.contains(.evalCompat)
        let run = ScriptRun(caller: c.client, name: name, evalMode: evalMode,
                            readOnly: readOnly || (!compat && flags.contains(.noWrites)),
                            allowOOM: !compat && flags.contains(.allowOOM), startedMicros: unixTimeMicroseconds())
        if !evalMode { run.command = (0..<c.args.count).map { Array(c.args[$0]) } }
        return run
    }

    /// Runs the function on top of the engine's stack (its error handler below) and replies; returns whether the
    /// reply was an error.
    func runScript(_ run: ScriptRun, engine: LuaEngine, keys: Range<Int>, args: Arguments) -> Bool {
        runningScript = run
        keyspace.updateTime()
        keyspace.state.timeFrozen = true
        let failed = engine.call(run, keys: keys, args: args)
        keyspace.state.timeFrozen = false
        runningScript = nil
        return failed
    }

    /// SCRIPT KILL / FUNCTION KILL (scriptKill).
    func killScript(eval: Bool) throws(CommandError) {
        guard let run = runningScript else { throw CommandError("NOTBUSY No scripts in execution right now.") }
        if run.wroteData {
            throw CommandError("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")
        }
        if eval && !run.evalMode {
            throw CommandError("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.")
        }
        if !eval && run.evalMode {
            throw CommandError("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")
        }
        run.killed = true
    }

    /// The BUSY error for commands arriving while a script runs past busy-reply-threshold.
    var busyScriptError: CommandError {
        runningScript?.evalMode == false
            ? CommandError("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.")
            : CommandError("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")
    }

    func scriptBecameBusy() { busyScriptRunning = true }
    func scriptEnded() { busyScriptRunning = false }
}
