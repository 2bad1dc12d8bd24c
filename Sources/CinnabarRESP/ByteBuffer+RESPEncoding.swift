// The reply side of RESP: writes RESP2 and RESP3 values into a NIO ByteBuffer. Each wire form has exactly one
// function; the RESP2/RESP3 differences (null, maps, sets, doubles, booleans, pushes) are decided here by the
// `resp3` flag so that command code never branches on the protocol version.
// SPDX-License-Identifier: BSD-3-Clause
import NIOCore

/// Number of decimal digits of a non-negative integer (comparisons, not divisions, for the usual sizes).
@inlinable @inline(__always)
func decimalDigits(_ v: UInt) -> Int {
    if v < 10 { return 1 }
    if v < 100 { return 2 }
    if v < 1000 { return 3 }
    if v < 10_000 { return 4 }
    if v < 100_000 { return 5 }
    if v < 1_000_000 { return 6 }
    if v < 10_000_000 { return 7 }
    if v < 100_000_000 { return 8 }
    var n = 9
    var x = v / 1_000_000_000
    while x != 0 {
        n += 1
        x /= 10
    }
    return n
}

/// "00" "01" ... "99": two digits per division when formatting (Redis's ll2string does the same).
@usableFromInline let digitPairs: StaticString =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

/// Writes `v` as decimal digits ending just before `end`.
@inlinable @inline(__always)
func storeDigits(_ v: UInt, _ p: UnsafeMutableRawPointer, end: Int) {
    let table = UnsafeRawPointer(digitPairs.utf8Start)
    var x = v
    var i = end
    while x >= 100 {
        let r = Int(x % 100)
        x /= 100
        i -= 2
        p.storeBytes(of: table.load(fromByteOffset: 2 * r, as: UInt16.self), toByteOffset: i, as: UInt16.self)
    }
    if x >= 10 {
        i -= 2
        p.storeBytes(of: table.load(fromByteOffset: 2 * Int(x), as: UInt16.self), toByteOffset: i, as: UInt16.self)
    } else {
        p.storeBytes(of: UInt8(truncatingIfNeeded: 48 + x), toByteOffset: i - 1, as: UInt8.self)
    }
}

extension ByteBuffer {
    /// Appends exactly `total` bytes that `body` stores at the pointer it gets. NIO's
    /// `writeWithUnsafeMutableBytes(minimumWritableBytes:)` costs about 60 instructions more per call (a slice of
    /// the writable bytes, generic paths); every reply goes through here.
    @inlinable @inline(__always)
    mutating func appendBytes(_ total: Int, _ body: (UnsafeMutableRawPointer) -> Void) {
        reserveCapacity(minimumWritableBytes: total)
        let at = writerIndex
        withVeryUnsafeMutableBytes { body($0.baseAddress! + at) }
        moveWriterIndex(forwardBy: total)
    }
    /// `<marker><integer>\r\n` in one write: integer replies and aggregate headers.
    @inlinable
    mutating func writeRESPHeader(_ marker: UInt8, _ value: Int) {
        let magnitude = value.magnitude
        let sign = value < 0 ? 1 : 0
        let total = 1 + sign + decimalDigits(magnitude) + 2
        appendBytes(total) { p in
            p.storeBytes(of: marker, as: UInt8.self)
            if sign == 1 { p.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 1, as: UInt8.self) }
            storeDigits(magnitude, p, end: total - 2)
            p.storeBytes(of: 13, toByteOffset: total - 2, as: UInt8.self)
            p.storeBytes(of: 10, toByteOffset: total - 1, as: UInt8.self)
        }
    }

    @inlinable
    public mutating func writeCRLF() {
        writeInteger(UInt16(0x0D0A), endianness: .big)
    }

    /// Writes a decimal integer without allocating.
    @inlinable
    public mutating func writeDecimal(_ value: Int) {
        if value >= 0 && value < 10 {
            writeInteger(UInt8(48 + value))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { tmp in
            var v = value.magnitude
            var i = 20
            repeat {
                i -= 1
                tmp[i] = UInt8(48 + v % 10)
                v /= 10
            } while v != 0
            if value < 0 { writeInteger(UInt8(ascii: "-")) }
            writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(tmp)[i..<20]))
        }
    }

    /// `+OK\r\n`-style simple string; the text must not contain CR or LF.
    @inlinable
    public mutating func writeRESPSimpleString(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        appendBytes(n + 3) { p in
            p.storeBytes(of: UInt8(ascii: "+"), as: UInt8.self)
            (p + 1).copyMemory(from: s.utf8Start, byteCount: n)
            p.storeBytes(of: 13, toByteOffset: n + 1, as: UInt8.self)
            p.storeBytes(of: 10, toByteOffset: n + 2, as: UInt8.self)
        }
    }

    public mutating func writeRESPSimpleString(_ s: String) {
        writeInteger(UInt8(ascii: "+"))
        writeString(s)
        writeCRLF()
    }

    /// `-ERR ...` error line. CR and LF in the message are replaced by spaces, as Redis does.
    public mutating func writeRESPError(_ message: String) {
        writeInteger(UInt8(ascii: "-"))
        var bytes = Array(message.utf8)
        for i in bytes.indices where bytes[i] == 13 || bytes[i] == 10 { bytes[i] = 32 }
        writeBytes(bytes)
        writeCRLF()
    }

    @inlinable
    public mutating func writeRESPInteger(_ value: Int) {
        writeRESPHeader(UInt8(ascii: ":"), value)
    }

    /// `$<len>\r\n<bytes>\r\n` with one capacity check and one copy.
    @inlinable
    public mutating func writeRESPBulk(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        let digits = decimalDigits(UInt(n))
        let total = 1 + digits + 2 + n + 2
        appendBytes(total) { p in
            p.storeBytes(of: UInt8(ascii: "$"), as: UInt8.self)
            storeDigits(UInt(n), p, end: 1 + digits)
            p.storeBytes(of: 13, toByteOffset: 1 + digits, as: UInt8.self)
            p.storeBytes(of: 10, toByteOffset: 2 + digits, as: UInt8.self)
            if n > 0 { (p + 3 + digits).copyMemory(from: bytes.baseAddress!, byteCount: n) }
            p.storeBytes(of: 13, toByteOffset: total - 2, as: UInt8.self)
            p.storeBytes(of: 10, toByteOffset: total - 1, as: UInt8.self)
        }
    }

    @inlinable
    public mutating func writeRESPBulk<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        writeInteger(UInt8(ascii: "$"))
        writeDecimal(bytes.count)
        writeCRLF()
        writeBytes(bytes)
        writeCRLF()
    }

    public mutating func writeRESPBulk(_ string: String) {
        writeRESPBulk(string.utf8)
    }

    /// A bulk string holding the decimal form of an integer (GET of an int-encoded value).
    @inlinable
    public mutating func writeRESPBulkDecimal(_ value: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { tmp in
            var v = value.magnitude
            var i = 20
            repeat {
                i -= 1
                tmp[i] = UInt8(48 + v % 10)
                v /= 10
            } while v != 0
            if value < 0 {
                i -= 1
                tmp[i] = UInt8(ascii: "-")
            }
            writeRESPBulk(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(tmp)[i..<20]))
        }
    }

    /// Null bulk string: `$-1` in RESP2, `_` in RESP3.
    @inlinable
    public mutating func writeRESPNull(resp3: Bool) {
        if resp3 {
            writeStaticString("_\r\n")
        } else {
            writeStaticString("$-1\r\n")
        }
    }

    /// Null array: `*-1` in RESP2, `_` in RESP3.
    public mutating func writeRESPNullArray(resp3: Bool) {
        if resp3 {
            writeRESPNull(resp3: true)
        } else {
            writeString("*-1\r\n")
        }
    }

    @inlinable
    public mutating func writeRESPArrayHeader(_ count: Int) {
        writeRESPHeader(UInt8(ascii: "*"), count)
    }

    /// Map header: `%n` in RESP3, an array of 2n elements in RESP2.
    public mutating func writeRESPMapHeader(_ count: Int, resp3: Bool) {
        writeInteger(resp3 ? UInt8(ascii: "%") : UInt8(ascii: "*"))
        writeDecimal(resp3 ? count : count * 2)
        writeCRLF()
    }

    /// Set header: `~n` in RESP3, an array in RESP2.
    public mutating func writeRESPSetHeader(_ count: Int, resp3: Bool) {
        writeInteger(resp3 ? UInt8(ascii: "~") : UInt8(ascii: "*"))
        writeDecimal(count)
        writeCRLF()
    }

    /// Push header: `>n` in RESP3, an array in RESP2.
    public mutating func writeRESPPushHeader(_ count: Int, resp3: Bool) {
        writeInteger(resp3 ? UInt8(ascii: ">") : UInt8(ascii: "*"))
        writeDecimal(count)
        writeCRLF()
    }

    /// Boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2.
    public mutating func writeRESPBool(_ value: Bool, resp3: Bool) {
        if resp3 {
            writeString(value ? "#t\r\n" : "#f\r\n")
        } else {
            writeString(value ? ":1\r\n" : ":0\r\n")
        }
    }

    /// Double, given already formatted as Redis formats it: `,text` in RESP3, a bulk string in RESP2.
    public mutating func writeRESPDouble(formatted: [UInt8], resp3: Bool) {
        if resp3 {
            writeInteger(UInt8(ascii: ","))
            writeBytes(formatted)
            writeCRLF()
        } else {
            writeRESPBulk(formatted)
        }
    }

    /// Verbatim string: `=len\r\ntxt:...` in RESP3, a bulk string in RESP2.
    public mutating func writeRESPVerbatim(_ text: String, format: StaticString = "txt", resp3: Bool) {
        if resp3 {
            let utf8 = text.utf8
            writeInteger(UInt8(ascii: "="))
            writeDecimal(utf8.count + 4)
            writeCRLF()
            format.withUTF8Buffer { writeBytes(UnsafeRawBufferPointer($0)) }
            writeInteger(UInt8(ascii: ":"))
            writeBytes(utf8)
            writeCRLF()
        } else {
            writeRESPBulk(text)
        }
    }
}
