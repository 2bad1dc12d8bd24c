// Keyspace notifications (Redis's notify.c): with notify-keyspace-events, commands publish what they did to a key on
// `__keyspace@<db>__:<key>` (message: the event) and `__keyevent@<db>__:<event>` (message: the key). Every
// write command calls `CommandContext.notify` with Redis's class and event name; expirations ("expired") and new
// keys ("new") come from the keyspace's hooks, so lazy and active expiry both notify. With the option off (the
// default) a call costs one flag test.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

/// The classes of notify-keyspace-events.
public struct NotifyFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let keyspace = NotifyFlags(rawValue: 1 << 0)  // K
    public static let keyevent = NotifyFlags(rawValue: 1 << 1)  // E
    public static let generic = NotifyFlags(rawValue: 1 << 2)  // g
    public static let string = NotifyFlags(rawValue: 1 << 3)  // $
    public static let list = NotifyFlags(rawValue: 1 << 4)  // l
    public static let set = NotifyFlags(rawValue: 1 << 5)  // s
    public static let hash = NotifyFlags(rawValue: 1 << 6)  // h
    public static let zset = NotifyFlags(rawValue: 1 << 7)  // z
    public static let expired = NotifyFlags(rawValue: 1 << 8)  // x
    public static let evicted = NotifyFlags(rawValue: 1 << 9)  // e
    public static let stream = NotifyFlags(rawValue: 1 << 10)  // t
    public static let keyMiss = NotifyFlags(rawValue: 1 << 11)  // m
    public static let module = NotifyFlags(rawValue: 1 << 12)  // d
    public static let newKey = NotifyFlags(rawValue: 1 << 13)  // n
    /// A: every class but key-miss and new.
    public static let all: NotifyFlags = [.generic, .string, .list, .set, .hash, .zset, .expired, .evicted, .stream, .module]

    /// keyspaceEventsStringToFlags; nil for an unknown character.
    public init?(parsing text: String) {
        var f: NotifyFlags = []
        for ch in text {
            switch ch {
            case "A": f.formUnion(.all)
            case "g": f.insert(.generic)
            case "$": f.insert(.string)
            case "l": f.insert(.list)
            case "s": f.insert(.set)
            case "h": f.insert(.hash)
            case "z": f.insert(.zset)
            case "x": f.insert(.expired)
            case "e": f.insert(.evicted)
            case "K": f.insert(.keyspace)
            case "E": f.insert(.keyevent)
            case "t": f.insert(.stream)
            case "m": f.insert(.keyMiss)
            case "d": f.insert(.module)
            case "n": f.insert(.newKey)
            default: return nil
            }
        }
        self = f
    }

    /// keyspaceEventsFlagsToString: the canonical form CONFIG GET shows.
    public var text: String {
        var s = ""
        if isSuperset(of: .all) {
            s = "A"
        } else {
            let order: [(NotifyFlags, String)] = [(.generic, "g"), (.string, "$"), (.list, "l"), (.set, "s"),
                (.hash, "h"), (.zset, "z"), (.expired, "x"), (.evicted, "e"), (.stream, "t"), (.module, "d"),
                (.newKey, "n")]
            for (f, c) in order where contains(f) { s += c }
        }
        if contains(.keyspace) { s += "K" }
        if contains(.keyevent) { s += "E" }
        if contains(.keyMiss) { s += "m" }
        return s
    }
}

extension Server {
    /// notifyKeyspaceEvent: publishes `event` about `key` in database `db` if its class is enabled.
    public func notify(_ type: NotifyFlags, _ event: String, _ key: UnsafeRawBufferPointer, db: Int) {
        let flags = config.notifyFlags
        guard flags.contains(type) else { return }
        if flags.contains(.keyspace) {
            var channel = Array("__keyspace@\(db)__:".utf8)
            channel.append(contentsOf: key)
            let message = Array(event.utf8)
            channel.withUnsafeBytes { ch in message.withUnsafeBytes { _ = publish(ch, $0, shard: false, publisher: nil) } }
        }
        if flags.contains(.keyevent) {
            let channel = Array("__keyevent@\(db)__:\(event)".utf8)
            channel.withUnsafeBytes { _ = publish($0, key, shard: false, publisher: nil) }
        }
    }

    /// Installs the keyspace hooks that WATCH, client tracking and notifications need (expired and new keys), and removes the ones
    /// nobody needs, so that plain writes stay free of callbacks.
    func updateKeyspaceHooks() {
        let watching = !watchers.isEmpty
        let flags = config.notifyFlags
        let notifyExpired = flags.contains(.expired) && flags.hasChannel
        let notifyNew = flags.contains(.newKey) && flags.hasChannel
        let tracking = trackingNeedsHooks
        trackingHooked = tracking
        if tracking {
            keyspace.state.onKeyModified = { [unowned self] db, key in
                if !self.watchers.isEmpty { self.touchWatchedKey(db, key) }
                if self.trackingHooked { self.trackingInvalidateKey(key, modifier: self.currentClient, bcast: true) }
            }
        } else {
            keyspace.state.onKeyModified = watching ? { [unowned self] db, key in self.touchWatchedKey(db, key) } : nil
        }
        keyspace.state.onKeyExpired = watching || notifyExpired || tracking ? { [unowned self] db, key in
            if !self.watchers.isEmpty { self.touchWatchedKey(db, key) }
            self.notify(.expired, "expired", key, db: db.id)
            if self.trackingHooked { self.trackingInvalidateKey(key, modifier: nil, bcast: true) }
        } : nil
        let notifyFields = !flags.isDisjoint(with: [.hash, .generic]) && flags.hasChannel
        keyspace.state.onHashFieldsExpired = notifyFields ? { [unowned self] db, key, deleted in
            self.notify(.hash, "hexpired", key, db: db.id)
            if deleted { self.notify(.generic, "del", key, db: db.id) }
        } : nil
        keyspace.state.onKeyAdded = notifyNew ? { [unowned self] db, key in self.notify(.newKey, "new", key, db: db.id) } : nil
        let notifyMiss = flags.contains(.keyMiss) && flags.hasChannel
        keyspace.state.onKeyMiss = notifyMiss ? { [unowned self] db, key in self.notify(.keyMiss, "keymiss", key, db: db.id) } : nil
    }
}

extension NotifyFlags {
    /// K or E: without either nothing is published.
    var hasChannel: Bool { !isDisjoint(with: [.keyspace, .keyevent]) }
}

extension CommandContext {
    /// Publishes a keyspace event about `key` in the client's database.
    @inline(__always)
    public func notify(_ type: NotifyFlags, _ event: String, _ key: UnsafeRawBufferPointer) {
        if server.config.notifyFlags.isEmpty { return }
        server.notify(type, event, key, db: db.id)
    }
}
