// COMMAND DOCS for the replication commands (SYNC, PSYNC, REPLCONF, WAIT): Redis 7.2's summaries, complexities
// and arguments. CommandTable attaches them to the specs in ReplicationCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension ReplicationCommands {
    static let docs: [String: CommandDocs] = [
        "sync": CommandDocs("An internal command used in replication.", since: "1.0.0", complexity: nil),
        "psync": CommandDocs(
            "An internal command used in replication.", since: "2.8.0", complexity: nil,
            arguments: [.string("replicationid"), .integer("offset")]),
        "replconf": CommandDocs(
            "An internal command for configuring the replication stream.", since: "3.0.0", complexity: "O(1)",
            docFlags: [.syscmd]),
        "replicaof": CommandDocs(
            "Configures a server as replica of another, or promotes it to a master.", since: "5.0.0",
            complexity: "O(1)", arguments: replicaofArguments),
        "slaveof": CommandDocs(
            "Sets a Redis server as a replica of another, or promotes it to being a master.", since: "1.0.0",
            complexity: "O(1)", docFlags: [.deprecated], deprecatedSince: "5.0.0", replacedBy: "`REPLICAOF`",
            arguments: replicaofArguments),
        "wait": CommandDocs(
            "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.",
            since: "3.0.0", complexity: "O(1)",
            arguments: [.integer("numreplicas"), .integer("timeout")]),
    ]

    static let replicaofArguments: [ArgumentDoc] = [
        .oneOf("args", [
            .block("host-port", [.string("host"), .integer("port")]),
            .block("no-one", [.pureToken("NO"), .pureToken("ONE")]),
        ]),
    ]
}
