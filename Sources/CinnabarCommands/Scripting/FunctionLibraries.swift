// FUNCTION's libraries (Redis's functions.c and function_lua.c): a library is Lua code with a `#!lua name=<lib>`
// header whose top level registers functions with redis.register_function; FCALL calls them by name. Libraries live
// in their own interpreter, separate from EVAL's, and (unlike EVAL's cache) are part of the dataset.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarLua
import CinnabarStorage

final class ScriptFunction {
    let name: String
    let description: String?
    let flags: ScriptFlags
    /// The callback's reference in the interpreter's registry.
    let ref: Int32
    unowned let library: FunctionLibrary

    init(name: String, description: String?, flags: ScriptFlags, ref: Int32, library: FunctionLibrary) {
        self.name = name
        self.description = description
        self.flags = flags
        self.ref = ref
        self.library = library
    }
}

final class FunctionLibrary {
    let name: String
    let code: [UInt8]
    /// Functions in registration order.
    var functions: [ScriptFunction] = []

    init(name: String, code: [UInt8]) {
        self.name = name
        self.code = code
    }
}

final class FunctionLibraries {
    unowned let server: Server
    let engine: LuaEngine
    /// Libraries in load order, and every function by lowercased name (FCALL's names are case-insensitive).
    private(set) var libraries: [FunctionLibrary] = []
    private(set) var functions: [String: ScriptFunction] = [:]

    init(server: Server) {
        self.server = server
        engine = LuaEngine(server: server, functionsMode: true)
    }

    func library(named name: String) -> FunctionLibrary? { libraries.first { $0.name == name } }

    var codeBytes: Int { libraries.reduce(0) { $0 + $1.code.count } }

    /// FUNCTION LOAD (functionsCreateWithLibraryCtx): returns the library's name.
    func load(_ code: [UInt8], replace: Bool) throws(CommandError) -> String {
        let (name, engineName, bodyStart) = try FunctionLibraries.metadata(code)
        guard FunctionLibraries.validName(name) else {
            throw .err("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")
        }
        guard engineName.lowercased() == "lua" else { throw .err("Engine '\(engineName)' not found") }
        let old = library(named: name)
        if old != nil && !replace { throw .err("Library '\(name)' already exists") }
        let library = FunctionLibrary(name: name, code: code)
        let L = engine.L
        let body = Array(code[bodyStart...])
        let compiled = body.withUnsafeBytes { b in
            luaL_loadbuffer(L, b.baseAddress?.assumingMemoryBound(to: CChar.self), b.count, "@user_function")
        }
        if compiled != 0 {
            let message = engine.string(at: -1) ?? ""
            cinnabar_lua_pop(L, 1)
            throw .err("Error compiling function: \(message)")
        }
        engine.loading = library
        engine.loadStarted = unixTimeMicroseconds() / 1000
        cinnabar_lua_set_loading(L, 1)
        cinnabar_lua_set_load_hook(L, 1)
        let status = lua_pcall(L, 0, 0, 0)
        cinnabar_lua_set_load_hook(L, 0)
        cinnabar_lua_set_loading(L, 0)
        engine.loading = nil
        if status != 0 {
            let info = engine.errorInfo()
            cinnabar_lua_pop(L, 1)
            release(library)
            throw .err("Error registering functions: \(info.message)")
        }
        guard !library.functions.isEmpty else {
            throw .err("No functions registered")
        }
        for f in library.functions {
            if let existing = functions[f.name.lowercased()], existing.library !== old {
                release(library)
                throw .err("Function \(f.name) already exists")
            }
        }
        if let old { remove(old) }
        libraries.append(library)
        for f in library.functions { functions[f.name.lowercased()] = f }
        return name
    }

    /// FUNCTION DELETE.
    func remove(_ library: FunctionLibrary) {
        libraries.removeAll { $0 === library }
        for f in library.functions where functions[f.name.lowercased()] === f { functions[f.name.lowercased()] = nil }
        release(library)
    }

    func flush() {
        for library in libraries { release(library) }
        libraries.removeAll()
        functions.removeAll()
    }

    private func release(_ library: FunctionLibrary) {
        for f in library.functions { luaL_unref(engine.L, cinnabar_lua_registryindex(), f.ref) }
    }

    /// The `#!<engine> name=<library>` line (functionExtractLibMetaData): the name, the engine and where the
    /// code starts (at the line's newline, so line numbers stay the user's).
    static func metadata(_ code: [UInt8]) throws(CommandError) -> (String, String, Int) {
        guard code.count >= 2 && code[0] == UInt8(ascii: "#") && code[1] == UInt8(ascii: "!") else {
            throw .err("Missing library metadata")
        }
        guard let end = code.firstIndex(of: 10) else { throw .err("Invalid library metadata") }
        // Split as Redis's sdssplitargs does (quotes may open inside a word: name="foo" is name=foo).
        guard let words = splitArgs(Array(code[0..<end])), let first = words.first.map({ String(decoding: $0, as: UTF8.self) })
        else { throw .err("Invalid library metadata") }
        let parts = [first] + words.dropFirst().map { String(decoding: $0, as: UTF8.self) }
        var name: String?
        for part in parts.dropFirst() {
            if part.lowercased().hasPrefix("name=") {
                if name != nil { throw .err("Invalid metadata value, name argument was given multiple times") }
                name = String(part.dropFirst(5))
                continue
            }
            throw .err("Invalid metadata value given: \(part)")
        }
        guard let name else { throw .err("Library name was not given") }
        return (name, String(first.dropFirst(2)), end)
    }

    static func validName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy {
            ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95
        }
    }
}

extension LuaEngine {
    /// redis.register_function during FUNCTION LOAD: the stack holds (name, callback, flags or nil, description or
    /// nil).
    func registerFunction(hasFlags: Bool) -> Int32 {
        guard let library = loading else {
            pushError("redis.register_function can only be called on FUNCTION LOAD command")
            return -1
        }
        var flags: ScriptFlags = []
        let description = string(at: 4)
        cinnabar_lua_pop(L, 1)
        if hasFlags {
            var i: Int32 = 1
            while true {
                lua_rawgeti(L, -1, i)
                if lua_type(L, -1) == LUA_TNIL {
                    cinnabar_lua_pop(L, 1)
                    break
                }
                guard lua_type(L, -1) == LUA_TSTRING, let name = string(at: -1),
                      let flag = ScriptFlags.names.first(where: { $0.0 == name.lowercased() })?.1
                else {
                    cinnabar_lua_pop(L, 1)
                    pushError("unknown flag given")
                    return -1
                }
                flags.insert(flag)
                cinnabar_lua_pop(L, 1)
                i += 1
            }
        }
        cinnabar_lua_pop(L, 1)  // the flags
        let name = string(at: 1) ?? ""
        guard FunctionLibraries.validName(name) else {
            // Redis words this error the same way for function names.
            pushError("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")
            return -1
        }
        if library.functions.contains(where: { $0.name.lowercased() == name.lowercased() }) {
            pushError("Function already exists in the library")
            return -1
        }
        let ref = luaL_ref(L, cinnabar_lua_registryindex())  // pops the callback
        library.functions.append(ScriptFunction(name: name, description: description, flags: flags, ref: ref,
                                                library: library))
        return 0
    }
}
