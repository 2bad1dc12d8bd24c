// COMMAND DOCS for DEBUG (one command to Redis: its subcommands are not documented): Redis 7.2's summaries,
// complexities, history and argument trees, keyed by full command name. CommandTable attaches them to the specs in
// DebugCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension DebugCommands {
    static let docs: [String: CommandDocs] = [
        "debug": CommandDocs(
            "A container for debugging commands.",
            since: "1.0.0", complexity: "Depends on subcommand.", docFlags: [.syscmd]),
    ]
}
