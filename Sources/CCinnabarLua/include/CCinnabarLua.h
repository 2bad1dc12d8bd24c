// The C half of Cinnabar's Lua environment (Redis's script_lua.c does this job in Redis).
//
// Lua 5.1 reports errors with longjmp. A longjmp across Swift frames skips their cleanup (reference counts,
// deferred blocks), so every function a script can call that may raise an error is written here in C; when it
// needs the server (redis.call, redis.log, ...) it calls a Swift callback that never raises, and raises the error
// the callback left on the stack itself. Swift drives the interpreter only through calls that cannot longjmp
// (lua_pcall, luaL_loadbuffer, pushes and reads).
//
// The sandbox follows Redis 7: the libraries scripts use (base, table, string, math, cjson, bit, plus cmsgpack and
// struct when present), no print/loadfile/dofile, no binary chunks, a deterministic math.random, and read-only
// globals and library tables. Redis patches its bundled Lua with read-only tables; Debian's Lua has none, so each
// protected table is an empty proxy whose metatable reads through to the real table and rejects every write
// ("Attempt to modify a readonly table"); rawset and setmetatable refuse proxies too.
// SPDX-License-Identifier: BSD-3-Clause
#ifndef CCINNABAR_LUA_H
#define CCINNABAR_LUA_H
#include <stddef.h>
#include <stdint.h>
#include <lua5.1/lua.h>
#include <lua5.1/lauxlib.h>
#include <lua5.1/lualib.h>

/// Callbacks into Swift. `context` is the pointer given to cinnabar_lua_open. None of them may raise a Lua error.
typedef struct cinnabar_lua_callbacks {
    /// redis.call (raise = 1) / redis.pcall (raise = 0): the command's arguments are the stack. Pushes the reply
    /// converted to Lua and returns 1, or pushes an error table and returns -1 (redis.call raises it).
    int (*command)(lua_State *L, void *context, int raise);
    /// redis.log with the level checked and the message glued.
    void (*log)(void *context, int level, const char *message, size_t length);
    /// redis.setresp(2|3), checked.
    void (*setresp)(void *context, int resp);
    /// redis.set_repl(flags), checked.
    void (*setrepl)(void *context, int flags);
    /// The instruction-count hook: returns 1 when the script must stop (SCRIPT KILL / FUNCTION KILL).
    int (*interrupt)(void *context);
    /// redis.acl_check_cmd: the stack holds the command; returns 1 allowed, 0 denied, -1 unknown command.
    int (*acl_check)(lua_State *L, void *context);
    /// redis.register_function at FUNCTION LOAD time: the stack holds (name, callback, flags table or nil,
    /// description or nil), checked; returns 0, or -1 after pushing an error table.
    int (*register_function)(lua_State *L, void *context, int has_flags);
} cinnabar_lua_callbacks;

/// Installs the callbacks (once per process; they are the same for every interpreter).
void cinnabar_lua_set_callbacks(const cinnabar_lua_callbacks *callbacks);

/// A new sandboxed interpreter. `functions_mode` builds the FUNCTION engine's environment (KEYS/ARGV are
/// arguments, redis.register_function exists at load time) instead of EVAL's.
lua_State *cinnabar_lua_open(void *context, int functions_mode, const char *redis_version, int redis_version_num);

/// Pushes the error handler scripts run under (adds source and line to the error table).
void cinnabar_lua_push_error_handler(lua_State *L);
/// Pushes an error table {err="CODE message"} from "-CODE message" or "message" (then CODE is ERR), as Redis's
/// luaPushErrorBuff. `ignore_stats` adds ignore_error_stats_update = true.
void cinnabar_lua_push_error(lua_State *L, const char *message, size_t length, int ignore_stats);
/// Sets a global in the real globals table, past the read-only proxy (KEYS and ARGV).
void cinnabar_lua_set_global(lua_State *L, const char *name);
/// The instruction-count hook used for script timeouts (every 100000 instructions), on or off.
void cinnabar_lua_set_timeout_hook(lua_State *L, int enabled);
/// The function-load hook: a library's top-level code may run at most `milliseconds` (FUNCTION LOAD timeout).
void cinnabar_lua_set_load_hook(lua_State *L, int enabled);
/// Seeds math.random as Redis does before every script (redisSrand48(0)).
void cinnabar_lua_reset_random(void);
/// Enables or disables redis.register_function (only during FUNCTION LOAD).
void cinnabar_lua_set_loading(lua_State *L, int loading);
/// Protects the table on top of the stack (replacing it with its read-only proxy).
void cinnabar_lua_make_readonly(lua_State *L);

/// SHA-1 of `length` bytes as 40 lowercase hex digits plus NUL.
void cinnabar_sha1hex(char out[41], const void *data, size_t length);

// Macros of lua.h, as functions Swift can call.
static inline void cinnabar_lua_pop(lua_State *L, int n) { lua_settop(L, -(n)-1); }
static inline void cinnabar_lua_newtable(lua_State *L) { lua_createtable(L, 0, 0); }
static inline int cinnabar_lua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int cinnabar_lua_globalsindex(void) { return LUA_GLOBALSINDEX; }

#endif
