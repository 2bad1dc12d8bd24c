// Every error a command can reply with, in one place with Redis's exact texts. A handler throws a
// `CommandError`; the dispatcher is the one catch site that writes `-<text>` and counts it in errorstats
// (keyed by the first word: ERR, WRONGTYPE, NOAUTH...).
// SPDX-License-Identifier: BSD-3-Clause

public struct CommandError: Error, Sendable, Equatable {
    /// The full error line without the leading '-', e.g. "ERR syntax error".
    public let message: String

    public init(_ message: String) { self.message = message }

    /// "ERR <text>".
    public static func err(_ text: String) -> CommandError { CommandError("ERR " + text) }

    /// The errorstats key: the first word of the message.
    public var code: Substring { message.prefix { $0 != " " } }

    public static let syntax = CommandError("ERR syntax error")
    public static let wrongType = CommandError("WRONGTYPE Operation against a key holding the wrong kind of value")
    public static let noReplicas = CommandError("NOREPLICAS Not enough good replicas to write.")
    public static let notInteger = CommandError("ERR value is not an integer or out of range")
    public static let notFloat = CommandError("ERR value is not a valid float")
    public static let noSuchKey = CommandError("ERR no such key")
    public static let outOfRange = CommandError("ERR index out of range")
    public static let overflow = CommandError("ERR increment or decrement would overflow")
    public static let noAuth = CommandError("NOAUTH Authentication required.")
    public static let invalidDB = CommandError("ERR DB index is out of range")
    public static let invalidCursor = CommandError("ERR invalid cursor")
    public static let bitOffset = CommandError("ERR bit offset is not an integer or out of range")
    public static let stringTooLong = CommandError("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    public static let diskError = CommandError("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.")
    public static let outOfMemory = CommandError("OOM command not allowed when used memory > 'maxmemory'.")
    public static let mustBePositive = CommandError("ERR value is out of range, must be positive")

    public static func wrongArity(_ command: String) -> CommandError {
        CommandError("ERR wrong number of arguments for '\(command)' command")
    }

    public static func invalidExpire(_ command: String) -> CommandError {
        CommandError("ERR invalid expire time in '\(command)' command")
    }

    public static func unknownSubcommand(_ sub: String, command: String) -> CommandError {
        CommandError("ERR unknown subcommand '\(sub.prefix(128))'. Try \(command.uppercased()) HELP.")
    }
}
