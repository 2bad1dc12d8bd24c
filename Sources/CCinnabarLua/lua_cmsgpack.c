// cmsgpack for scripts: MessagePack encoding and decoding of Lua values with the API Redis scripts use
// (cmsgpack.pack, unpack, unpack_one, unpack_limit) and the byte-for-byte choices of Redis's bundled
// lua-cmsgpack: integers in the smallest form, doubles as float32 when exact, tables as arrays when their keys
// are exactly 1..n, nesting cut at 16 levels (deeper tables are nil). Written for Cinnabar; Debian has no
// lua-cmsgpack for 5.1.
// SPDX-License-Identifier: BSD-3-Clause
#include "CCinnabarLua.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/// A growing byte buffer: luaL_Buffer cannot be used, because encoding pushes and pops values in between.
typedef struct {
    char *bytes;
    size_t length, capacity;
} mbuf;

static void mbuf_add(mbuf *b, const char *p, size_t n) {
    if (b->length + n > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 256;
        while (capacity < b->length + n) capacity *= 2;
        char *grown = realloc(b->bytes, capacity);
        if (!grown) abort();
        b->bytes = grown;
        b->capacity = capacity;
    }
    memcpy(b->bytes + b->length, p, n);
    b->length += n;
}

static void mbuf_addchar(mbuf *b, char c) { mbuf_add(b, &c, 1); }

#define MAX_NESTING 16
#define MAX_DECODE_DEPTH 1000

static void put_be(mbuf *b, uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) mbuf_addchar(b, (char)(unsigned char)(v >> (8 * i)));
}

static void encode_int(mbuf *b, int64_t n) {
    if (n >= 0) {
        if (n <= 127) {
            mbuf_addchar(b, (char)n);
        } else if (n <= 0xff) {
            mbuf_addchar(b, (char)0xcc);
            put_be(b, (uint64_t)n, 1);
        } else if (n <= 0xffff) {
            mbuf_addchar(b, (char)0xcd);
            put_be(b, (uint64_t)n, 2);
        } else if (n <= 0xffffffffLL) {
            mbuf_addchar(b, (char)0xce);
            put_be(b, (uint64_t)n, 4);
        } else {
            mbuf_addchar(b, (char)0xcf);
            put_be(b, (uint64_t)n, 8);
        }
    } else {
        if (n >= -32) {
            mbuf_addchar(b, (char)(0xe0 | (n & 0x1f)));
        } else if (n >= -128) {
            mbuf_addchar(b, (char)0xd0);
            put_be(b, (uint64_t)n, 1);
        } else if (n >= -32768) {
            mbuf_addchar(b, (char)0xd1);
            put_be(b, (uint64_t)n, 2);
        } else if (n >= -2147483648LL) {
            mbuf_addchar(b, (char)0xd2);
            put_be(b, (uint64_t)n, 4);
        } else {
            mbuf_addchar(b, (char)0xd3);
            put_be(b, (uint64_t)n, 8);
        }
    }
}

static void encode_number(mbuf *b, lua_Number d) {
    if (!isinf(d) && !isnan(d) && d >= -9.2233720368547758e18 && d < 9.2233720368547758e18 && (double)(int64_t)d == d) {
        encode_int(b, (int64_t)d);
        return;
    }
    float f = (float)d;
    if ((double)f == d) {
        uint32_t bits;
        memcpy(&bits, &f, 4);
        mbuf_addchar(b, (char)0xca);
        put_be(b, bits, 4);
    } else {
        uint64_t bits;
        memcpy(&bits, &d, 8);
        mbuf_addchar(b, (char)0xcb);
        put_be(b, bits, 8);
    }
}

static void encode_header(mbuf *b, size_t n, int fix, int fixmax, int c16, int c32) {
    if (n <= (size_t)fixmax) {
        mbuf_addchar(b, (char)(fix | (int)n));
    } else if (n <= 0xffff) {
        mbuf_addchar(b, (char)c16);
        put_be(b, n, 2);
    } else {
        mbuf_addchar(b, (char)c32);
        put_be(b, n, 4);
    }
}

static void encode_string(mbuf *b, const char *s, size_t n) {
    if (n < 32) {
        mbuf_addchar(b, (char)(0xa0 | (int)n));
    } else if (n <= 0xff) {
        mbuf_addchar(b, (char)0xd9);
        put_be(b, n, 1);
    } else if (n <= 0xffff) {
        mbuf_addchar(b, (char)0xda);
        put_be(b, n, 2);
    } else {
        mbuf_addchar(b, (char)0xdb);
        put_be(b, n, 4);
    }
    mbuf_add(b, s, n);
}

/// The length of the table at `index` if its keys are exactly 1..n (n may be 0), else -1.
static long array_length(lua_State *L, int index) {
    long count = 0;
    double max = 0;
    lua_pushnil(L);
    while (lua_next(L, index)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TNUMBER) {
            lua_pop(L, 1);
            return -1;
        }
        double k = lua_tonumber(L, -1);
        if (k <= 0 || floor(k) != k) {
            lua_pop(L, 1);
            return -1;
        }
        if (k > max) max = k;
        count++;
    }
    return max == (double)count ? count : -1;
}

static void encode_value(lua_State *L, mbuf *b, int index, int level);

static void encode_table(lua_State *L, mbuf *b, int index, int level) {
    lua_checkstack(L, 4);  // at most 16 levels deep: always granted
    long n = array_length(L, index);
    if (n >= 0) {
        encode_header(b, (size_t)n, 0x90, 15, 0xdc, 0xdd);
        for (long j = 1; j <= n; j++) {
            lua_rawgeti(L, index, (int)j);
            encode_value(L, b, lua_gettop(L), level + 1);
            lua_pop(L, 1);
        }
        return;
    }
    size_t count = 0;
    lua_pushnil(L);
    while (lua_next(L, index)) {
        lua_pop(L, 1);
        count++;
    }
    encode_header(b, count, 0x80, 15, 0xde, 0xdf);
    lua_pushnil(L);
    while (lua_next(L, index)) {
        int value = lua_gettop(L);
        encode_value(L, b, value - 1, level + 1);
        encode_value(L, b, value, level + 1);
        lua_pop(L, 1);
    }
}

static void encode_value(lua_State *L, mbuf *b, int index, int level) {
    int t = lua_type(L, index);
    if (t == LUA_TTABLE && level == MAX_NESTING) t = LUA_TNIL;
    switch (t) {
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, index, &n);
        encode_string(b, s, n);
        break;
    }
    case LUA_TBOOLEAN:
        mbuf_addchar(b, lua_toboolean(L, index) ? (char)0xc3 : (char)0xc2);
        break;
    case LUA_TNUMBER:
        encode_number(b, lua_tonumber(L, index));
        break;
    case LUA_TTABLE:
        encode_table(L, b, index, level);
        break;
    default:
        mbuf_addchar(b, (char)0xc0);
        break;
    }
}

/// Each argument is encoded on its own; the results are concatenated.
static int mp_pack(lua_State *L) {
    int argc = lua_gettop(L);
    if (argc == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
    for (int i = 1; i <= argc; i++) {
        mbuf b = {NULL, 0, 0};
        encode_value(L, &b, i, 0);
        lua_pushlstring(L, b.bytes ? b.bytes : "", b.length);
        free(b.bytes);
    }
    lua_concat(L, argc);
    return 1;
}

// MARK: - Decoding

typedef struct {
    const unsigned char *p;
    size_t left;
    int error;  // 0, 1 missing bytes, 2 bad format
} cursor;

static uint64_t get_be(cursor *c, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v = v << 8 | c->p[i];
    c->p += bytes;
    c->left -= (size_t)bytes;
    return v;
}

static int need(cursor *c, size_t n) {
    if (c->left < n) {
        c->error = 1;
        return 0;
    }
    return 1;
}

static void decode_value(lua_State *L, cursor *c, int depth);

static void decode_array(lua_State *L, cursor *c, size_t n, int depth) {
    lua_createtable(L, n < 1024 ? (int)n : 1024, 0);
    for (size_t i = 0; i < n; i++) {
        decode_value(L, c, depth + 1);
        if (c->error) return;
        lua_rawseti(L, -2, (int)(i + 1));
    }
}

static void decode_map(lua_State *L, cursor *c, size_t n, int depth) {
    lua_createtable(L, 0, n < 1024 ? (int)n : 1024);
    for (size_t i = 0; i < n; i++) {
        decode_value(L, c, depth + 1);
        if (c->error) return;
        decode_value(L, c, depth + 1);
        if (c->error) return;
        if (lua_isnil(L, -2)) lua_pop(L, 2);
        else lua_rawset(L, -3);
    }
}

static void decode_string(lua_State *L, cursor *c, size_t n) {
    if (!need(c, n)) return;
    lua_pushlstring(L, (const char *)c->p, n);
    c->p += n;
    c->left -= n;
}

static void decode_value(lua_State *L, cursor *c, int depth) {
    if (depth > MAX_DECODE_DEPTH || !lua_checkstack(L, 4)) {
        c->error = 2;
        return;
    }
    if (!need(c, 1)) return;
    unsigned char t = *c->p;
    c->p++;
    c->left--;
    if (t <= 0x7f) { lua_pushnumber(L, t); return; }
    if (t >= 0xe0) { lua_pushnumber(L, (signed char)t); return; }
    if ((t & 0xf0) == 0x80) { decode_map(L, c, t & 0x0f, depth); return; }
    if ((t & 0xf0) == 0x90) { decode_array(L, c, t & 0x0f, depth); return; }
    if ((t & 0xe0) == 0xa0) { decode_string(L, c, t & 0x1f); return; }
    switch (t) {
    case 0xc0: lua_pushnil(L); return;
    case 0xc2: lua_pushboolean(L, 0); return;
    case 0xc3: lua_pushboolean(L, 1); return;
    case 0xc4: case 0xd9: if (need(c, 1)) decode_string(L, c, get_be(c, 1)); return;
    case 0xc5: case 0xda: if (need(c, 2)) decode_string(L, c, get_be(c, 2)); return;
    case 0xc6: case 0xdb: if (need(c, 4)) decode_string(L, c, get_be(c, 4)); return;
    case 0xca: {
        if (!need(c, 4)) return;
        uint32_t bits = (uint32_t)get_be(c, 4);
        float f;
        memcpy(&f, &bits, 4);
        lua_pushnumber(L, f);
        return;
    }
    case 0xcb: {
        if (!need(c, 8)) return;
        uint64_t bits = get_be(c, 8);
        double d;
        memcpy(&d, &bits, 8);
        lua_pushnumber(L, d);
        return;
    }
    case 0xcc: if (need(c, 1)) lua_pushnumber(L, (lua_Number)get_be(c, 1)); return;
    case 0xcd: if (need(c, 2)) lua_pushnumber(L, (lua_Number)get_be(c, 2)); return;
    case 0xce: if (need(c, 4)) lua_pushnumber(L, (lua_Number)get_be(c, 4)); return;
    case 0xcf: if (need(c, 8)) lua_pushnumber(L, (lua_Number)get_be(c, 8)); return;
    case 0xd0: if (need(c, 1)) lua_pushnumber(L, (int8_t)get_be(c, 1)); return;
    case 0xd1: if (need(c, 2)) lua_pushnumber(L, (int16_t)get_be(c, 2)); return;
    case 0xd2: if (need(c, 4)) lua_pushnumber(L, (int32_t)get_be(c, 4)); return;
    case 0xd3: if (need(c, 8)) lua_pushnumber(L, (lua_Number)(int64_t)get_be(c, 8)); return;
    case 0xdc: if (need(c, 2)) decode_array(L, c, get_be(c, 2), depth); return;
    case 0xdd: if (need(c, 4)) decode_array(L, c, get_be(c, 4), depth); return;
    case 0xde: if (need(c, 2)) decode_map(L, c, get_be(c, 2), depth); return;
    case 0xdf: if (need(c, 4)) decode_map(L, c, get_be(c, 4), depth); return;
    default: c->error = 2; return;
    }
}

/// unpack(s) decodes everything; unpack_one/unpack_limit decode `limit` objects from `offset` and return the
/// offset to continue from (-1 at the end) first.
static int unpack_full(lua_State *L, int limit, int offset) {
    size_t length;
    const char *s = luaL_checklstring(L, 1, &length);
    if (offset < 0 || limit < 0)
        return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", offset, (int)length);
    if ((size_t)offset > length)
        return luaL_error(L, "Start offset %d greater than input length %d.", offset, (int)length);
    int all = limit == 0 && offset == 0;
    cursor c = {(const unsigned char *)s + offset, length - (size_t)offset, 0};
    int base = lua_gettop(L);
    int count = 0;
    while (c.left > 0) {
        decode_value(L, &c, 0);
        if (c.error == 1) return luaL_error(L, "Missing bytes in input.");
        if (c.error == 2) return luaL_error(L, "Bad data format in input.");
        count++;
        if (!all && count == limit) break;
    }
    if (!all) {
        long next = c.left > 0 ? (long)(length - c.left) : -1;
        lua_pushnumber(L, (lua_Number)next);
        lua_insert(L, base + 1);
        count++;
    }
    return count;
}

static int mp_unpack(lua_State *L) { return unpack_full(L, 0, 0); }

static int mp_unpack_one(lua_State *L) {
    int offset = (int)luaL_optinteger(L, 2, 0);
    lua_settop(L, 1);
    return unpack_full(L, 1, offset);
}

static int mp_unpack_limit(lua_State *L) {
    int limit = (int)luaL_checkinteger(L, 2);
    int offset = (int)luaL_optinteger(L, 3, 0);
    lua_settop(L, 1);
    return unpack_full(L, limit, offset);
}

int cinnabar_luaopen_cmsgpack(lua_State *L) {
    static const luaL_Reg functions[] = {
        {"pack", mp_pack},
        {"unpack", mp_unpack},
        {"unpack_one", mp_unpack_one},
        {"unpack_limit", mp_unpack_limit},
        {NULL, NULL},
    };
    luaL_register(L, "cmsgpack", functions);
    lua_pushliteral(L, "lua-cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "lua-cmsgpack 0.4.0");
    lua_setfield(L, -2, "_VERSION");
    return 1;
}
