// COMMAND DOCS for CLIENT and the subcommands we implement: Redis 7.2's summaries, complexities, history and argument
// trees, keyed by full command name. CommandTable attaches them to the specs in ClientCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension ClientCommands {
    static let docs: [String: CommandDocs] = [
        "client": CommandDocs(
            "A container for client connection commands.",
            since: "2.4.0", complexity: "Depends on subcommand."),
        "client|id": CommandDocs(
            "Returns the unique client ID of the connection.",
            since: "5.0.0", complexity: "O(1)"),
        "client|setname": CommandDocs(
            "Sets the connection name.",
            since: "2.6.9", complexity: "O(1)",
            arguments: [.string("connection-name")]),
        "client|getname": CommandDocs(
            "Returns the name of the connection.",
            since: "2.6.9", complexity: "O(1)"),
        "client|setinfo": CommandDocs(
            "Sets information specific to the client or connection.",
            since: "7.2.0", complexity: "O(1)",
            arguments: [.oneOf("attr", [.string("libname", token: "LIB-NAME"), .string("libver", token: "LIB-VER")])]),
        "client|info": CommandDocs(
            "Returns information about the connection.",
            since: "6.2.0", complexity: "O(1)"),
        "client|list": CommandDocs(
            "Lists open connections.",
            since: "2.4.0", complexity: "O(N) where N is the number of client connections",
            history: [
                ("2.8.12", "Added unique client `id` field."),
                ("5.0.0", "Added optional `TYPE` filter."),
                ("6.0.0", "Added `user` field."),
                ("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."),
                ("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."),
                ("7.0.3", "Added `ssub` field."),
            ],
            arguments: [
                .oneOf("client-type", token: "TYPE", since: "5.0.0", optional: true, [
                    .pureToken("NORMAL"),
                    .pureToken("MASTER"),
                    .pureToken("REPLICA"),
                    .pureToken("PUBSUB"),
                ]),
                .integer("client-id", token: "ID", since: "6.2.0", optional: true, multiple: true),
            ]),
        "client|kill": CommandDocs(
            "Terminates open connections.",
            since: "2.4.0", complexity: "O(N) where N is the number of client connections",
            history: [
                ("2.8.12", "Added new filter format."),
                ("2.8.12", "`ID` option."),
                ("3.2.0", "Added `master` type in for `TYPE` option."),
                ("5.0.0", """
                    Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.
                    """),
                ("6.2.0", "`LADDR` option."),
            ],
            arguments: [
                .oneOf("filter", [
                    .string("old-format", display: "ip:port", deprecatedSince: "2.8.12"),
                    .oneOf("new-format", multiple: true, [
                        .integer("client-id", token: "ID", since: "2.8.12", optional: true),
                        .oneOf("client-type", token: "TYPE", since: "2.8.12", optional: true, [
                            .pureToken("NORMAL"),
                            .pureToken("MASTER", since: "3.2.0"),
                            .pureToken("SLAVE"),
                            .pureToken("REPLICA", since: "5.0.0"),
                            .pureToken("PUBSUB"),
                        ]),
                        .string("username", token: "USER", optional: true),
                        .string("addr", token: "ADDR", display: "ip:port", optional: true),
                        .string("laddr", token: "LADDR", display: "ip:port", since: "6.2.0", optional: true),
                        .oneOf("skipme", token: "SKIPME", optional: true, [.pureToken("YES"), .pureToken("NO")]),
                    ]),
                ]),
            ]),
        "client|pause": CommandDocs(
            "Suspends commands processing.",
            since: "3.0.0", complexity: "O(1)",
            history: [("6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option.")],
            arguments: [
                .integer("timeout"),
                .oneOf("mode", since: "6.2.0", optional: true, [.pureToken("WRITE"), .pureToken("ALL")]),
            ]),
        "client|unblock": CommandDocs(
            "Unblocks a client blocked by a blocking command from a different connection.",
            since: "5.0.0", complexity: "O(log N) where N is the number of client connections",
            arguments: [
                .integer("client-id"),
                .oneOf("unblock-type", optional: true, [.pureToken("TIMEOUT"), .pureToken("ERROR")]),
            ]),
        "client|unpause": CommandDocs(
            "Resumes processing commands from paused clients.",
            since: "6.2.0", complexity: "O(N) Where N is the number of paused clients"),
        "client|reply": CommandDocs(
            "Instructs the server whether to reply to commands.",
            since: "3.2.0", complexity: "O(1)",
            arguments: [.oneOf("action", [.pureToken("ON"), .pureToken("OFF"), .pureToken("SKIP")])]),
        "client|no-evict": CommandDocs(
            "Sets the client eviction mode of the connection.",
            since: "7.0.0", complexity: "O(1)",
            arguments: [.oneOf("enabled", [.pureToken("ON"), .pureToken("OFF")])]),
        "client|no-touch": CommandDocs(
            "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
            since: "7.2.0", complexity: "O(1)",
            arguments: [.oneOf("enabled", [.pureToken("ON"), .pureToken("OFF")])]),
        "client|trackinginfo": CommandDocs(
            "Returns information about server-assisted client-side caching for the connection.",
            since: "6.2.0", complexity: "O(1)"),
        "client|getredir": CommandDocs(
            "Returns the client ID to which the connection's tracking notifications are redirected.",
            since: "6.0.0", complexity: "O(1)"),
        "client|tracking": CommandDocs(
            "Controls server-assisted client-side caching for the connection.",
            since: "6.0.0", complexity: "O(1). Some options may introduce additional complexity.",
            arguments: [
                .oneOf("status", [.pureToken("ON"), .pureToken("OFF")]),
                .integer("client-id", token: "REDIRECT", optional: true),
                .string("prefix", token: "PREFIX", optional: true, multiple: true, multipleToken: true),
                .pureToken("BCAST", optional: true),
                .pureToken("OPTIN", optional: true),
                .pureToken("OPTOUT", optional: true),
                .pureToken("NOLOOP", optional: true),
            ]),
        "client|caching": CommandDocs(
            "Instructs the server whether to track the keys in the next request.",
            since: "6.0.0", complexity: "O(1)",
            arguments: [.oneOf("mode", [.pureToken("YES"), .pureToken("NO")])]),
        "client|help": CommandDocs(
            "Returns helpful text about the different subcommands.",
            since: "5.0.0", complexity: "O(1)"),
    ]
}
