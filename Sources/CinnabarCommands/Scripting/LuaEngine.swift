// One Lua interpreter and the scripts that run in it (Redis's script_lua.c and script.c): the bridge between Lua
// values and RESP replies, redis.call with Redis's checks, the run context of the script being executed, and the
// timeout hook. EVAL's scripts and FUNCTION's libraries each get their own interpreter, as in Redis.
// The sandbox itself (libraries, read-only globals, the error handler) is C: Sources/CCinnabarLua.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarLua
import CinnabarRESP
import CinnabarStorage
import NIOCore

/// Script flags (the shebang's `flags=` or register_function's `flags`), Redis's SCRIPT_FLAG_*.
public struct ScriptFlags: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let noWrites = ScriptFlags(rawValue: 1 << 0)
    public static let allowOOM = ScriptFlags(rawValue: 1 << 1)
    public static let allowStale = ScriptFlags(rawValue: 1 << 2)
    public static let noCluster = ScriptFlags(rawValue: 1 << 3)
    /// An EVAL script without a shebang: Redis's pre-7.0 rules.
    public static let evalCompat = ScriptFlags(rawValue: 1 << 4)
    public static let allowCrossSlotKeys = ScriptFlags(rawValue: 1 << 5)

    static let names: [(String, ScriptFlags)] = [
        ("no-writes", .noWrites), ("allow-oom", .allowOOM), ("allow-stale", .allowStale),
        ("no-cluster", .noCluster), ("allow-cross-slot-keys", .allowCrossSlotKeys),
    ]

    /// The flag names as FUNCTION LIST prints them.
    var listNames: [String] { ScriptFlags.names.filter { contains($0.1) }.map(\.0) }
}

/// What the running script may do and has done (Redis's scriptRunCtx).
final class ScriptRun {
    let caller: Client
    /// The SHA1 for EVAL, the function's name for FCALL (error messages: "script: <name>").
    let name: String
    let evalMode: Bool
    let readOnly: Bool
    let allowOOM: Bool
    /// A write command ran: the script can no longer be killed, and OOM is no longer checked.
    var wroteData = false
    var killed = false
    /// When it started (Unix ms), and whether it has run past busy-reply-threshold.
    let started: Int64
    var busy = false
    /// The same in microseconds (TIME inside the script answers it).
    let startedMicros: Int64
    /// FCALL's arguments (FUNCTION STATS shows them).
    var command: [[UInt8]] = []

    init(caller: Client, name: String, evalMode: Bool, readOnly: Bool, allowOOM: Bool, startedMicros: Int64) {
        self.caller = caller
        self.name = name
        self.evalMode = evalMode
        self.readOnly = readOnly
        self.allowOOM = allowOOM
        self.started = startedMicros / 1000
        self.startedMicros = startedMicros
    }
}

final class LuaEngine {
    private(set) var L: OpaquePointer
    unowned let server: Server
    let functionsMode: Bool
    /// The client commands from scripts run as (CLIENT LIST never shows it; MONITOR prints "lua").
    let scriptClient: Client
    /// The script being run, nil between scripts.
    var run: ScriptRun?
    /// FUNCTION LOAD in progress: where register_function records functions, and when the load started.
    var loading: FunctionLibrary?
    var loadStarted: Int64 = 0
    /// Reused buffers for redis.call's arguments.
    private var argumentBlob = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024, alignment: 8)
    private var argumentSlices = UnsafeMutableBufferPointer<ArgumentSlice>.allocate(capacity: 16)
    private var callsSinceCollection = 0

    init(server: Server, functionsMode: Bool) {
        LuaEngine.installCallbacks
        self.server = server
        self.functionsMode = functionsMode
        scriptClient = Client(id: 0, address: "", localAddress: "", fd: -1, authenticated: true, now: 0,
                              database: server.keyspace.databases[0])
        scriptClient.denyBlocking = true
        L = OpaquePointer(bitPattern: 1)!  // replaced below, once self can be handed to C
        let state = cinnabar_lua_open(Unmanaged.passUnretained(self).toOpaque(), functionsMode ? 1 : 0,
                                      Server.version, LuaEngine.versionNumber)
        guard let state else { fatalError("cannot create a Lua interpreter (out of memory)") }
        L = state
    }

    deinit {
        lua_close(L)
        argumentBlob.deallocate()
        argumentSlices.deallocate()
    }

    static let versionNumber: Int32 = {
        let parts = Server.version.split(separator: ".").compactMap { Int32($0) }
        return parts.count == 3 ? parts[0] << 16 | parts[1] << 8 | parts[2] : 0
    }()

    /// Bytes the interpreter holds (INFO used_memory_lua / used_memory_vm_functions).
    var memoryUsed: Int { Int(lua_gc(L, LUA_GCCOUNT, 0)) * 1024 + Int(lua_gc(L, LUA_GCCOUNTB, 0)) }

    // MARK: - Running

    /// Runs the function on top of the stack (error handler below it) for `run`, with KEYS/ARGV set as globals
    /// (EVAL) or passed as the two arguments (FCALL), and writes its reply to the caller.
    /// Returns whether the reply was an error (the script's command counts as failed).
    @discardableResult
    func call(_ run: ScriptRun, keys: Range<Int>, args: Arguments) -> Bool {
        let caller = run.caller
        self.run = run
        scriptClient.database = caller.database
        scriptClient.protocolVersion = 2
        scriptClient.user = caller.user
        let hooked = server.config.busyReplyThreshold > 0
        if hooked { cinnabar_lua_set_timeout_hook(L, 1) }
        pushArray(args, keys)
        if run.evalMode { cinnabar_lua_set_global(L, "KEYS") }
        pushArray(args, keys.upperBound..<args.count)
        if run.evalMode { cinnabar_lua_set_global(L, "ARGV") }
        let status = lua_pcall(L, run.evalMode ? 0 : 2, 1, run.evalMode ? -2 : -4)
        if hooked { cinnabar_lua_set_timeout_hook(L, 0) }
        callsSinceCollection += 1
        if callsSinceCollection == 50 {
            lua_gc(L, LUA_GCSTEP, 50)
            callsSinceCollection = 0
        }
        var failed = true
        if status != 0 {
            replyScriptError(to: caller, name: run.name)
        } else {
            let start = caller.out.writerIndex
            writeReply(&caller.out, resp3: caller.resp3, depth: 0)
            failed = caller.out.getInteger(at: start, as: UInt8.self) == UInt8(ascii: "-")
        }
        cinnabar_lua_pop(L, 1)  // the error handler
        self.run = nil
        if run.busy { server.scriptEnded() }
        return failed
    }

    private func pushArray<S: Sequence>(_ args: Arguments, _ indexes: S) where S.Element == Int {
        lua_createtable(L, 0, 0)
        var n: Int32 = 1
        for i in indexes {
            let a = args[i]
            lua_pushlstring(L, a.baseAddress?.assumingMemoryBound(to: CChar.self), a.count)
            lua_rawseti(L, -2, n)
            n += 1
        }
    }

    /// The error left by a failed lua_pcall, as Redis's luaCallFunction words it.
    private func replyScriptError(to caller: Client, name: String) {
        if lua_type(L, -1) != LUA_TTABLE {
            let text = string(at: -1) ?? "execution failure"
            server.replyError(CommandError("ERR Error running script \(name), \(text.prefix(100))"), client: caller)
        } else {
            let info = errorInfo()
            var message = info.message
            if let line = info.line, let source = info.source {
                message += " script: \(name), on \(source):\(line)."
            }
            writeError(message, ignoreStats: info.ignoreStats, client: caller)
        }
        cinnabar_lua_pop(L, 1)
    }

    struct ErrorInfo {
        var message = ""
        var source: String?
        var line: String?
        var ignoreStats = false
    }

    /// Redis's luaExtractErrorInformation for the value on top of the stack.
    func errorInfo() -> ErrorInfo {
        var info = ErrorInfo()
        if lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER {
            info.message = "ERR " + (string(at: -1) ?? "")
            return info
        }
        lua_getfield(L, -1, "err")
        info.message = string(at: -1) ?? "(null)"
        cinnabar_lua_pop(L, 1)
        lua_getfield(L, -1, "source")
        info.source = string(at: -1)
        cinnabar_lua_pop(L, 1)
        lua_getfield(L, -1, "line")
        info.line = string(at: -1)
        cinnabar_lua_pop(L, 1)
        lua_getfield(L, -1, "ignore_error_stats_update")
        info.ignoreStats = lua_type(L, -1) == LUA_TBOOLEAN && lua_toboolean(L, -1) != 0
        cinnabar_lua_pop(L, 1)
        return info
    }

    func writeError(_ message: String, ignoreStats: Bool, client: Client) {
        let error = CommandError(message)
        if ignoreStats {
            client.out.writeRESPError(message)
        } else {
            server.replyError(error, client: client)
        }
    }

    /// A string or number at `index`, converted as lua_tolstring does (nil for other types).
    func string(at index: Int32) -> String? {
        let t = lua_type(L, index)
        guard t == LUA_TSTRING || t == LUA_TNUMBER else { return nil }
        var length = 0
        guard let p = lua_tolstring(L, index, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: length), as: UTF8.self)
    }

    func bytes(at index: Int32) -> UnsafeRawBufferPointer? {
        var length = 0
        guard let p = lua_tolstring(L, index, &length) else { return nil }
        return UnsafeRawBufferPointer(start: p, count: length)
    }

    // MARK: - Lua value → reply (luaReplyToRedisReply)

    /// Writes the value on top of the stack as a reply and pops it.
    func writeReply(_ out: inout ByteBuffer, resp3: Bool, depth: Int) {
        defer { cinnabar_lua_pop(L, 1) }
        if depth > 1000 || lua_checkstack(L, 4) == 0 {
            out.writeRESPError("ERR reached lua stack limit")
            return
        }
        switch lua_type(L, -1) {
        case LUA_TSTRING:
            out.writeRESPBulk(bytes(at: -1)!)
        case LUA_TBOOLEAN:
            let value = lua_toboolean(L, -1) != 0
            if scriptClient.protocolVersion == 2 {
                if value { out.writeRESPInteger(1) } else { out.writeRESPNull(resp3: resp3) }
            } else {
                out.writeRESPBool(value, resp3: resp3)
            }
        case LUA_TNUMBER:
            out.writeRESPInteger(Int(truncatingLuaNumber: lua_tonumber(L, -1)))
        case LUA_TTABLE:
            writeTableReply(&out, resp3: resp3, depth: depth)
        default:
            out.writeRESPNull(resp3: resp3)
        }
    }

    /// The number of entries of the table on top of the stack (a map's or set's reply length).
    private func entryCount() -> Int {
        var count = 0
        lua_pushnil(L)
        while lua_next(L, -2) != 0 {
            count += 1
            cinnabar_lua_pop(L, 1)
        }
        return count
    }

    /// Pushes table[-1][field] (raw) and returns its type.
    private func field(_ name: StaticString) -> Int32 {
        lua_pushstring(L, UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self))
        lua_rawget(L, -2)
        return lua_type(L, -1)
    }

    private func writeTableReply(_ out: inout ByteBuffer, resp3: Bool, depth: Int) {
        if field("err") == LUA_TSTRING {
            cinnabar_lua_pop(L, 1)
            let info = errorInfo()
            if info.ignoreStats {
                out.writeRESPError(info.message)
            } else {
                out.writeRESPError(info.message)
                server.countError(CommandError(info.message))
            }
            return
        }
        cinnabar_lua_pop(L, 1)
        if field("ok") == LUA_TSTRING {
            out.writeRESPSimpleString(String(decoding: bytes(at: -1)!.map { $0 == 13 || $0 == 10 ? 32 : $0 }, as: UTF8.self))
            cinnabar_lua_pop(L, 1)
            return
        }
        cinnabar_lua_pop(L, 1)
        if field("double") == LUA_TNUMBER {
            out.writeRESPDouble(formatted: formatDouble(lua_tonumber(L, -1)), resp3: resp3)
            cinnabar_lua_pop(L, 1)
            return
        }
        cinnabar_lua_pop(L, 1)
        if field("big_number") == LUA_TSTRING {
            let digits = bytes(at: -1)!.map { $0 == 13 || $0 == 10 ? 32 : $0 }
            if resp3 {
                out.writeInteger(UInt8(ascii: "("))
                out.writeBytes(digits)
                out.writeBytes([13, 10])
            } else {
                out.writeRESPBulk(digits)
            }
            cinnabar_lua_pop(L, 1)
            return
        }
        cinnabar_lua_pop(L, 1)
        if field("verbatim_string") == LUA_TTABLE {
            if field("format") == LUA_TSTRING {
                let format = Array(bytes(at: -1)!)
                lua_pushstring(L, "string")
                lua_rawget(L, -3)
                if lua_type(L, -1) == LUA_TSTRING {
                    let text = bytes(at: -1)!
                    if resp3 {
                        out.writeInteger(UInt8(ascii: "="))
                        out.writeString(String(text.count + 4))
                        out.writeBytes([13, 10])
                        out.writeBytes(format.prefix(3))
                        out.writeInteger(UInt8(ascii: ":"))
                        out.writeBytes(text)
                        out.writeBytes([13, 10])
                    } else {
                        out.writeRESPBulk(text)
                    }
                    cinnabar_lua_pop(L, 3)
                    return
                }
                cinnabar_lua_pop(L, 1)
            }
            cinnabar_lua_pop(L, 1)
        }
        cinnabar_lua_pop(L, 1)
        if field("map") == LUA_TTABLE {
            let count = entryCount()
            out.writeRESPMapHeader(count, resp3: resp3)
            lua_pushnil(L)
            while lua_next(L, -2) != 0 {
                lua_pushvalue(L, -2)
                writeReply(&out, resp3: resp3, depth: depth + 1)  // key
                writeReply(&out, resp3: resp3, depth: depth + 1)  // value
            }
            cinnabar_lua_pop(L, 1)
            return
        }
        cinnabar_lua_pop(L, 1)
        if field("set") == LUA_TTABLE {
            let count = entryCount()
            out.writeRESPSetHeader(count, resp3: resp3)
            lua_pushnil(L)
            while lua_next(L, -2) != 0 {
                cinnabar_lua_pop(L, 1)
                lua_pushvalue(L, -1)
                writeReply(&out, resp3: resp3, depth: depth + 1)
            }
            cinnabar_lua_pop(L, 1)
            return
        }
        cinnabar_lua_pop(L, 1)
        // An array: elements 1, 2, ... up to the first nil.
        var count: Int32 = 0
        while true {
            lua_rawgeti(L, -1, count + 1)
            let isNil = lua_type(L, -1) == LUA_TNIL
            cinnabar_lua_pop(L, 1)
            if isNil { break }
            count += 1
        }
        out.writeRESPArrayHeader(Int(count))
        var i: Int32 = 1
        while i <= count {
            lua_rawgeti(L, -1, i)
            writeReply(&out, resp3: resp3, depth: depth + 1)
            i += 1
        }
    }

    // MARK: - Reply → Lua value (redisProtocolToLuaType)

    /// Pushes the RESP reply at `p[i...]` as a Lua value and advances `i` past it. `push` false skips it.
    private func pushReply(_ p: UnsafeRawBufferPointer, _ i: inout Int, push: Bool = true) {
        guard i < p.count else {
            if push { lua_pushnil(L) }
            return
        }
        if push { _ = lua_checkstack(L, 5) }
        let marker = p[i]
        let lineStart = i + 1
        var lineEnd = lineStart
        while lineEnd + 1 < p.count && !(p[lineEnd] == 13 && p[lineEnd + 1] == 10) { lineEnd += 1 }
        let line = UnsafeRawBufferPointer(rebasing: p[lineStart..<min(lineEnd, p.count)])
        i = lineEnd + 2
        func number() -> Int { Int(parseInt64(line) ?? 0) }
        switch marker {
        case UInt8(ascii: "+"):
            guard push else { return }
            lua_createtable(L, 0, 1)
            lua_pushlstring(L, line.baseAddress?.assumingMemoryBound(to: CChar.self), line.count)
            lua_setfield(L, -2, "ok")
        case UInt8(ascii: "-"):
            guard push else { return }
            let full = UnsafeRawBufferPointer(rebasing: p[(lineStart - 1)..<min(lineEnd, p.count)])
            cinnabar_lua_push_error(L, full.baseAddress?.assumingMemoryBound(to: CChar.self), full.count, 1)
        case UInt8(ascii: ":"):
            if push { lua_pushnumber(L, lua_Number(number())) }
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            let n = number()
            if n < 0 {
                if push { lua_pushboolean(L, 0) }
                return
            }
            let body = UnsafeRawBufferPointer(rebasing: p[i..<min(i + n, p.count)])
            i += n + 2
            guard push else { return }
            if marker == UInt8(ascii: "=") && body.count >= 4 {
                lua_createtable(L, 0, 1)
                lua_createtable(L, 0, 2)
                let text = UnsafeRawBufferPointer(rebasing: body[4...])
                lua_pushlstring(L, text.baseAddress?.assumingMemoryBound(to: CChar.self), text.count)
                lua_setfield(L, -2, "string")
                lua_pushlstring(L, body.baseAddress?.assumingMemoryBound(to: CChar.self), 3)
                lua_setfield(L, -2, "format")
                lua_setfield(L, -2, "verbatim_string")
            } else if marker == UInt8(ascii: "!") {
                cinnabar_lua_push_error(L, body.baseAddress?.assumingMemoryBound(to: CChar.self), body.count, 1)
            } else {
                lua_pushlstring(L, body.baseAddress?.assumingMemoryBound(to: CChar.self), body.count)
            }
        case UInt8(ascii: "*"), UInt8(ascii: ">"):
            let n = number()
            if n < 0 {
                if push { lua_pushboolean(L, 0) }
                return
            }
            if push { lua_createtable(L, Int32(clamping: n), 0) }
            for j in 0..<n {
                pushReply(p, &i, push: push)
                if push { lua_rawseti(L, -2, Int32(clamping: j + 1)) }
            }
        case UInt8(ascii: "%"):
            let n = number()
            if push {
                lua_createtable(L, 0, 1)
                lua_createtable(L, 0, Int32(clamping: n))
            }
            for _ in 0..<max(n, 0) {
                pushReply(p, &i, push: push)
                pushReply(p, &i, push: push)
                if push { lua_settable(L, -3) }
            }
            if push { lua_setfield(L, -2, "map") }
        case UInt8(ascii: "~"):
            let n = number()
            if push {
                lua_createtable(L, 0, 1)
                lua_createtable(L, 0, Int32(clamping: n))
            }
            for _ in 0..<max(n, 0) {
                pushReply(p, &i, push: push)
                if push {
                    lua_pushboolean(L, 1)
                    lua_settable(L, -3)
                }
            }
            if push { lua_setfield(L, -2, "set") }
        case UInt8(ascii: "|"):
            let n = number()
            for _ in 0..<max(n, 0) {
                pushReply(p, &i, push: false)
                pushReply(p, &i, push: false)
            }
            pushReply(p, &i, push: push)
        case UInt8(ascii: "_"):
            if push { lua_pushnil(L) }
        case UInt8(ascii: "#"):
            if push { lua_pushboolean(L, line.first == UInt8(ascii: "t") ? 1 : 0) }
        case UInt8(ascii: ","):
            guard push else { return }
            lua_createtable(L, 0, 1)
            lua_pushnumber(L, parseDouble(line) ?? (line.elementsEqual("inf".utf8) ? .infinity : .nan))
            lua_setfield(L, -2, "double")
        case UInt8(ascii: "("):
            guard push else { return }
            lua_createtable(L, 0, 1)
            lua_pushlstring(L, line.baseAddress?.assumingMemoryBound(to: CChar.self), line.count)
            lua_setfield(L, -2, "big_number")
        default:
            if push { lua_pushnil(L) }
        }
    }

    // MARK: - redis.call / redis.pcall (scriptCall)

    /// Runs the command on the stack for the script. Returns 1 with the reply pushed, or -1 with an error table
    /// pushed that redis.call raises (redis.pcall returns it).
    func redisCall(raise: Bool) -> Int32 {
        guard let run else {
            pushError("redis.call can only be called inside a script invocation")
            return -1
        }
        let argc = Int(lua_gettop(L))
        guard argc > 0 else {
            pushError("Please specify at least one argument for this redis lib call")
            return raise ? -1 : 1
        }
        guard let args = collectArguments(argc) else {
            pushError("Lua redis lib command arguments must be strings or integers")
            return raise ? -1 : 1
        }
        let spec: CommandSpec
        switch checkScriptCall(args, run: run) {
        case let .success(found): spec = found
        case let .failure(rejection):
            server.commands.lookup(args)?.rejectedCalls += 1
            let message = rejection.message
            server.countError(CommandError(message.hasPrefix("-") ? String(message.dropFirst()) : "ERR " + message))
            pushError(message, ignoreStats: true)
            return raise ? -1 : 1
        }
        let start = scriptClient.out.writerIndex
        // Straight to the command: the dispatcher's checks for clients (memory, MULTI, pause, BUSY) were done for
        // the script itself, and checkScriptCall applied Redis's rules for scripts.
        server.invoke(spec, args, client: scriptClient)
        let length = scriptClient.out.writerIndex - start
        var isError = false
        scriptClient.out.withUnsafeReadableBytes { all in
            let reply = UnsafeRawBufferPointer(rebasing: all[(all.count - length)...])
            isError = reply.first == UInt8(ascii: "-")
            var i = 0
            pushReply(reply, &i)
        }
        scriptClient.out.clear()
        return raise && isError ? -1 : 1
    }

    struct Rejection: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Redis's checks before a script's command: existence and arity, no-script commands, writes from read-only
    /// scripts, and the memory limit before the first write. Returns the command, or the error text.
    private func checkScriptCall(_ args: Arguments, run: ScriptRun) -> Result<CommandSpec, Rejection> {
        guard let spec = server.commands.lookup(args) else {
            return .failure(Rejection("Unknown Redis command called from script"))
        }
        if (spec.arity > 0 && spec.arity != args.count) || args.count < -spec.arity {
            return .failure(Rejection("Wrong number of args calling Redis command from script"))
        }
        if spec.flags.contains(.noScript) && !server.scriptDenyDisabled {
            return .failure(Rejection("This Redis command is not allowed from script"))
        }
        let writes = spec.flags.contains(.write)
        if run.readOnly && (writes || spec.flags.contains(.mayReplicate)) {
            return .failure(Rejection("Write commands are not allowed from read-only scripts."))
        }
        if writes && server.replication.masterHost != nil && server.config.get("replica-read-only") != "no" {
            return .failure(Rejection("-READONLY You can't write against a read only replica."))
        }
        // min-replicas-to-write (scriptVerifyWriteCommandAllow; scripts with flags were checked before running).
        if writes && server.config.minReplicasToWrite > 0 && !server.hasEnoughGoodReplicas {
            return .failure(Rejection("-" + CommandError.noReplicas.message))
        }
        if !run.allowOOM && !run.wroteData && server.config.maxMemory > 0 && server.outOfMemoryAtCommandStart
            && spec.flags.contains(.denyOOM)
        {
            return .failure(Rejection("-" + CommandError.outOfMemory.message))
        }
        if writes { run.wroteData = true }
        return .success(spec)
    }

    /// The call's arguments, copied into the reused buffers (numbers formatted as Redis does: %.17g).
    private func collectArguments(_ argc: Int) -> Arguments? {
        if argumentSlices.count < argc {
            argumentSlices.deallocate()
            argumentSlices = .allocate(capacity: argc * 2)
        }
        var total = 0
        var numbers: [Int: [UInt8]] = [:]
        for j in 1...argc {
            switch lua_type(L, Int32(j)) {
            case LUA_TSTRING:
                var length = 0
                _ = lua_tolstring(L, Int32(j), &length)
                total += length
            case LUA_TNUMBER:
                let text = Array(formatLuaNumber(lua_tonumber(L, Int32(j))).utf8)
                numbers[j] = text
                total += text.count
            default:
                return nil
            }
        }
        if argumentBlob.count < total {
            argumentBlob.deallocate()
            argumentBlob = .allocate(byteCount: max(total, argumentBlob.count * 2), alignment: 8)
        }
        var offset = 0
        for j in 1...argc {
            if let text = numbers[j] {
                text.withUnsafeBytes { argumentBlob.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                argumentSlices[j - 1] = ArgumentSlice(offset: offset, count: text.count)
                offset += text.count
            } else {
                var length = 0
                let p = lua_tolstring(L, Int32(j), &length)!
                if length > 0 { argumentBlob.baseAddress!.advanced(by: offset).copyMemory(from: p, byteCount: length) }
                argumentSlices[j - 1] = ArgumentSlice(offset: offset, count: length)
                offset += length
            }
        }
        return Arguments(base: UnsafeRawPointer(argumentBlob.baseAddress!),
                         slices: UnsafeBufferPointer(start: argumentSlices.baseAddress, count: argc))
    }

    func pushError(_ message: String, ignoreStats: Bool = false) {
        var m = message
        m.withUTF8 { cinnabar_lua_push_error(L, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count, ignoreStats ? 1 : 0) }
    }

    // MARK: - The other callbacks

    func log(level: Int32, _ message: String) {
        let threshold: Int32
        switch server.config.logLevel {
        case "debug": threshold = 0
        case "verbose": threshold = 1
        case "notice": threshold = 2
        default: threshold = 3
        }
        guard level >= threshold else { return }
        switch level {
        case 0, 1: server.logger.debug("\(message)")
        case 2: server.logger.notice("\(message)")
        default: server.logger.warning("\(message)")
        }
    }

    /// The count hook: past busy-reply-threshold, the server answers other clients (BUSY) while the script runs,
    /// and a SCRIPT KILL / FUNCTION KILL received meanwhile stops it.
    func interrupt() -> Bool {
        let now = unixTimeMicroseconds() / 1000
        if loading != nil {
            return now - loadStarted > 500
        }
        guard let run else { return false }
        let elapsed = now - run.started
        if elapsed < server.config.busyReplyThreshold { return false }
        if !run.busy {
            run.busy = true
            server.logger.warning("Slow script detected: still in execution after \(elapsed) milliseconds. You can try killing the script using the \(run.evalMode ? "SCRIPT KILL" : "FUNCTION KILL") command. Script name is: \(run.name).")
            server.scriptBecameBusy()
        }
        server.processEventsWhileBusy?()
        return run.killed
    }

    // MARK: - Callbacks into Swift (installed once)

    static let installCallbacks: Void = {
        var callbacks = cinnabar_lua_callbacks(
            command: { _, context, raise in
                engine(context).redisCall(raise: raise != 0)
            },
            log: { context, level, message, length in
                let text = String(decoding: UnsafeRawBufferPointer(start: message, count: length), as: UTF8.self)
                engine(context).log(level: level, text)
            },
            setresp: { context, resp in
                engine(context).scriptClient.protocolVersion = Int(resp)
            },
            setrepl: { _, _ in },
            interrupt: { context in
                engine(context).interrupt() ? 1 : 0
            },
            acl_check: { _, context in
                let e = engine(context)
                let argc = Int(lua_gettop(e.L))
                guard let args = e.collectArguments(argc), e.server.commands.lookup(args) != nil else { return -1 }
                return 1
            },
            register_function: { _, context, hasFlags in
                engine(context).registerFunction(hasFlags: hasFlags != 0)
            })
        cinnabar_lua_set_callbacks(&callbacks)
    }()
}

@inline(__always)
private func engine(_ context: UnsafeMutableRawPointer?) -> LuaEngine {
    Unmanaged<LuaEngine>.fromOpaque(context!).takeUnretainedValue()
}

extension Int {
    /// C's (long long) conversion of a Lua number, without trapping on NaN or out-of-range values (x86-64 gives
    /// INT64_MIN for those).
    init(truncatingLuaNumber d: Double) {
        if d.isNaN || d >= 9.223372036854775807e18 || d < -9.223372036854775808e18 {
            self = Int.min
        } else {
            self = Int(d)
        }
    }
}

/// A Lua number as a command argument: shortest round-trip digits, integers without a fraction (Redis's
/// fpconv_dtoa).
func formatLuaNumber(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == d.rounded() && abs(d) < 1e17 { return String(Int64(d)) }
    var s = "\(d)"
    if let e = s.firstIndex(of: "e") {
        // Swift writes 1e+20 / 1e-07; fpconv writes 1e+20 / 1e-07 too.
        let mantissa = s[..<e]
        if mantissa.hasSuffix(".0") { s = String(mantissa.dropLast(2)) + s[e...] }
    }
    return s
}
