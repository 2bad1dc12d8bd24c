// COMMAND DOCS for the sorted set commands (ZADD, ZINCRBY, ZREM, the ZRANGE family and its STORE form, ZCOUNT and
// ZLEXCOUNT, ZSCORE/ZMSCORE, ZRANK/ZREVRANK, ZREMRANGEBY*, ZPOPMIN/ZPOPMAX/ZMPOP, ZRANDMEMBER, ZUNION/ZINTER/ZDIFF,
// ZINTERCARD and the STORE forms, ZSCAN): Redis 7.2's summaries, complexities, history and argument trees, keyed by
// full command name. CommandTable attaches them to the specs in SortedSetCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension SortedSetCommands {
    static let docs: [String: CommandDocs] = [
        "zadd": CommandDocs(
            "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.",
            since: "1.2.0",
            complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
            history: [
                ("2.4.0", "Accepts multiple elements."),
                ("3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."),
                ("6.2.0", "Added the `GT` and `LT` options."),
            ],
            arguments: [
                .key("key", spec: 0),
                .oneOf("condition", since: "3.0.2", optional: true, [.pureToken("NX"), .pureToken("XX")]),
                .oneOf("comparison", since: "6.2.0", optional: true, [.pureToken("GT"), .pureToken("LT")]),
                ArgumentDoc("change", .pureToken, token: "CH", since: "3.0.2", flags: [.optional]),
                ArgumentDoc("increment", .pureToken, token: "INCR", since: "3.0.2", flags: [.optional]),
                .block("data", multiple: true, [.double("score"), .string("member")]),
            ]),
        "zincrby": CommandDocs(
            "Increments the score of a member in a sorted set.",
            since: "1.2.0", complexity: "O(log(N)) where N is the number of elements in the sorted set.",
            arguments: [.key("key", spec: 0), .integer("increment"), .string("member")]),
        "zrem": CommandDocs(
            "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.",
            since: "1.2.0",
            complexity: """
                O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be \
                removed.
                """,
            history: [("2.4.0", "Accepts multiple elements.")],
            arguments: [.key("key", spec: 0), .string("member", multiple: true)]),
        "zcard": CommandDocs(
            "Returns the number of members in a sorted set.",
            since: "1.2.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "zcount": CommandDocs(
            "Returns the count of members in a sorted set that have scores within a range.",
            since: "2.0.0", complexity: "O(log(N)) with N being the number of elements in the sorted set.",
            arguments: [.key("key", spec: 0), .double("min"), .double("max")]),
        "zlexcount": CommandDocs(
            "Returns the number of members in a sorted set within a lexicographical range.",
            since: "2.8.9", complexity: "O(log(N)) with N being the number of elements in the sorted set.",
            arguments: [.key("key", spec: 0), .string("min"), .string("max")]),
        "zscore": CommandDocs(
            "Returns the score of a member in a sorted set.",
            since: "1.2.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0), .string("member")]),
        "zmscore": CommandDocs(
            "Returns the score of one or more members in a sorted set.",
            since: "6.2.0", complexity: "O(N) where N is the number of members being requested.",
            arguments: [.key("key", spec: 0), .string("member", multiple: true)]),
        "zrank": CommandDocs(
            "Returns the index of a member in a sorted set ordered by ascending scores.",
            since: "2.0.0", complexity: "O(log(N))",
            history: [("7.2.0", "Added the optional `WITHSCORE` argument.")],
            arguments: [.key("key", spec: 0), .string("member"), .pureToken("WITHSCORE", optional: true)]),
        "zrevrank": CommandDocs(
            "Returns the index of a member in a sorted set ordered by descending scores.",
            since: "2.0.0", complexity: "O(log(N))",
            history: [("7.2.0", "Added the optional `WITHSCORE` argument.")],
            arguments: [.key("key", spec: 0), .string("member"), .pureToken("WITHSCORE", optional: true)]),
        "zrange": CommandDocs(
            "Returns members in a sorted set within a range of indexes.",
            since: "1.2.0",
            complexity: """
                O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements \
                returned.
                """,
            history: [("6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.")],
            arguments: [
                .key("key", spec: 0),
                .string("start"),
                .string("stop"),
                .oneOf("sortby", since: "6.2.0", optional: true, [.pureToken("BYSCORE"), .pureToken("BYLEX")]),
                .pureToken("REV", since: "6.2.0", optional: true),
                .block("limit", token: "LIMIT", since: "6.2.0", optional: true, [
                    .integer("offset"),
                    .integer("count"),
                ]),
                .pureToken("WITHSCORES", optional: true),
            ]),
        "zrangestore": CommandDocs(
            "Stores a range of members from sorted set in a key.",
            since: "6.2.0",
            complexity: """
                O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements \
                stored into the destination key.
                """,
            arguments: [
                .key("dst", spec: 0),
                .key("src", spec: 1),
                .string("min"),
                .string("max"),
                .oneOf("sortby", optional: true, [.pureToken("BYSCORE"), .pureToken("BYLEX")]),
                .pureToken("REV", optional: true),
                .block("limit", token: "LIMIT", optional: true, [.integer("offset"), .integer("count")]),
            ]),
        "zrevrange": CommandDocs(
            "Returns members in a sorted set within a range of indexes in reverse order.",
            since: "1.2.0",
            complexity: """
                O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements \
                returned.
                """,
            docFlags: [.deprecated],
            deprecatedSince: "6.2.0",
            replacedBy: "`ZRANGE` with the `REV` argument",
            arguments: [
                .key("key", spec: 0),
                .integer("start"),
                .integer("stop"),
                .pureToken("WITHSCORES", optional: true),
            ]),
        "zrangebyscore": CommandDocs(
            "Returns members in a sorted set within a range of scores.",
            since: "1.0.5",
            complexity: """
                O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being \
                returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can \
                consider it O(log(N)).
                """,
            docFlags: [.deprecated],
            deprecatedSince: "6.2.0",
            replacedBy: "`ZRANGE` with the `BYSCORE` argument",
            history: [("2.0.0", "Added the `WITHSCORES` modifier.")],
            arguments: [
                .key("key", spec: 0),
                .double("min"),
                .double("max"),
                .pureToken("WITHSCORES", since: "2.0.0", optional: true),
                .block("limit", token: "LIMIT", optional: true, [.integer("offset"), .integer("count")]),
            ]),
        "zrevrangebyscore": CommandDocs(
            "Returns members in a sorted set within a range of scores in reverse order.",
            since: "2.2.0",
            complexity: """
                O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being \
                returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can \
                consider it O(log(N)).
                """,
            docFlags: [.deprecated],
            deprecatedSince: "6.2.0",
            replacedBy: "`ZRANGE` with the `REV` and `BYSCORE` arguments",
            history: [("2.1.6", "`min` and `max` can be exclusive.")],
            arguments: [
                .key("key", spec: 0),
                .double("max"),
                .double("min"),
                .pureToken("WITHSCORES", optional: true),
                .block("limit", token: "LIMIT", optional: true, [.integer("offset"), .integer("count")]),
            ]),
        "zrangebylex": CommandDocs(
            "Returns members in a sorted set within a lexicographical range.",
            since: "2.8.9",
            complexity: """
                O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being \
                returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can \
                consider it O(log(N)).
                """,
            docFlags: [.deprecated],
            deprecatedSince: "6.2.0",
            replacedBy: "`ZRANGE` with the `BYLEX` argument",
            arguments: [
                .key("key", spec: 0),
                .string("min"),
                .string("max"),
                .block("limit", token: "LIMIT", optional: true, [.integer("offset"), .integer("count")]),
            ]),
        "zrevrangebylex": CommandDocs(
            "Returns members in a sorted set within a lexicographical range in reverse order.",
            since: "2.8.9",
            complexity: """
                O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being \
                returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can \
                consider it O(log(N)).
                """,
            docFlags: [.deprecated],
            deprecatedSince: "6.2.0",
            replacedBy: "`ZRANGE` with the `REV` and `BYLEX` arguments",
            arguments: [
                .key("key", spec: 0),
                .string("max"),
                .string("min"),
                .block("limit", token: "LIMIT", optional: true, [.integer("offset"), .integer("count")]),
            ]),
        "zremrangebyrank": CommandDocs(
            """
                Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members \
                were removed.
                """,
            since: "2.0.0",
            complexity: """
                O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements \
                removed by the operation.
                """,
            arguments: [.key("key", spec: 0), .integer("start"), .integer("stop")]),
        "zremrangebyscore": CommandDocs(
            """
                Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were \
                removed.
                """,
            since: "1.2.0",
            complexity: """
                O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements \
                removed by the operation.
                """,
            arguments: [.key("key", spec: 0), .double("min"), .double("max")]),
        "zremrangebylex": CommandDocs(
            """
                Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all \
                members were removed.
                """,
            since: "2.8.9",
            complexity: """
                O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements \
                removed by the operation.
                """,
            arguments: [.key("key", spec: 0), .string("min"), .string("max")]),
        "zpopmin": CommandDocs(
            """
                Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if \
                the last member was popped.
                """,
            since: "5.0.0",
            complexity: """
                O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of \
                elements popped.
                """,
            arguments: [.key("key", spec: 0), .integer("count", optional: true)]),
        "zpopmax": CommandDocs(
            """
                Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if \
                the last member was popped.
                """,
            since: "5.0.0",
            complexity: """
                O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of \
                elements popped.
                """,
            arguments: [.key("key", spec: 0), .integer("count", optional: true)]),
        "zmpop": CommandDocs(
            """
                Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. \
                Deletes the sorted set if the last member was popped.
                """,
            since: "7.0.0",
            complexity: """
                O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the \
                sorted set, and M being the number of elements popped.
                """,
            arguments: [
                .integer("numkeys"),
                .key("key", spec: 0, multiple: true),
                .oneOf("where", [.pureToken("MIN"), .pureToken("MAX")]),
                .integer("count", token: "COUNT", optional: true),
            ]),
        "zrandmember": CommandDocs(
            "Returns one or more random members from a sorted set.",
            since: "6.2.0", complexity: "O(N) where N is the number of members returned",
            arguments: [
                .key("key", spec: 0),
                .block("options", optional: true, [.integer("count"), .pureToken("WITHSCORES", optional: true)]),
            ]),
        "zunion": CommandDocs(
            "Returns the union of multiple sorted sets.",
            since: "6.2.0",
            complexity: """
                O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number \
                of elements in the resulting sorted set.
                """,
            arguments: [
                .integer("numkeys"),
                .key("key", spec: 0, multiple: true),
                .integer("weight", token: "WEIGHTS", optional: true, multiple: true),
                .oneOf("aggregate", token: "AGGREGATE", optional: true, [
                    .pureToken("SUM"),
                    .pureToken("MIN"),
                    .pureToken("MAX"),
                ]),
                .pureToken("WITHSCORES", optional: true),
            ]),
        "zinter": CommandDocs(
            "Returns the intersect of multiple sorted sets.",
            since: "6.2.0",
            complexity: """
                O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of \
                input sorted sets and M being the number of elements in the resulting sorted set.
                """,
            arguments: [
                .integer("numkeys"),
                .key("key", spec: 0, multiple: true),
                .integer("weight", token: "WEIGHTS", optional: true, multiple: true),
                .oneOf("aggregate", token: "AGGREGATE", optional: true, [
                    .pureToken("SUM"),
                    .pureToken("MIN"),
                    .pureToken("MAX"),
                ]),
                .pureToken("WITHSCORES", optional: true),
            ]),
        "zintercard": CommandDocs(
            "Returns the number of members of the intersect of multiple sorted sets.",
            since: "7.0.0",
            complexity: """
                O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted \
                sets.
                """,
            arguments: [
                .integer("numkeys"),
                .key("key", spec: 0, multiple: true),
                .integer("limit", token: "LIMIT", optional: true),
            ]),
        "zdiff": CommandDocs(
            "Returns the difference between multiple sorted sets.",
            since: "6.2.0",
            complexity: """
                O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size \
                of the first set, and K is the size of the result set.
                """,
            arguments: [
                .integer("numkeys"),
                .key("key", spec: 0, multiple: true),
                .pureToken("WITHSCORES", optional: true),
            ]),
        "zunionstore": CommandDocs(
            "Stores the union of multiple sorted sets in a key.",
            since: "2.0.0",
            complexity: """
                O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number \
                of elements in the resulting sorted set.
                """,
            arguments: [
                .key("destination", spec: 0),
                .integer("numkeys"),
                .key("key", spec: 1, multiple: true),
                .integer("weight", token: "WEIGHTS", optional: true, multiple: true),
                .oneOf("aggregate", token: "AGGREGATE", optional: true, [
                    .pureToken("SUM"),
                    .pureToken("MIN"),
                    .pureToken("MAX"),
                ]),
            ]),
        "zinterstore": CommandDocs(
            "Stores the intersect of multiple sorted sets in a key.",
            since: "2.0.0",
            complexity: """
                O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of \
                input sorted sets and M being the number of elements in the resulting sorted set.
                """,
            arguments: [
                .key("destination", spec: 0),
                .integer("numkeys"),
                .key("key", spec: 1, multiple: true),
                .integer("weight", token: "WEIGHTS", optional: true, multiple: true),
                .oneOf("aggregate", token: "AGGREGATE", optional: true, [
                    .pureToken("SUM"),
                    .pureToken("MIN"),
                    .pureToken("MAX"),
                ]),
            ]),
        "zdiffstore": CommandDocs(
            "Stores the difference of multiple sorted sets in a key.",
            since: "6.2.0",
            complexity: """
                O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size \
                of the first set, and K is the size of the result set.
                """,
            arguments: [.key("destination", spec: 0), .integer("numkeys"), .key("key", spec: 1, multiple: true)]),
        "zscan": CommandDocs(
            "Iterates over members and scores of a sorted set.",
            since: "2.8.0",
            complexity: """
                O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to \
                return back to 0. N is the number of elements inside the collection.
                """,
            arguments: [
                .key("key", spec: 0),
                .integer("cursor"),
                .pattern("pattern", token: "MATCH", optional: true),
                .integer("count", token: "COUNT", optional: true),
            ]),
    ]
}
