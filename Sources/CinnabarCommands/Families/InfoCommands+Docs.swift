// COMMAND DOCS for INFO: Redis 7.2's summaries, complexities, history and argument trees, keyed by full command name.
// CommandTable attaches them to the specs in InfoCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension InfoCommands {
    static let docs: [String: CommandDocs] = [
        "info": CommandDocs(
            "Returns information and statistics about the server.",
            since: "1.0.0", complexity: "O(1)",
            history: [("7.0.0", "Added support for taking multiple section arguments.")],
            arguments: [.string("section", optional: true, multiple: true)]),
    ]
}
