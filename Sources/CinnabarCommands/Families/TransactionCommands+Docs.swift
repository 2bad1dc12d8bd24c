// COMMAND DOCS for the transaction commands (MULTI, EXEC, DISCARD, WATCH, UNWATCH): Redis 7.2's summaries and
// complexities. CommandTable attaches them to the specs in TransactionCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension TransactionCommands {
    static let docs: [String: CommandDocs] = [
        "multi": CommandDocs("Starts a transaction.", since: "1.2.0", complexity: "O(1)"),
        "exec": CommandDocs(
            "Executes all commands in a transaction.", since: "1.2.0",
            complexity: "Depends on commands in the transaction"),
        "discard": CommandDocs(
            "Discards a transaction.", since: "2.0.0", complexity: "O(N), when N is the number of queued commands"),
        "watch": CommandDocs(
            "Monitors changes to keys to determine the execution of a transaction.", since: "2.2.0",
            complexity: "O(1) for every key.",
            arguments: [.key("key", spec: 0, multiple: true)]),
        "unwatch": CommandDocs("Forgets about watched keys of a transaction.", since: "2.2.0", complexity: "O(1)"),
    ]
}
