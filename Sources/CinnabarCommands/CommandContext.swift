// What a handler gets: the server, the calling client, its database and the arguments, plus Redis's addReply*
// vocabulary under Swift names. Replies go to the client's output buffer in RESP2 or RESP3 as the client
// negotiated; handlers never branch on the protocol for the shapes the encoder knows (null, map, set, double).
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage
import NIOCore

public struct CommandContext {
    // Strong references, retained once when the context is built: handlers receive the context borrowed, so
    // reading these costs nothing more (unowned references would be retained again at every use). A connection
    // builds one context for all the commands of a pipelined batch and only changes `args`, `spec` and, after a
    // SELECT, `db` between them (`Server.execute(_:client:context:)`), so a command costs no retain/release
    // pairs here.
    public let server: Server
    public let client: Client
    public internal(set) var args: Arguments
    /// Unretained (a context lives for one handler call or one batch; the command table keeps every spec): reading
    /// it costs a retain, which the few handlers that use it pay, instead of every command paying for it when the
    /// context is built. Never store a context.
    public internal(set) unowned(unsafe) var spec: CommandSpec
    /// The client's selected database when the command started.
    public internal(set) var db: Database
    /// `client.databaseEpoch` when `db` was read: a batch re-reads the database only after a SELECT changed it.
    var dbEpoch: Int

    @inline(__always)
    init(server: Server, client: Client, args: Arguments, spec: CommandSpec) {
        self.server = server
        self.client = client
        self.args = args
        self.spec = spec
        self.db = client.database
        self.dbEpoch = client.databaseEpoch
    }

    /// Points the context at the next command of its client.
    @inline(__always)
    mutating func prepare(_ spec: CommandSpec, _ args: Arguments) {
        self.args = args
        self.spec = spec
        if dbEpoch != client.databaseEpoch {
            db = client.database
            dbEpoch = client.databaseEpoch
        }
    }

    @inlinable public var keyspace: Keyspace { server.keyspace }
    @inlinable public var now: Int64 { server.keyspace.now }
    @inlinable public var resp3: Bool { client.resp3 }

    /// Lookup options for reads on behalf of this client (CLIENT NO-TOUCH).
    @inlinable public var readOptions: LookupOptions { client.noTouch ? [.noTouch] : [] }

    // MARK: - Replies

    @inlinable public func ok() { client.out.writeRESPSimpleString("OK") }
    @inlinable public func simple(_ s: StaticString) { client.out.writeRESPSimpleString(s) }
    /// A status reply built at run time (`simple` with a literal takes the allocation-free StaticString path).
    public func status(_ s: String) { client.out.writeRESPSimpleString(s) }
    @inlinable public func integer(_ v: Int) { client.out.writeRESPInteger(v) }
    @inlinable public func bulk(_ b: UnsafeRawBufferPointer) { client.out.writeRESPBulk(b) }
    public func bulk(_ s: String) { client.out.writeRESPBulk(s) }
    public func bulk(_ a: [UInt8]) { client.out.writeRESPBulk(a) }
    public func bulk(_ b: Bytes) { b.withUnsafeBytes { client.out.writeRESPBulk($0) } }
    @inlinable public func null() { client.out.writeRESPNull(resp3: client.resp3) }
    public func nullArray() { client.out.writeRESPNullArray(resp3: client.resp3) }
    @inlinable public func array(_ n: Int) { client.out.writeRESPArrayHeader(n) }
    public func map(_ n: Int) { client.out.writeRESPMapHeader(n, resp3: client.resp3) }
    public func set(_ n: Int) { client.out.writeRESPSetHeader(n, resp3: client.resp3) }
    public func bool(_ v: Bool) { client.out.writeRESPBool(v, resp3: client.resp3) }
    public func double(_ v: Double) { client.out.writeRESPDouble(formatted: formatDouble(v), resp3: client.resp3) }
    public func verbatim(_ s: String) { client.out.writeRESPVerbatim(s, resp3: client.resp3) }
    public func error(_ e: CommandError) { server.replyError(e, client: client) }

    /// Replies a string value (an int-encoded value is formatted straight into the buffer).
    @inlinable
    public func bulk(value: Value) {
        if let n = value.integer {
            client.out.writeRESPBulkDecimal(Int(n))
        } else {
            value.withStringBytes { client.out.writeRESPBulk($0) }
        }
    }

    // MARK: - Argument parsing (throwing parsers; the dispatcher writes the error)

    /// An integer argument (Redis's getLongLongFromObjectOrReply).
    @inlinable
    public func int(_ i: Int) throws(CommandError) -> Int {
        guard let v = parseInt64(args[i]) else { throw .notInteger }
        return Int(v)
    }

    public func int(_ i: Int, error: CommandError) throws(CommandError) -> Int {
        guard let v = parseInt64(args[i]) else { throw error }
        return Int(v)
    }

    public func doubleArgument(_ i: Int) throws(CommandError) -> Double {
        guard let v = parseDouble(args[i]) else { throw .notFloat }
        return v
    }

    /// A live string value, nil when missing, WRONGTYPE for other types.
    @inlinable
    public func stringValue(_ key: UnsafeRawBufferPointer) throws(CommandError) -> Value? {
        guard let v = db.get(key, options: readOptions) else { return nil }
        guard v.isString else { throw .wrongType }
        return v
    }
}
