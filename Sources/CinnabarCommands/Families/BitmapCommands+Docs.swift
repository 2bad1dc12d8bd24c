// COMMAND DOCS for the bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP): Redis 7.2's summaries, complexities,
// history and argument trees, keyed by full command name. CommandTable attaches them to the specs in
// BitmapCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension BitmapCommands {
    static let docs: [String: CommandDocs] = [
        "setbit": CommandDocs(
            "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.",
            since: "2.2.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0), .integer("offset"), .integer("value")]),
        "getbit": CommandDocs(
            "Returns a bit value by offset.",
            since: "2.2.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0), .integer("offset")]),
        "bitcount": CommandDocs(
            "Counts the number of set bits (population counting) in a string.",
            since: "2.6.0", complexity: "O(N)",
            history: [("7.0.0", "Added the `BYTE|BIT` option.")],
            arguments: [
                .key("key", spec: 0),
                .block("range", optional: true, [
                    .integer("start"),
                    .integer("end"),
                    .oneOf("unit", since: "7.0.0", optional: true, [.pureToken("BYTE"), .pureToken("BIT")]),
                ]),
            ]),
        "bitpos": CommandDocs(
            "Finds the first set (1) or clear (0) bit in a string.",
            since: "2.8.7", complexity: "O(N)",
            history: [("7.0.0", "Added the `BYTE|BIT` option.")],
            arguments: [
                .key("key", spec: 0),
                .integer("bit"),
                .block("range", optional: true, [
                    .integer("start"),
                    .block("end-unit-block", optional: true, [
                        .integer("end"),
                        .oneOf("unit", since: "7.0.0", optional: true, [.pureToken("BYTE"), .pureToken("BIT")]),
                    ]),
                ]),
            ]),
        "bitop": CommandDocs(
            "Performs bitwise operations on multiple strings, and stores the result.",
            since: "2.6.0", complexity: "O(N)",
            arguments: [
                .oneOf("operation", [.pureToken("AND"), .pureToken("OR"), .pureToken("XOR"), .pureToken("NOT")]),
                .key("destkey", spec: 0),
                .key("key", spec: 1, multiple: true),
            ]),
        "bitfield": CommandDocs(
            "Performs arbitrary bitfield integer operations on strings.",
            since: "3.2.0", complexity: "O(1) for each subcommand specified",
            arguments: [
                .key("key", spec: 0),
                .oneOf("operation", optional: true, multiple: true, [
                    .block("get-block", token: "GET", [.string("encoding"), .integer("offset")]),
                    .block("write", [
                        .oneOf("overflow-block", token: "OVERFLOW", optional: true,
                               [.pureToken("WRAP"), .pureToken("SAT"), .pureToken("FAIL")]),
                        .oneOf("write-operation", [
                            .block("set-block", token: "SET",
                                   [.string("encoding"), .integer("offset"), .integer("value")]),
                            .block("incrby-block", token: "INCRBY",
                                   [.string("encoding"), .integer("offset"), .integer("increment")]),
                        ]),
                    ]),
                ]),
            ]),
        "bitfield_ro": CommandDocs(
            "Performs arbitrary read-only bitfield integer operations on strings.",
            since: "6.0.0", complexity: "O(1) for each subcommand specified",
            arguments: [
                .key("key", spec: 0),
                .block("get-block", token: "GET", optional: true, multiple: true, multipleToken: true,
                       [.string("encoding"), .integer("offset")]),
            ]),
    ]
}
