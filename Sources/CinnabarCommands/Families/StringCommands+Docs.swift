// COMMAND DOCS for the string commands (GET, SET and its variants, MGET/MSET, APPEND, GETRANGE/SETRANGE, INCR*, LCS):
// Redis 7.2's summaries, complexities, history and argument trees, keyed by full command name. CommandTable attaches
// them to the specs in StringCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension StringCommands {
    static let docs: [String: CommandDocs] = [
        "get": CommandDocs(
            "Returns the string value of a key.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "set": CommandDocs(
            "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
            since: "1.0.0", complexity: "O(1)",
            history: [
                ("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."),
                ("6.0.0", "Added the `KEEPTTL` option."),
                ("6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."),
                ("7.0.0", "Allowed the `NX` and `GET` options to be used together."),
            ],
            arguments: [
                .key("key", spec: 0),
                .string("value"),
                .oneOf("condition", since: "2.6.12", optional: true, [.pureToken("NX"), .pureToken("XX")]),
                .pureToken("GET", since: "6.2.0", optional: true),
                .oneOf("expiration", optional: true, [
                    .integer("seconds", token: "EX", since: "2.6.12"),
                    .integer("milliseconds", token: "PX", since: "2.6.12"),
                    .unixTime("unix-time-seconds", token: "EXAT", since: "6.2.0"),
                    .unixTime("unix-time-milliseconds", token: "PXAT", since: "6.2.0"),
                    .pureToken("KEEPTTL", since: "6.0.0"),
                ]),
            ]),
        "setnx": CommandDocs(
            "Set the string value of a key only when the key doesn't exist.",
            since: "1.0.0", complexity: "O(1)", docFlags: [.deprecated], deprecatedSince: "2.6.12",
            replacedBy: "`SET` with the `NX` argument",
            arguments: [.key("key", spec: 0), .string("value")]),
        "setex": CommandDocs(
            "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
            since: "2.0.0", complexity: "O(1)", docFlags: [.deprecated], deprecatedSince: "2.6.12",
            replacedBy: "`SET` with the `EX` argument",
            arguments: [.key("key", spec: 0), .integer("seconds"), .string("value")]),
        "psetex": CommandDocs(
            """
                Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't \
                exist.
                """,
            since: "2.6.0", complexity: "O(1)", docFlags: [.deprecated], deprecatedSince: "2.6.12",
            replacedBy: "`SET` with the `PX` argument",
            arguments: [.key("key", spec: 0), .integer("milliseconds"), .string("value")]),
        "getex": CommandDocs(
            "Returns the string value of a key after setting its expiration time.",
            since: "6.2.0", complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .oneOf("expiration", optional: true, [
                    .integer("seconds", token: "EX"),
                    .integer("milliseconds", token: "PX"),
                    .unixTime("unix-time-seconds", token: "EXAT"),
                    .unixTime("unix-time-milliseconds", token: "PXAT"),
                    .pureToken("PERSIST"),
                ]),
            ]),
        "getdel": CommandDocs(
            "Returns the string value of a key after deleting the key.",
            since: "6.2.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "getset": CommandDocs(
            "Returns the previous string value of a key after setting it to a new value.",
            since: "1.0.0", complexity: "O(1)", docFlags: [.deprecated], deprecatedSince: "6.2.0",
            replacedBy: "`SET` with the `!GET` argument",
            arguments: [.key("key", spec: 0), .string("value")]),
        "mget": CommandDocs(
            "Atomically returns the string values of one or more keys.",
            since: "1.0.0", complexity: "O(N) where N is the number of keys to retrieve.",
            arguments: [.key("key", spec: 0, multiple: true)]),
        "mset": CommandDocs(
            "Atomically creates or modifies the string values of one or more keys.",
            since: "1.0.1", complexity: "O(N) where N is the number of keys to set.",
            arguments: [.block("data", multiple: true, [.key("key", spec: 0), .string("value")])]),
        "msetnx": CommandDocs(
            "Atomically modifies the string values of one or more keys only when all keys don't exist.",
            since: "1.0.1", complexity: "O(N) where N is the number of keys to set.",
            arguments: [.block("data", multiple: true, [.key("key", spec: 0), .string("value")])]),
        "append": CommandDocs(
            "Appends a string to the value of a key. Creates the key if it doesn't exist.",
            since: "2.0.0",
            complexity: """
                O(1). The amortized time complexity is O(1) assuming the appended value is small and the already \
                present value is of any size, since the dynamic string library used by Redis will double the free \
                space available on every reallocation.
                """,
            arguments: [.key("key", spec: 0), .string("value")]),
        "strlen": CommandDocs(
            "Returns the length of a string value.",
            since: "2.2.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "getrange": CommandDocs(
            "Returns a substring of the string stored at a key.",
            since: "2.4.0",
            complexity: """
                O(N) where N is the length of the returned string. The complexity is ultimately determined by the \
                returned length, but because creating a substring from an existing string is very cheap, it can be \
                considered O(1) for small strings.
                """,
            arguments: [.key("key", spec: 0), .integer("start"), .integer("end")]),
        "substr": CommandDocs(
            "Returns a substring from a string value.",
            since: "1.0.0",
            complexity: """
                O(N) where N is the length of the returned string. The complexity is ultimately determined by the \
                returned length, but because creating a substring from an existing string is very cheap, it can be \
                considered O(1) for small strings.
                """,
            docFlags: [.deprecated], deprecatedSince: "2.0.0", replacedBy: "`GETRANGE`",
            arguments: [.key("key", spec: 0), .integer("start"), .integer("end")]),
        "setrange": CommandDocs(
            "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
            since: "2.2.0",
            complexity: """
                O(1), not counting the time taken to copy the new string in place. Usually, this string is very small \
                so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the \
                value argument.
                """,
            arguments: [.key("key", spec: 0), .integer("offset"), .string("value")]),
        "incr": CommandDocs(
            "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "decr": CommandDocs(
            "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "incrby": CommandDocs(
            "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0), .integer("increment")]),
        "decrby": CommandDocs(
            "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0), .integer("decrement")]),
        "incrbyfloat": CommandDocs(
            """
                Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't \
                exist.
                """,
            since: "2.6.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0), .double("increment")]),
        "lcs": CommandDocs(
            "Finds the longest common substring.",
            since: "7.0.0", complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
            arguments: [
                .key("key1", spec: 0),
                .key("key2", spec: 0),
                .pureToken("LEN", optional: true),
                .pureToken("IDX", optional: true),
                .integer("min-match-len", token: "MINMATCHLEN", optional: true),
                .pureToken("WITHMATCHLEN", optional: true),
            ]),
    ]
}
