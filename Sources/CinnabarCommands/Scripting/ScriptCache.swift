// EVAL's scripts (Redis's eval.c): compiled once per body into the EVAL interpreter, cached by SHA1 until
// SCRIPT FLUSH, with the flags of their shebang line.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarLua
import CinnabarStorage

final class EvalScript {
    let sha: String
    let body: [UInt8]
    let flags: ScriptFlags
    /// The compiled function's reference in the interpreter's registry.
    let ref: Int32

    init(sha: String, body: [UInt8], flags: ScriptFlags, ref: Int32) {
        self.sha = sha
        self.body = body
        self.flags = flags
        self.ref = ref
    }
}

/// A script's SHA1 as 40 hex digits packed in five words, letters folded to lower case: EVALSHA looks scripts up
/// without allocating. Folding sets bit 5 of every byte, which maps "A"-"F" to "a"-"f" and leaves digits alone; a
/// control byte could fold onto a digit, so digests of text with bytes below 0x20 are refused.
struct ScriptDigest: Hashable {
    var a: UInt64, b: UInt64, c: UInt64, d: UInt64, e: UInt64

    /// nil unless `text` is 40 bytes long without control bytes (any case).
    init?(_ text: UnsafeRawBufferPointer) {
        guard text.count == 40, let p = text.baseAddress else { return nil }
        let fold: UInt64 = 0x2020_2020_2020_2020
        let w0 = p.loadUnaligned(as: UInt64.self), w1 = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        let w2 = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        let w3 = p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        let w4 = p.loadUnaligned(fromByteOffset: 32, as: UInt64.self)
        // A byte below 0x20: (x - 0x20) borrows into its high bit while x's own high bit is clear.
        func hasControl(_ x: UInt64) -> Bool { (x &- fold) & ~x & 0x8080_8080_8080_8080 != 0 }
        if hasControl(w0) || hasControl(w1) || hasControl(w2) || hasControl(w3) || hasControl(w4) { return nil }
        a = w0 | fold; b = w1 | fold; c = w2 | fold; d = w3 | fold; e = w4 | fold
    }

    init?(_ text: String) {
        var t = text
        guard let digest = t.withUTF8({ ScriptDigest(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = digest
    }

    /// The digest is already uniformly distributed: one word is enough to hash.
    func hash(into hasher: inout Hasher) { hasher.combine(a) }
}

final class ScriptCache {
    unowned let server: Server
    private(set) var engine: LuaEngine
    private(set) var scripts: [ScriptDigest: EvalScript] = [:]
    /// Bytes of script bodies and digests held (INFO used_memory_scripts_eval).
    private(set) var bodyBytes = 0

    init(server: Server) {
        self.server = server
        engine = LuaEngine(server: server, functionsMode: false)
    }

    func find(sha: UnsafeRawBufferPointer) -> EvalScript? {
        guard let digest = ScriptDigest(sha) else { return nil }
        return scripts[digest]
    }

    /// The cached script for a body, if any (no compiling).
    func find(body: UnsafeRawBufferPointer) -> EvalScript? {
        guard let digest = ScriptDigest(sha1Hex(body)) else { return nil }
        return scripts[digest]
    }

    /// The script for a body, compiled and cached if new (luaCreateFunction).
    func load(_ body: UnsafeRawBufferPointer) throws(CommandError) -> EvalScript {
        let sha = sha1Hex(body)
        let digest = ScriptDigest(sha)!
        if let known = scripts[digest] { return known }
        let (flags, shebangLength) = try parseShebang(body)
        let code = UnsafeRawBufferPointer(rebasing: body[shebangLength...])
        let L = engine.L
        if luaL_loadbuffer(L, code.baseAddress?.assumingMemoryBound(to: CChar.self), code.count, "@user_script") != 0 {
            let message = engine.string(at: -1) ?? ""
            cinnabar_lua_pop(L, 1)
            throw .err("Error compiling script (new function): \(message)")
        }
        let ref = luaL_ref(L, cinnabar_lua_registryindex())
        let script = EvalScript(sha: sha, body: Array(body), flags: flags, ref: ref)
        scripts[digest] = script
        bodyBytes += body.count + 40 + 64
        return script
    }

    /// SCRIPT FLUSH: a new interpreter and an empty cache.
    func flush() {
        scripts.removeAll()
        bodyBytes = 0
        engine = LuaEngine(server: server, functionsMode: false)
    }

    /// The shebang line of an EVAL script (evalExtractShebangFlags): `#!lua flags=no-writes,allow-oom`. Without
    /// one the script runs with Redis's pre-7.0 rules. Returns the flags and the length of the line (its newline
    /// stays, so line numbers in errors are the user's).
    func parseShebang(_ body: UnsafeRawBufferPointer) throws(CommandError) -> (ScriptFlags, Int) {
        guard body.count >= 2 && body[0] == UInt8(ascii: "#") && body[1] == UInt8(ascii: "!") else {
            return (.evalCompat, 0)
        }
        guard let end = body.firstIndex(of: 10) else { throw .err("Invalid script shebang") }
        // Words as Redis's sdssplitargs splits them.
        guard let words = splitArgs(Array(body[0..<end]))?.map({ String(decoding: $0, as: UTF8.self) }),
              let engineName = words.first
        else { throw .err("Invalid engine in script shebang") }
        let parts = words
        guard engineName == "#!lua" else { throw .err("Unexpected engine in script shebang: \(engineName)") }
        var flags: ScriptFlags = []
        for part in parts.dropFirst() {
            guard part.hasPrefix("flags=") else { throw .err("Unknown lua shebang option: \(part)") }
            let list = part.dropFirst(6)
            if list.isEmpty { continue }
            for name in list.split(separator: ",", omittingEmptySubsequences: false) {
                guard let flag = ScriptFlags.names.first(where: { $0.0 == name })?.1 else {
                    throw .err("Unexpected flag in script shebang: \(name)")
                }
                flags.insert(flag)
            }
        }
        return (flags, end)
    }
}

/// SHA-1 as 40 lowercase hex digits.
func sha1Hex(_ bytes: UnsafeRawBufferPointer) -> String {
    var digest = [CChar](repeating: 0, count: 41)
    cinnabar_sha1hex(&digest, bytes.baseAddress, bytes.count)
    return String(decoding: digest.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
