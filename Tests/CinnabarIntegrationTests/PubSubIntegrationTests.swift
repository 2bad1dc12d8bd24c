// Pub/Sub over real connections, on both transports: subscription replies, message delivery in order to channel
// and pattern subscribers (both when both match), the RESP2 subscribed-context rules and PING, RESP3 pushes
// interleaved with replies, PUBSUB introspection, sharded channels, unsubscribing, and a subscriber that never
// reads being disconnected by the pubsub output-buffer limit while everyone else keeps working.
import CinnabarCommands
import CinnabarServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

private func push(_ items: String...) -> String { ">\(items.count)\r\n" + items.joined() }
private func arr(_ items: String...) -> String { "*\(items.count)\r\n" + items.joined() }
private func b(_ s: String) -> String { "$\(s.utf8.count)\r\n\(s)\r\n" }
private func n(_ v: Int) -> String { ":\(v)\r\n" }

@Suite("Pub/Sub over TCP", .serialized)
struct PubSubIntegrationTests {
    @Test("SUBSCRIBE/PSUBSCRIBE replies and messages in RESP2, with the subscribed-context rules", arguments: transports)
    func resp2(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let sub = try s.client()
        let pub = try s.client()
        sub.send(TestClient.encode(["SUBSCRIBE", "news", "sport"]))
        #expect(try sub.readReplies(2) == arr(b("subscribe"), b("news"), n(1)) + arr(b("subscribe"), b("sport"), n(2)))
        #expect(try sub.call("PSUBSCRIBE", "n*") == arr(b("psubscribe"), b("n*"), n(3)))
        #expect(try pub.call("PUBLISH", "news", "hello") == n(2))
        #expect(try sub.readReplies(2) == arr(b("message"), b("news"), b("hello"))
            + arr(b("pmessage"), b("n*"), b("news"), b("hello")))
        #expect(try pub.call("PUBLISH", "nothing-here", "x") == n(1))
        #expect(try sub.readReplies(1) == arr(b("pmessage"), b("n*"), b("nothing-here"), b("x")))
        #expect(try pub.call("PUBLISH", "other", "x") == n(0))
        #expect(try sub.call("GET", "k") ==
            "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
        #expect(try sub.call("PING") == arr(b("pong"), b("")))
        #expect(try sub.call("PING", "hi") == arr(b("pong"), b("hi")))
        #expect(try pub.call("PUBSUB", "NUMSUB", "news", "none") == arr(b("news"), n(1), b("none"), n(0)))
        #expect(try pub.call("PUBSUB", "NUMPAT") == n(1))
        #expect(try pub.call("PUBSUB", "CHANNELS", "s*") == arr(b("sport")))
        sub.send(TestClient.encode(["UNSUBSCRIBE"]))
        let replies = try sub.readReplies(2)
        #expect(replies.contains(arr(b("unsubscribe"), b("news"), n(2))) || replies.contains(arr(b("unsubscribe"), b("sport"), n(2))))
        #expect(try sub.call("PUNSUBSCRIBE") == arr(b("punsubscribe"), b("n*"), n(0)))
        #expect(try sub.call("PUNSUBSCRIBE") == arr(b("punsubscribe"), "$-1\r\n", n(0)))
        #expect(try sub.call("GET", "k") == "$-1\r\n")
        #expect(try pub.call("PUBSUB", "NUMPAT") == n(0))
    }

    @Test("RESP3: subscriptions and messages are pushes, and ordinary commands keep working", arguments: transports)
    func resp3(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let sub = try s.client()
        let pub = try s.client()
        #expect(try sub.call("HELLO", "3").hasPrefix("%"))
        #expect(try sub.call("SUBSCRIBE", "ch") == push(b("subscribe"), b("ch"), n(1)))
        #expect(try sub.call("SET", "k", "v") == "+OK\r\n")
        #expect(try pub.call("PUBLISH", "ch", "m1") == n(1))
        #expect(try sub.readReplies(1) == push(b("message"), b("ch"), b("m1")))
        // A client publishing to a channel it listens to gets the count, then the message (as Redis orders them).
        #expect(try sub.call("PUBLISH", "ch", "self") == n(1))
        #expect(try sub.readReplies(1) == push(b("message"), b("ch"), b("self")))
        #expect(try sub.call("PING") == "+PONG\r\n")
        #expect(try sub.call("UNSUBSCRIBE", "ch", "never") ==
            push(b("unsubscribe"), b("ch"), n(0)))
        #expect(try sub.readReplies(1) == push(b("unsubscribe"), b("never"), n(0)))
    }

    @Test("Sharded channels: SSUBSCRIBE, SPUBLISH (no pattern delivery), SHARDNUMSUB", arguments: transports)
    func sharded(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let sub = try s.client()
        let pub = try s.client()
        #expect(try sub.call("SSUBSCRIBE", "orders") == arr(b("ssubscribe"), b("orders"), n(1)))
        #expect(try sub.call("PSUBSCRIBE", "*") == arr(b("psubscribe"), b("*"), n(1)))
        #expect(try pub.call("SPUBLISH", "orders", "o1") == n(1))
        #expect(try sub.readReplies(1) == arr(b("smessage"), b("orders"), b("o1")))
        #expect(try pub.call("PUBSUB", "SHARDNUMSUB", "orders") == arr(b("orders"), n(1)))
        #expect(try pub.call("PUBSUB", "SHARDCHANNELS") == arr(b("orders")))
        #expect(try pub.call("PUBLISH", "orders", "plain") == n(1))
        #expect(try sub.readReplies(1) == arr(b("pmessage"), b("*"), b("orders"), b("plain")))
        #expect(try sub.call("SUNSUBSCRIBE") == arr(b("sunsubscribe"), b("orders"), n(0)))
    }

    @Test("A subscriber that never reads is disconnected at the pubsub hard limit; others keep working")
    func slowSubscriber() throws {
        let s = try RunningServer()
        let slow = try s.client()
        let fast = try s.client()
        let pub = try s.client()
        #expect(try pub.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 0 0") == "+OK\r\n")
        var size: Int32 = 4096
        setsockopt(slow.fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        #expect(try slow.call("SUBSCRIBE", "firehose") == arr(b("subscribe"), b("firehose"), n(1)))
        #expect(try fast.call("SUBSCRIBE", "firehose") == arr(b("subscribe"), b("firehose"), n(1)))
        let message = String(repeating: "x", count: 1000)
        var receivers: [String] = []
        for _ in 0..<8000 {
            receivers.append(try pub.call("PUBLISH", "firehose", message))
            _ = try fast.readReplies(1)
        }
        #expect(receivers.first == n(2))
        #expect(receivers.last == n(1))
        #expect(try pub.call("INFO", "stats").contains("client_output_buffer_limit_disconnections:1\r\n"))
        #expect(try pub.call("PUBSUB", "NUMSUB", "firehose") == arr(b("firehose"), n(1)))
        #expect(try pub.call("SET", "still", "working") == "+OK\r\n")
    }

    @Test("Keyspace notifications: keyspace and keyevent channels, classes, expired and new keys", arguments: transports)
    func notifications(transport: String) throws {
        let s = try RunningServer(transport: transport)
        let sub = try s.client()
        let c = try s.client()
        #expect(try c.call("CONFIG", "SET", "notify-keyspace-events", "KA") == "+OK\r\n")
        #expect(try c.call("CONFIG", "GET", "notify-keyspace-events") == arr(b("notify-keyspace-events"), b("AK")))
        #expect(try c.call("CONFIG", "SET", "notify-keyspace-events", "KEgl$xn") == "+OK\r\n")
        #expect(try c.call("CONFIG", "GET", "notify-keyspace-events") == arr(b("notify-keyspace-events"), b("g$lxnKE")))
        #expect(try sub.call("PSUBSCRIBE", "__key*__:*") == arr(b("psubscribe"), b("__key*__:*"), n(1)))
        func event(_ channel: String, _ message: String) -> String {
            arr(b("pmessage"), b("__key*__:*"), b(channel), b(message))
        }
        #expect(try c.call("SET", "k", "v") == "+OK\r\n")
        #expect(try sub.readReplies(4) == event("__keyspace@0__:k", "new") + event("__keyevent@0__:new", "k")
            + event("__keyspace@0__:k", "set") + event("__keyevent@0__:set", "k"))
        #expect(try c.call("RPUSH", "k", "x") == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        #expect(try c.call("DEL", "k") == n(1))
        #expect(try sub.readReplies(2) == event("__keyspace@0__:k", "del") + event("__keyevent@0__:del", "k"))
        #expect(try c.call("CONFIG", "SET", "notify-keyspace-events", "Elx") == "+OK\r\n")
        #expect(try c.call("RPUSH", "l", "a") == n(1))
        #expect(try c.call("HSET", "h", "f", "v") == n(1))  // hash class off: nothing
        #expect(try c.call("RPOP", "l") == b("a"))
        #expect(try sub.readReplies(2) == event("__keyevent@0__:rpush", "l") + event("__keyevent@0__:rpop", "l"))
        #expect(try c.call("PSETEX", "t", "20", "v") == "+OK\r\n")
        usleep(60_000)
        #expect(try c.call("GET", "t") == "$-1\r\n")
        #expect(try sub.readReplies(1) == event("__keyevent@0__:expired", "t"))
    }
}
