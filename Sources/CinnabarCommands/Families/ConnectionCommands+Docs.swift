// COMMAND DOCS for the connection commands (PING, ECHO, QUIT, RESET, SELECT, HELLO, AUTH): Redis 7.2's summaries,
// complexities, history and argument trees, keyed by full command name. CommandTable attaches them to the specs in
// ConnectionCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension ConnectionCommands {
    static let docs: [String: CommandDocs] = [
        "ping": CommandDocs(
            "Returns the server's liveliness response.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.string("message", optional: true)]),
        "echo": CommandDocs(
            "Returns the given string.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.string("message")]),
        "quit": CommandDocs(
            "Closes the connection.",
            since: "1.0.0", complexity: "O(1)", docFlags: [.deprecated], deprecatedSince: "7.2.0",
            replacedBy: "just closing the connection"),
        "reset": CommandDocs(
            "Resets the connection.",
            since: "6.2.0", complexity: "O(1)"),
        "select": CommandDocs(
            "Changes the selected database.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.integer("index")]),
        "hello": CommandDocs(
            "Handshakes with the Redis server.",
            since: "6.0.0", complexity: "O(1)",
            history: [
                ("6.2.0", """
                    `protover` made optional; when called without arguments the command reports the current \
                    connection's context.
                    """),
            ],
            arguments: [
                .block("arguments", optional: true, [
                    .integer("protover"),
                    .block("auth", token: "AUTH", optional: true, [.string("username"), .string("password")]),
                    .string("clientname", token: "SETNAME", optional: true),
                ]),
            ]),
        "auth": CommandDocs(
            "Authenticates the connection.",
            since: "1.0.0", complexity: "O(N) where N is the number of passwords defined for the user",
            history: [("6.0.0", "Added ACL style (username and password).")],
            arguments: [.string("username", since: "6.0.0", optional: true), .string("password")]),
    ]
}
