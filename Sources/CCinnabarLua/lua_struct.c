// struct for scripts: binary packing with the format language of Roberto Ierusalimschy's struct library, which
// Redis bundles (struct.pack, struct.unpack, struct.size). Written for Cinnabar; Debian has no such module for
// Lua 5.1.
//
// Format: '<' little endian, '>' big endian, '=' native, '![n]' maximum alignment n (default: native); 'x' a zero
// byte; 'b'/'B' signed/unsigned char, 'h'/'H' short, 'l'/'L' long, 'T' size_t, 'i[n]'/'I[n]' an n-byte integer
// (default int), 'f' float, 'd' double, 's' a zero-terminated string, 'c[n]' n characters (c0: the whole string
// when packing, the length read just before when unpacking); spaces are ignored.
// SPDX-License-Identifier: BSD-3-Clause
#include "CCinnabarLua.h"
#include <limits.h>
#include <stddef.h>
#include <string.h>

#define MAX_INT_SIZE 32
#define MAX_ALIGN 8

typedef struct {
    int little;
    int align;
} header;

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static size_t read_size(lua_State *L, const char **fmt, size_t fallback) {
    if (!is_digit(**fmt)) return fallback;
    size_t a = 0;
    do {
        if (a > (INT_MAX / 10) || a * 10 > (size_t)(INT_MAX - (**fmt - '0'))) luaL_error(L, "size too large");
        a = a * 10 + (size_t)(*((*fmt)++) - '0');
    } while (is_digit(**fmt));
    return a;
}

static int native_little(void) {
    const int one = 1;
    return *(const char *)&one;
}

/// The size of the item for option `opt` (reading its count from `fmt`).
static size_t option_size(lua_State *L, char opt, const char **fmt) {
    switch (opt) {
    case 'B': case 'b': return 1;
    case 'H': case 'h': return sizeof(short);
    case 'L': case 'l': return sizeof(long);
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return read_size(L, fmt, 1);
    case 'i': case 'I': {
        size_t n = read_size(L, fmt, sizeof(int));
        if (n > MAX_INT_SIZE) luaL_error(L, "integral size %d is larger than limit of %d", (int)n, MAX_INT_SIZE);
        return n;
    }
    default: return 0;  // s, ' ', and the header options
    }
}

static size_t padding(header *h, size_t position, size_t size) {
    if (size <= 1 || h->align <= 1) return 0;
    size_t align = size < (size_t)h->align ? size : (size_t)h->align;
    if ((align & (align - 1)) != 0) return 0;  // not a power of 2: no alignment
    return (align - (position & (align - 1))) & (align - 1);
}

/// Applies a header option; returns 1 if `opt` was one.
static int header_option(lua_State *L, char opt, const char **fmt, header *h) {
    switch (opt) {
    case ' ': return 1;
    case '>': h->little = 0; return 1;
    case '<': h->little = 1; return 1;
    case '=': h->little = native_little(); return 1;
    case '!': {
        size_t a = read_size(L, fmt, MAX_ALIGN);
        if (a == 0 || (a & (a - 1)) != 0) luaL_error(L, "alignment %d is not a power of 2", (int)a);
        h->align = (int)a;
        return 1;
    }
    default: return 0;
    }
}

static void put_integer(luaL_Buffer *b, lua_Number n, int little, size_t size) {
    unsigned char bytes[MAX_INT_SIZE];
    long long value = (long long)n;
    unsigned long long v = (unsigned long long)value;
    for (size_t i = 0; i < size; i++) {
        if (i < sizeof(v)) {
            bytes[little ? i : size - 1 - i] = (unsigned char)(v & 0xff);
            v >>= 8;
        } else {
            bytes[little ? i : size - 1 - i] = value < 0 ? 0xff : 0x00;
        }
    }
    luaL_addlstring(b, (const char *)bytes, size);
}

static void put_reversed(luaL_Buffer *b, const void *p, size_t size, int little) {
    const unsigned char *bytes = p;
    if (little == native_little()) {
        luaL_addlstring(b, (const char *)bytes, size);
    } else {
        for (size_t i = size; i > 0; i--) luaL_addchar(b, (char)bytes[i - 1]);
    }
}

static int struct_pack(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    header h = {native_little(), 1};
    int arg = 2;
    size_t total = 0;
    luaL_Buffer b;
    lua_pushnil(L);  // keeps the buffer's stack use above the arguments
    luaL_buffinit(L, &b);
    while (*fmt != '\0') {
        char opt = *fmt++;
        if (header_option(L, opt, &fmt, &h)) continue;
        size_t size = option_size(L, opt, &fmt);
        size_t pad = padding(&h, total, size);
        for (size_t i = 0; i < pad; i++) luaL_addchar(&b, '\0');
        total += pad;
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
            put_integer(&b, luaL_checknumber(L, arg++), h.little, size);
            break;
        case 'x':
            luaL_addchar(&b, '\0');
            break;
        case 'f': {
            float f = (float)luaL_checknumber(L, arg++);
            put_reversed(&b, &f, size, h.little);
            break;
        }
        case 'd': {
            double d = luaL_checknumber(L, arg++);
            put_reversed(&b, &d, size, h.little);
            break;
        }
        case 'c': case 's': {
            size_t length;
            const char *s = luaL_checklstring(L, arg, &length);
            if (opt == 's') {
                if (strlen(s) != length) luaL_argerror(L, arg, "string contains zeros");
                size = length + 1;
                luaL_addlstring(&b, s, size);
            } else {
                if (size == 0) size = length;
                luaL_argcheck(L, length >= size, arg, "string too short");
                luaL_addlstring(&b, s, size);
            }
            arg++;
            break;
        }
        default:
            return luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
        }
        total += size;
    }
    luaL_pushresult(&b);
    return 1;
}

/// Bytes beyond the eighth only shift out the high ones, as Redis's copy of struct does (no overflow error).
static lua_Number get_integer(const unsigned char *p, int little, int is_signed, size_t size) {
    unsigned long long v = 0;
    for (size_t i = 0; i < size; i++) {
        v <<= 8;
        v |= p[little ? size - 1 - i : i];
    }
    if (!is_signed) return (lua_Number)v;
    if (size < sizeof(v)) {
        unsigned long long mask = ~0ULL << (size * 8 - 1);
        if (v & mask) v |= mask;
    }
    return (lua_Number)(long long)v;
}

static void get_reversed(void *out, const unsigned char *p, size_t size, int little) {
    unsigned char *dst = out;
    if (little == native_little()) {
        memcpy(dst, p, size);
    } else {
        for (size_t i = 0; i < size; i++) dst[i] = p[size - 1 - i];
    }
}

static int struct_unpack(lua_State *L) {
    header h = {native_little(), 1};
    const char *fmt = luaL_checkstring(L, 1);
    size_t length;
    const unsigned char *data = (const unsigned char *)luaL_checklstring(L, 2, &length);
    lua_Number start = luaL_optnumber(L, 3, 1);
    luaL_argcheck(L, start >= 1, 3, "offset must be 1 or greater");
    size_t position = (size_t)start - 1;
    int count = 0;
    lua_settop(L, 2);
    while (*fmt) {
        char opt = *fmt++;
        if (header_option(L, opt, &fmt, &h)) continue;
        size_t size = option_size(L, opt, &fmt);
        position += padding(&h, position, size);
        luaL_argcheck(L, position <= length && size <= length - position, 2, "data string too short");
        luaL_checkstack(L, 2, "too many results");
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
            int is_signed = opt == 'b' || opt == 'h' || opt == 'l' || opt == 'i';
            lua_pushnumber(L, get_integer(data + position, h.little, is_signed, size));
            count++;
            break;
        }
        case 'x':
            break;
        case 'f': {
            float f;
            get_reversed(&f, data + position, size, h.little);
            lua_pushnumber(L, f);
            count++;
            break;
        }
        case 'd': {
            double d;
            get_reversed(&d, data + position, size, h.little);
            lua_pushnumber(L, d);
            count++;
            break;
        }
        case 'c': {
            if (size == 0) {
                if (count == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
                size = (size_t)lua_tonumber(L, -1);
                lua_pop(L, 1);
                count--;
                luaL_argcheck(L, size <= length - position, 2, "data string too short");
            }
            lua_pushlstring(L, (const char *)data + position, size);
            count++;
            break;
        }
        case 's': {
            const unsigned char *end = memchr(data + position, '\0', length - position);
            if (end == NULL) luaL_error(L, "unfinished string in data");
            size = (size_t)(end - (data + position)) + 1;
            lua_pushlstring(L, (const char *)data + position, size - 1);
            count++;
            break;
        }
        default:
            return luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
        }
        position += size;
    }
    lua_pushnumber(L, (lua_Number)position + 1);
    return count + 1;
}

static int struct_size(lua_State *L) {
    header h = {native_little(), 1};
    const char *fmt = luaL_checkstring(L, 1);
    size_t position = 0;
    while (*fmt) {
        char opt = *fmt++;
        if (header_option(L, opt, &fmt, &h)) continue;
        size_t size = option_size(L, opt, &fmt);
        position += padding(&h, position, size);
        if (opt == 's') luaL_argerror(L, 1, "options 's' has no fixed size");
        else if (opt == 'c' && size == 0) luaL_argerror(L, 1, "options 'c0' has no fixed size");
        position += size;
    }
    lua_pushnumber(L, (lua_Number)position);
    return 1;
}

int cinnabar_luaopen_struct(lua_State *L) {
    static const luaL_Reg functions[] = {
        {"pack", struct_pack},
        {"unpack", struct_unpack},
        {"size", struct_size},
        {NULL, NULL},
    };
    luaL_register(L, "struct", functions);
    return 1;
}
