// Pieces of RDB serialization for payloads other than a key's value: FUNCTION DUMP/RESTORE carries library code
// as RDB strings behind the same version-and-CRC64 footer DUMP uses.
// SPDX-License-Identifier: BSD-3-Clause

/// Appends the RDB version (2 bytes LE) and the CRC64 of everything (8 bytes LE), as DUMP payloads end.
public func sealDumpPayload(_ body: [UInt8]) -> [UInt8] {
    var bytes = body
    withUnsafeBytes(of: rdbVersion.littleEndian) { bytes.append(contentsOf: $0) }
    let crc = crc64(0, bytes)
    withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
    return bytes
}

/// The body of a payload whose version is known and whose checksum matches, or nil.
public func openDumpPayload(_ payload: [UInt8]) -> [UInt8]? {
    let ok = payload.withUnsafeBytes { verifyDumpPayload($0) }
    return ok ? Array(payload[0..<(payload.count - 10)]) : nil
}

/// Appends a string in RDB's raw form (length + bytes).
public func appendRDBString(_ out: inout [UInt8], _ s: [UInt8]) {
    var w = RDBWriter()
    s.withUnsafeBytes { w.string($0) }
    out.append(contentsOf: w.bytes)
}

/// Reads an RDB string (raw, integer or LZF-compressed) at `position`, advancing it; nil when malformed.
public func readRDBString(_ data: [UInt8], _ position: inout Int) -> [UInt8]? {
    var r = RDBReader(data)
    r.position = position
    guard let s = try? r.string() else { return nil }
    position = r.position
    return s
}
