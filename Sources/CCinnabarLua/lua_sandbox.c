// Cinnabar's Lua sandbox: the interpreter's libraries, the `redis` API table, read-only globals, the error
// handler and the hooks. See CCinnabarLua.h for why this is C.
// SPDX-License-Identifier: BSD-3-Clause
#include "CCinnabarLua.h"
#include <math.h>
#include <string.h>
#include <stdio.h>

int luaopen_cjson(lua_State *L);
int luaopen_bit(lua_State *L);
int cinnabar_luaopen_cmsgpack(lua_State *L);
int cinnabar_luaopen_struct(lua_State *L);

static cinnabar_lua_callbacks callbacks;

void cinnabar_lua_set_callbacks(const cinnabar_lua_callbacks *cb) { callbacks = *cb; }

// Registry keys (light userdata addresses are unique and unforgeable from Lua).
static char key_context, key_real_globals, key_globals_meta, key_readonly_set, key_error_handler, key_load_globals,
    key_loading;

static void *context_of(lua_State *L) {
    lua_pushlightuserdata(L, &key_context);
    lua_rawget(L, LUA_REGISTRYINDEX);
    void *p = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return p;
}

static void registry_get(lua_State *L, void *key) {
    lua_pushlightuserdata(L, key);
    lua_rawget(L, LUA_REGISTRYINDEX);
}

static void registry_set(lua_State *L, void *key) {  // value on top
    lua_pushlightuserdata(L, key);
    lua_insert(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
}

// MARK: - Errors

void cinnabar_lua_push_error(lua_State *L, const char *message, size_t length, int ignore_stats) {
    luaL_Buffer b;
    const char *code = "ERR";
    size_t code_length = 3;
    const char *text = message;
    size_t text_length = length;
    if (length > 0 && message[0] == '-') {
        const char *space = memchr(message, ' ', length);
        if (space) {
            code = message + 1;
            code_length = (size_t)(space - message) - 1;
            text = space + 1;
            text_length = length - (size_t)(space + 1 - message);
        } else {
            text = message + 1;
            text_length = length - 1;
        }
    }
    while (text_length > 0 && (text[text_length - 1] == '\r' || text[text_length - 1] == '\n')) text_length--;
    while (text_length > 0 && (text[0] == '\r' || text[0] == '\n')) { text++; text_length--; }
    lua_createtable(L, 0, 2);
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, code, code_length);
    luaL_addchar(&b, ' ');
    luaL_addlstring(&b, text, text_length);
    luaL_pushresult(&b);
    lua_setfield(L, -2, "err");
    if (ignore_stats) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "ignore_error_stats_update");
    }
}

static int raise_error(lua_State *L, const char *message) {
    cinnabar_lua_push_error(L, message, strlen(message), 0);
    return lua_error(L);
}

// MARK: - Read-only tables

static int readonly_error(lua_State *L) { return luaL_error(L, "Attempt to modify a readonly table"); }

static int nonexistent_global(lua_State *L) {
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name ? name : "?");
}

static void mark_readonly(lua_State *L, int index) {
    index = index < 0 ? lua_gettop(L) + index + 1 : index;
    registry_get(L, &key_readonly_set);
    lua_pushvalue(L, index);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

static int is_readonly(lua_State *L, int index) {
    index = index < 0 ? lua_gettop(L) + index + 1 : index;
    registry_get(L, &key_readonly_set);
    lua_pushvalue(L, index);
    lua_rawget(L, -2);
    int r = lua_toboolean(L, -1);
    lua_pop(L, 2);
    return r;
}

/// Pushes an empty table that cannot be written: what getmetatable returns for protected tables.
static void push_frozen_empty(lua_State *L) {
    lua_createtable(L, 0, 0);
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, readonly_error);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    mark_readonly(L, -1);
}

/// Replaces the table on top of the stack with a read-only proxy reading through to it.
void cinnabar_lua_make_readonly(lua_State *L) {
    int real = lua_gettop(L);
    lua_createtable(L, 0, 0);  // proxy
    lua_createtable(L, 0, 3);  // its metatable
    lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_error);
    lua_setfield(L, -2, "__newindex");
    push_frozen_empty(L);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    mark_readonly(L, -1);
    lua_replace(L, real);
}

/// setmetatable and rawset refuse protected tables, then do their usual work (the original is upvalue 1).
static int guarded_setmetatable(lua_State *L) {
    if (lua_type(L, 1) == LUA_TTABLE && is_readonly(L, 1)) return readonly_error(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/// Binary chunks are refused (they can crash the interpreter); loadstring answers nil and a message as it does for
/// a syntax error. load gathers its reader's pieces first.
/// Compiles source text: the function, or nil and the message (a binary chunk is refused the same way).
static int load_text_chunk(lua_State *L, const char *s, size_t length, const char *name) {
    if (length > 0 && s[0] == LUA_SIGNATURE[0]) {
        lua_pushnil(L);
        lua_pushliteral(L, "binary chunks are not allowed");
        return 2;
    }
    if (luaL_loadbuffer(L, s, length, name) == 0) return 1;
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

static int guarded_loadstring(lua_State *L) {
    size_t length;
    const char *s = luaL_checklstring(L, 1, &length);
    return load_text_chunk(L, s, length, luaL_optstring(L, 2, s));
}

static int guarded_load(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    const char *name = luaL_optstring(L, 2, "=(load)");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (;;) {
        lua_pushvalue(L, 1);
        lua_call(L, 0, 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        if (!lua_isstring(L, -1)) return luaL_error(L, "reader function must return a string");
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    size_t length;
    const char *s = lua_tolstring(L, -1, &length);
    return load_text_chunk(L, s, length, name);
}

static int guarded_rawset(lua_State *L) {
    if (lua_type(L, 1) == LUA_TTABLE && is_readonly(L, 1)) return readonly_error(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

// MARK: - pcall: errors that are tables with an `err` field come back as their message (Redis 7's pcall)

static int redis_style_pcall(lua_State *L) {
    int argc = lua_gettop(L);
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
        lua_remove(L, 1);
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            if (lua_isstring(L, -1)) lua_replace(L, -2);
            else lua_pop(L, 1);
        }
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    return lua_gettop(L);
}

// MARK: - math.random: Redis's own generator, the same sequence on every platform and after every reseed

static uint64_t rand48_state = 0x1234ABCD330Eull;

static void rand48_seed(int32_t seed) { rand48_state = ((uint64_t)(uint32_t)seed << 16) | 0x330E; }

static int32_t rand48_next(void) {
    rand48_state = (0x5DEECE66Dull * rand48_state + 0xB) & ((1ull << 48) - 1);
    return (int32_t)(rand48_state >> 17);
}

void cinnabar_lua_reset_random(void) { rand48_seed(0); }

static int math_random(lua_State *L) {
    const int32_t max = 2147483647;
    lua_Number r = (lua_Number)(rand48_next() % max) / (lua_Number)max;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, r);
        break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, "interval is empty");
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, "interval is empty");
        lua_pushnumber(L, floor(r * (u - l + 1)) + l);
        break;
    }
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    return 1;
}

static int math_randomseed(lua_State *L) {
    rand48_seed((int32_t)luaL_checkint(L, 1));
    return 0;
}

// MARK: - bit.tohex: Debian's LuaBitOp overruns its buffer when asked for -2^31 digits (Redis patched its copy).

static int guarded_tohex(lua_State *L) {
    if (lua_gettop(L) >= 2 && lua_type(L, 2) == LUA_TNUMBER) {
        double d = lua_tonumber(L, 2);
        if (d == d && d > -9.2e18 && d < 9.2e18 && (int32_t)(uint32_t)((int64_t)d & 0xffffffff) == INT32_MIN) {
            lua_pushnumber(L, -2147483647.0);
            lua_replace(L, 2);
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

// MARK: - The redis table

static int redis_call(lua_State *L) {
    int n = callbacks.command(L, context_of(L), 1);
    return n < 0 ? lua_error(L) : n;
}

static int redis_pcall(lua_State *L) {
    int n = callbacks.command(L, context_of(L), 0);
    return n < 0 ? 1 : n;
}

static int redis_sha1hex(lua_State *L) {
    if (lua_gettop(L) != 1) return raise_error(L, "wrong number of arguments");
    size_t length = 0;
    const char *s = lua_tolstring(L, 1, &length);
    char digest[41];
    cinnabar_sha1hex(digest, s ? s : "", s ? length : 0);
    lua_pushstring(L, digest);
    return 1;
}

static int redis_error_reply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        cinnabar_lua_push_error(L, "wrong number or type of arguments", 33, 0);
        return 1;
    }
    size_t length;
    const char *s = lua_tolstring(L, -1, &length);
    if (length > 0 && s[0] == '-') {
        cinnabar_lua_push_error(L, s, length, 0);
    } else {
        lua_pushliteral(L, "-");
        lua_pushvalue(L, 1);
        lua_concat(L, 2);
        s = lua_tolstring(L, -1, &length);
        cinnabar_lua_push_error(L, s, length, 0);
    }
    return 1;
}

static int redis_status_reply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        cinnabar_lua_push_error(L, "wrong number or type of arguments", 33, 0);
        return 1;
    }
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "ok");
    return 1;
}

static int redis_log(lua_State *L) {
    int argc = lua_gettop(L);
    if (argc < 2) return raise_error(L, "redis.log() requires two arguments or more.");
    if (!lua_isnumber(L, 1)) return raise_error(L, "First argument must be a number (log level).");
    int level = (int)lua_tonumber(L, 1);
    if (level < 0 || level > 3) return raise_error(L, "Invalid debug level.");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int first = 1;
    for (int j = 2; j <= argc; j++) {
        size_t length;
        const char *s = lua_tolstring(L, j, &length);
        if (!s) continue;
        if (!first) luaL_addchar(&b, ' ');
        luaL_addlstring(&b, s, length);
        first = 0;
    }
    luaL_pushresult(&b);
    size_t length;
    const char *message = lua_tolstring(L, -1, &length);
    callbacks.log(context_of(L), level, message, length);
    return 0;
}

static int redis_setresp(lua_State *L) {
    if (lua_gettop(L) != 1) return raise_error(L, "redis.setresp() requires one argument.");
    int resp = (int)lua_tonumber(L, 1);
    if (resp != 2 && resp != 3) return raise_error(L, "RESP version must be 2 or 3.");
    callbacks.setresp(context_of(L), resp);
    return 0;
}

static int redis_set_repl(lua_State *L) {
    if (lua_gettop(L) != 1) return raise_error(L, "redis.set_repl() requires one argument.");
    int flags = (int)lua_tonumber(L, 1);
    if ((flags & ~3) != 0) return raise_error(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    callbacks.setrepl(context_of(L), flags);
    return 0;
}

static int redis_replicate_commands(lua_State *L) {
    lua_pushboolean(L, 1);
    return 1;
}

static int redis_acl_check_cmd(lua_State *L) {
    if (lua_gettop(L) == 0) return raise_error(L, "Please specify at least one argument for this redis lib call");
    for (int j = 1; j <= lua_gettop(L); j++) {
        if (lua_type(L, j) != LUA_TSTRING && lua_type(L, j) != LUA_TNUMBER)
            return raise_error(L, "Lua redis lib command arguments must be strings or integers");
    }
    int r = callbacks.acl_check(L, context_of(L));
    if (r < 0) return raise_error(L, "Invalid command passed to redis.acl_check_cmd()");
    lua_pushboolean(L, r);
    return 1;
}

/// redis.breakpoint and redis.debug do nothing outside the debugger, as in Redis.
static int redis_breakpoint(lua_State *L) {
    lua_pushboolean(L, 0);
    return 1;
}

static int redis_debug(lua_State *L) {
    (void)L;
    return 0;
}

// redis.register_function(name, callback) or redis.register_function{function_name=, callback=, flags=,
// description=}: checked here; the Swift callback records it.
static int redis_register_function(lua_State *L) {
    registry_get(L, &key_loading);
    int loading = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (!loading) return raise_error(L, "redis.register_function can only be called on FUNCTION LOAD command");
    int argc = lua_gettop(L);
    if (argc < 1 || argc > 2) return raise_error(L, "wrong number of arguments to redis.register_function");
    if (argc == 1) {
        if (!lua_istable(L, 1))
            return raise_error(L, "calling redis.register_function with a single argument is only applicable to "
                                  "Lua table (representing named arguments).");
        lua_settop(L, 1);
        lua_pushnil(L);  // 2 name
        lua_pushnil(L);  // 3 callback
        lua_pushnil(L);  // 4 flags
        lua_pushnil(L);  // 5 description
        lua_pushnil(L);
        while (lua_next(L, 1)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                return raise_error(L, "named argument key given to redis.register_function is not a string");
            const char *k = lua_tostring(L, -2);
            if (!strcmp(k, "function_name")) {
                if (lua_type(L, -1) != LUA_TSTRING)
                    return raise_error(L, "function_name argument given to redis.register_function must be a string");
                lua_replace(L, 2);
            } else if (!strcmp(k, "description")) {
                if (lua_type(L, -1) != LUA_TSTRING)
                    return raise_error(L, "description argument given to redis.register_function must be a string");
                lua_replace(L, 5);
            } else if (!strcmp(k, "callback")) {
                if (lua_type(L, -1) != LUA_TFUNCTION)
                    return raise_error(L, "callback argument given to redis.register_function must be a function");
                lua_replace(L, 3);
            } else if (!strcmp(k, "flags")) {
                if (lua_type(L, -1) != LUA_TTABLE)
                    return raise_error(L, "flags argument to redis.register_function must be a table representing "
                                          "function flags");
                lua_replace(L, 4);
            } else {
                return raise_error(L, "unknown argument given to redis.register_function");
            }
        }
        if (lua_isnil(L, 2)) return raise_error(L, "redis.register_function must get a function name argument");
        if (lua_isnil(L, 3)) return raise_error(L, "redis.register_function must get a callback argument");
        lua_remove(L, 1);
        if (callbacks.register_function(L, context_of(L), !lua_isnil(L, 3)) < 0) return lua_error(L);
        return 0;
    }
    if (lua_type(L, 1) != LUA_TSTRING) return raise_error(L, "first argument to redis.register_function must be a string");
    if (lua_type(L, 2) != LUA_TFUNCTION)
        return raise_error(L, "second argument to redis.register_function must be a function");
    lua_pushnil(L);
    lua_pushnil(L);
    if (callbacks.register_function(L, context_of(L), 0) < 0) return lua_error(L);
    return 0;
}

static void set_function(lua_State *L, const char *name, lua_CFunction f) {
    lua_pushcfunction(L, f);
    lua_setfield(L, -2, name);
}

static void set_number(lua_State *L, const char *name, lua_Number n) {
    lua_pushnumber(L, n);
    lua_setfield(L, -2, name);
}

static void add_log_and_version(lua_State *L, const char *version, int version_num) {
    set_function(L, "log", redis_log);
    set_number(L, "LOG_DEBUG", 0);
    set_number(L, "LOG_VERBOSE", 1);
    set_number(L, "LOG_NOTICE", 2);
    set_number(L, "LOG_WARNING", 3);
    set_number(L, "REDIS_VERSION_NUM", version_num);
    lua_pushstring(L, version);
    lua_setfield(L, -2, "REDIS_VERSION");
}

// MARK: - Hooks

static void timeout_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    if (callbacks.interrupt(context_of(L))) {
        // Fire on every line from now on, so a pcall in the script cannot swallow the kill and go on.
        lua_sethook(L, timeout_hook, LUA_MASKLINE, 0);
        raise_error(L, "Script killed by user with SCRIPT KILL...");
    }
}

void cinnabar_lua_set_timeout_hook(lua_State *L, int enabled) {
    if (enabled) lua_sethook(L, timeout_hook, LUA_MASKCOUNT, 100000);
    else lua_sethook(L, NULL, 0, 0);
}

static void load_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    if (callbacks.interrupt(context_of(L))) {
        lua_sethook(L, load_hook, LUA_MASKLINE, 0);
        raise_error(L, "FUNCTION LOAD timeout");
    }
}

void cinnabar_lua_set_load_hook(lua_State *L, int enabled) {
    if (enabled) lua_sethook(L, load_hook, LUA_MASKCOUNT, 100000);
    else lua_sethook(L, NULL, 0, 0);
}

// MARK: - Building the interpreter

static const char *error_handler_source =
    "local dbg = debug\n"
    "return function(err)\n"
    "  local i = dbg.getinfo(2, 'nSl')\n"
    "  if i and i.what == 'C' then i = dbg.getinfo(3, 'nSl') end\n"
    "  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end\n"
    "  if i then\n"
    "    err['source'] = i.source\n"
    "    err['line'] = i.currentline\n"
    "  end\n"
    "  return err\n"
    "end\n";

static void open_library(lua_State *L, const char *name, lua_CFunction open) {
    lua_pushcfunction(L, open);
    lua_pushstring(L, name);
    lua_call(L, 1, 0);
}

/// Gives every function in table `index` (and its nested library tables) the protected globals as environment,
/// so getfenv(f) never hands out the real globals.
static void set_environments(lua_State *L, int index, int env, int depth) {
    lua_pushnil(L);
    while (lua_next(L, index)) {
        if (lua_type(L, -1) == LUA_TFUNCTION && !lua_iscfunction(L, -1)) {
            // Lua functions keep their own environment (none are reachable here except the handler).
        } else if (lua_iscfunction(L, -1)) {
            lua_pushvalue(L, env);
            lua_setfenv(L, -2);
        } else if (lua_type(L, -1) == LUA_TTABLE && depth < 1) {
            set_environments(L, lua_gettop(L), env, depth + 1);
        }
        lua_pop(L, 1);
    }
}

static const char *protected_libraries[] = {"string", "table", "math", "coroutine", "cjson", "bit", "cmsgpack",
                                            "struct", "redis", NULL};

lua_State *cinnabar_lua_open(void *context, int functions_mode, const char *redis_version, int redis_version_num) {
    lua_State *L = luaL_newstate();
    if (!L) return NULL;
    lua_pushlightuserdata(L, context);
    registry_set(L, &key_context);
    // Weak-keyed set of protected tables.
    lua_createtable(L, 0, 0);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    registry_set(L, &key_readonly_set);

    open_library(L, "", luaopen_base);
    open_library(L, LUA_TABLIBNAME, luaopen_table);
    open_library(L, LUA_STRLIBNAME, luaopen_string);
    open_library(L, LUA_MATHLIBNAME, luaopen_math);
    open_library(L, LUA_DBLIBNAME, luaopen_debug);
    // Debian's lua-cjson returns its table without setting a global (Redis's copy sets `cjson`).
    lua_pushcfunction(L, luaopen_cjson);
    lua_call(L, 0, 1);
    lua_setfield(L, LUA_GLOBALSINDEX, "cjson");
    open_library(L, "bit", luaopen_bit);
    open_library(L, "cmsgpack", cinnabar_luaopen_cmsgpack);
    open_library(L, "struct", cinnabar_luaopen_struct);
    lua_getfield(L, LUA_GLOBALSINDEX, "bit");
    lua_getfield(L, -1, "tohex");
    lua_pushcclosure(L, guarded_tohex, 1);
    lua_setfield(L, -2, "tohex");
    lua_pop(L, 1);

    int G = LUA_GLOBALSINDEX;
    // Not available to scripts.
    const char *removed[] = {"print", "loadfile", "dofile", "module", "require", "package", NULL};
    for (const char **r = removed; *r; r++) {
        lua_pushnil(L);
        lua_setfield(L, G, *r);
    }
    lua_getfield(L, G, "setmetatable");
    lua_pushcclosure(L, guarded_setmetatable, 1);
    lua_setfield(L, G, "setmetatable");
    lua_pushcfunction(L, guarded_rawset);
    lua_setfield(L, G, "rawset");
    lua_pushcfunction(L, guarded_loadstring);
    lua_setfield(L, G, "loadstring");
    lua_pushcfunction(L, guarded_load);
    lua_setfield(L, G, "load");
    lua_pushcfunction(L, redis_style_pcall);
    lua_setfield(L, G, "pcall");

    lua_getfield(L, G, "math");
    set_function(L, "random", math_random);
    set_function(L, "randomseed", math_randomseed);
    lua_pop(L, 1);

    // The redis table.
    lua_createtable(L, 0, 32);
    set_function(L, "call", redis_call);
    set_function(L, "pcall", redis_pcall);
    set_function(L, "sha1hex", redis_sha1hex);
    set_function(L, "error_reply", redis_error_reply);
    set_function(L, "status_reply", redis_status_reply);
    set_function(L, "setresp", redis_setresp);
    set_function(L, "set_repl", redis_set_repl);
    set_function(L, "replicate_commands", redis_replicate_commands);
    set_function(L, "acl_check_cmd", redis_acl_check_cmd);
    set_function(L, "breakpoint", redis_breakpoint);
    set_function(L, "debug", redis_debug);
    set_number(L, "REPL_NONE", 0);
    set_number(L, "REPL_AOF", 1);
    set_number(L, "REPL_SLAVE", 2);
    set_number(L, "REPL_REPLICA", 2);
    set_number(L, "REPL_ALL", 3);
    add_log_and_version(L, redis_version, redis_version_num);
    lua_setfield(L, G, "redis");

    // The error handler keeps the debug library as an upvalue; scripts do not get it.
    luaL_loadbuffer(L, error_handler_source, strlen(error_handler_source), "@err_handler_def");
    lua_call(L, 0, 1);
    registry_set(L, &key_error_handler);
    lua_pushnil(L);
    lua_setfield(L, G, "debug");

    // The real globals: reading a missing name is an error.
    lua_pushvalue(L, G);
    int real = lua_gettop(L);
    lua_pushvalue(L, real);
    registry_set(L, &key_real_globals);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, nonexistent_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, real);

    // The proxy scripts see as their globals, and its metatable (kept in the registry so FUNCTION LOAD can point
    // its reads at the load-time API).
    lua_createtable(L, 0, 0);
    int proxy = lua_gettop(L);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_error);
    lua_setfield(L, -2, "__newindex");
    push_frozen_empty(L);
    lua_setfield(L, -2, "__metatable");
    lua_pushvalue(L, -1);
    registry_set(L, &key_globals_meta);
    lua_setmetatable(L, proxy);
    mark_readonly(L, proxy);

    // Library tables become read-only proxies; _G is the proxy.
    for (const char **lib = protected_libraries; *lib; lib++) {
        lua_pushstring(L, *lib);
        lua_rawget(L, real);
        if (lua_istable(L, -1)) {
            cinnabar_lua_make_readonly(L);
            lua_setfield(L, real, *lib);
        } else {
            lua_pop(L, 1);
        }
    }
    lua_pushvalue(L, proxy);
    lua_setfield(L, real, "_G");
    // Strings' metatable is reachable with getmetatable(""): hide it behind a frozen table.
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        push_frozen_empty(L);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    set_environments(L, real, proxy, 0);
    lua_pushvalue(L, proxy);
    lua_replace(L, LUA_GLOBALSINDEX);

    if (functions_mode) {
        // At FUNCTION LOAD, library code sees only `redis` with register_function, log and the version.
        lua_createtable(L, 0, 1);
        int load = lua_gettop(L);
        lua_createtable(L, 0, 8);
        set_function(L, "register_function", redis_register_function);
        add_log_and_version(L, redis_version, redis_version_num);
        lua_createtable(L, 0, 1);
        lua_pushcfunction(L, nonexistent_global);
        lua_setfield(L, -2, "__index");
        lua_setmetatable(L, -2);
        cinnabar_lua_make_readonly(L);
        lua_setfield(L, load, "redis");
        lua_createtable(L, 0, 1);
        lua_pushcfunction(L, nonexistent_global);
        lua_setfield(L, -2, "__index");
        lua_setmetatable(L, load);
        registry_set(L, &key_load_globals);
    }
    lua_settop(L, 0);
    return L;
}

void cinnabar_lua_set_loading(lua_State *L, int loading) {
    lua_pushboolean(L, loading);
    registry_set(L, &key_loading);
    registry_get(L, &key_globals_meta);
    registry_get(L, loading ? &key_load_globals : &key_real_globals);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

void cinnabar_lua_push_error_handler(lua_State *L) { registry_get(L, &key_error_handler); }

void cinnabar_lua_set_global(lua_State *L, const char *name) {
    registry_get(L, &key_real_globals);
    lua_insert(L, -2);
    lua_setfield(L, -2, name);  // the real table's metatable has no __newindex: a plain set
    lua_pop(L, 1);
}

// MARK: - SHA-1 (FIPS 180-4)

static uint32_t rol(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

static void sha1_block(uint32_t h[5], const unsigned char *p) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
        else { f = b ^ c ^ d; k = 0xCA62C1D6; }
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d; d = c; c = rol(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

void cinnabar_sha1hex(char out[41], const void *data, size_t length) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    const unsigned char *p = data;
    size_t left = length;
    while (left >= 64) {
        sha1_block(h, p);
        p += 64;
        left -= 64;
    }
    unsigned char tail[128];
    memset(tail, 0, sizeof tail);
    memcpy(tail, p, left);
    tail[left] = 0x80;
    size_t tail_length = left + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)length * 8;
    for (int i = 0; i < 8; i++) tail[tail_length - 1 - i] = (unsigned char)(bits >> (8 * i));
    sha1_block(h, tail);
    if (tail_length == 128) sha1_block(h, tail + 64);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++) {
            unsigned char byte = (unsigned char)(h[i] >> (24 - 8 * j));
            out[i * 8 + j * 2] = hex[byte >> 4];
            out[i * 8 + j * 2 + 1] = hex[byte & 15];
        }
    out[40] = 0;
}
