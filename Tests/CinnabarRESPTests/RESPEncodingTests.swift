// Tests for ByteBuffer+RESPEncoding: the exact bytes of every RESP2 and RESP3 reply form.
import CinnabarRESP
import NIOCore
import Testing

/// The bytes `write` puts into a fresh buffer, as a string (every form here is ASCII or UTF-8).
private func encoded(_ write: (inout ByteBuffer) -> Void) -> String {
    var buffer = ByteBufferAllocator().buffer(capacity: 16)
    write(&buffer)
    return String(decoding: buffer.readableBytesView, as: UTF8.self)
}

private func encodedBytes(_ write: (inout ByteBuffer) -> Void) -> [UInt8] {
    var buffer = ByteBufferAllocator().buffer(capacity: 16)
    write(&buffer)
    return Array(buffer.readableBytesView)
}

@Suite("RESP encoding")
struct RESPEncodingTests {
    @Test("Simple strings are +text CRLF, from StaticString and String")
    func simpleString() {
        #expect(encoded { $0.writeRESPSimpleString("OK") } == "+OK\r\n")
        #expect(encoded { $0.writeRESPSimpleString(String("PONG")) } == "+PONG\r\n")
        #expect(encoded { $0.writeRESPSimpleString("") } == "+\r\n")
    }

    @Test("Errors are -message CRLF with CR and LF in the message replaced by spaces")
    func error() {
        #expect(encoded { $0.writeRESPError("ERR unknown command") } == "-ERR unknown command\r\n")
        #expect(encoded { $0.writeRESPError("ERR bad\r\nthing\nhere\r") } == "-ERR bad  thing here \r\n")
        #expect(encodedBytes { $0.writeRESPError("ERR é") } == Array("-ERR é\r\n".utf8))
    }

    @Test("Integers are :n CRLF, including negatives, Int.max and Int.min")
    func integers() {
        #expect(encoded { $0.writeRESPInteger(0) } == ":0\r\n")
        #expect(encoded { $0.writeRESPInteger(9) } == ":9\r\n")
        #expect(encoded { $0.writeRESPInteger(10) } == ":10\r\n")
        #expect(encoded { $0.writeRESPInteger(-1) } == ":-1\r\n")
        #expect(encoded { $0.writeRESPInteger(-12345) } == ":-12345\r\n")
        #expect(encoded { $0.writeRESPInteger(Int.max) } == ":9223372036854775807\r\n")
        #expect(encoded { $0.writeRESPInteger(Int.min) } == ":-9223372036854775808\r\n")
    }

    @Test("writeDecimal matches Swift's own decimal formatting")
    func decimalMatchesDescription() {
        var values = [0, 1, -1, 9, 10, 99, 100, -9, -10, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var x = 1
        for _ in 0..<18 {
            x *= 10
            values += [x - 1, x, x + 1, -x]
        }
        for v in values {
            #expect(encoded { $0.writeDecimal(v) } == String(v))
        }
    }

    @Test("Bulk strings are $len CRLF bytes CRLF, binary safe, from every input type")
    func bulk() {
        #expect(encoded { $0.writeRESPBulk("hello") } == "$5\r\nhello\r\n")
        #expect(encoded { $0.writeRESPBulk("") } == "$0\r\n\r\n")
        #expect(encoded { $0.writeRESPBulk("héllo") } == "$6\r\nhéllo\r\n")
        let binary: [UInt8] = [0, 13, 10, 255]
        #expect(encodedBytes { $0.writeRESPBulk(binary) } == Array("$4\r\n".utf8) + binary + [13, 10])
        #expect(
            encodedBytes { buf in binary.withUnsafeBytes { buf.writeRESPBulk($0) } }
                == Array("$4\r\n".utf8) + binary + [13, 10])
        let long = [UInt8](repeating: 120, count: 1234)
        #expect(encodedBytes { $0.writeRESPBulk(long) } == Array("$1234\r\n".utf8) + long + [13, 10])
    }

    @Test("Bulk decimals are the integer's digits as a bulk string")
    func bulkDecimal() {
        #expect(encoded { $0.writeRESPBulkDecimal(0) } == "$1\r\n0\r\n")
        #expect(encoded { $0.writeRESPBulkDecimal(42) } == "$2\r\n42\r\n")
        #expect(encoded { $0.writeRESPBulkDecimal(-7) } == "$2\r\n-7\r\n")
        #expect(encoded { $0.writeRESPBulkDecimal(Int.min) } == "$20\r\n-9223372036854775808\r\n")
        #expect(encoded { $0.writeRESPBulkDecimal(Int.max) } == "$19\r\n9223372036854775807\r\n")
    }

    @Test("Null bulk is $-1 in RESP2 and _ in RESP3")
    func nullBulk() {
        #expect(encoded { $0.writeRESPNull(resp3: false) } == "$-1\r\n")
        #expect(encoded { $0.writeRESPNull(resp3: true) } == "_\r\n")
    }

    @Test("Null array is *-1 in RESP2 and _ in RESP3")
    func nullArray() {
        #expect(encoded { $0.writeRESPNullArray(resp3: false) } == "*-1\r\n")
        #expect(encoded { $0.writeRESPNullArray(resp3: true) } == "_\r\n")
    }

    @Test("Array headers are *n CRLF")
    func arrayHeader() {
        #expect(encoded { $0.writeRESPArrayHeader(0) } == "*0\r\n")
        #expect(encoded { $0.writeRESPArrayHeader(3) } == "*3\r\n")
        #expect(encoded { $0.writeRESPArrayHeader(1000) } == "*1000\r\n")
    }

    @Test("Map header is %n in RESP3 and an array of 2n in RESP2")
    func mapHeader() {
        #expect(encoded { $0.writeRESPMapHeader(2, resp3: true) } == "%2\r\n")
        #expect(encoded { $0.writeRESPMapHeader(2, resp3: false) } == "*4\r\n")
        #expect(encoded { $0.writeRESPMapHeader(0, resp3: false) } == "*0\r\n")
        #expect(encoded { $0.writeRESPMapHeader(5, resp3: false) } == "*10\r\n")
    }

    @Test("Set header is ~n in RESP3 and *n in RESP2")
    func setHeader() {
        #expect(encoded { $0.writeRESPSetHeader(3, resp3: true) } == "~3\r\n")
        #expect(encoded { $0.writeRESPSetHeader(3, resp3: false) } == "*3\r\n")
    }

    @Test("Push header is >n in RESP3 and *n in RESP2")
    func pushHeader() {
        #expect(encoded { $0.writeRESPPushHeader(3, resp3: true) } == ">3\r\n")
        #expect(encoded { $0.writeRESPPushHeader(3, resp3: false) } == "*3\r\n")
    }

    @Test("Booleans are #t/#f in RESP3 and :1/:0 in RESP2")
    func booleans() {
        #expect(encoded { $0.writeRESPBool(true, resp3: true) } == "#t\r\n")
        #expect(encoded { $0.writeRESPBool(false, resp3: true) } == "#f\r\n")
        #expect(encoded { $0.writeRESPBool(true, resp3: false) } == ":1\r\n")
        #expect(encoded { $0.writeRESPBool(false, resp3: false) } == ":0\r\n")
    }

    @Test("Doubles are ,text in RESP3 and a bulk string in RESP2")
    func doubles() {
        #expect(encoded { $0.writeRESPDouble(formatted: Array("3.14".utf8), resp3: true) } == ",3.14\r\n")
        #expect(encoded { $0.writeRESPDouble(formatted: Array("3.14".utf8), resp3: false) } == "$4\r\n3.14\r\n")
        #expect(encoded { $0.writeRESPDouble(formatted: Array("-inf".utf8), resp3: true) } == ",-inf\r\n")
        #expect(encoded { $0.writeRESPDouble(formatted: Array("inf".utf8), resp3: false) } == "$3\r\ninf\r\n")
    }

    @Test("Verbatim strings are =len CRLF fmt:text in RESP3 and a bulk string in RESP2")
    func verbatim() {
        #expect(encoded { $0.writeRESPVerbatim("hello", resp3: true) } == "=9\r\ntxt:hello\r\n")
        #expect(encoded { $0.writeRESPVerbatim("# Server\r\nx:1", format: "mkd", resp3: true) } == "=17\r\nmkd:# Server\r\nx:1\r\n")
        #expect(encoded { $0.writeRESPVerbatim("", resp3: true) } == "=4\r\ntxt:\r\n")
        #expect(encoded { $0.writeRESPVerbatim("hello", resp3: false) } == "$5\r\nhello\r\n")
        #expect(encoded { $0.writeRESPVerbatim("é", resp3: true) } == "=6\r\ntxt:é\r\n")
    }

    @Test("Successive writes append to the buffer")
    func composition() {
        let reply = encoded { buf in
            buf.writeRESPMapHeader(1, resp3: true)
            buf.writeRESPBulk("k")
            buf.writeRESPArrayHeader(2)
            buf.writeRESPInteger(-3)
            buf.writeRESPNull(resp3: false)
            buf.writeCRLF()
        }
        #expect(reply == "%1\r\n$1\r\nk\r\n*2\r\n:-3\r\n$-1\r\n\r\n")
    }
}
