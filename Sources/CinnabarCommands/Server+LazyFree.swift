// Lazy free (Redis's lazyfree.c): UNLINK, and DEL under lazyfree-lazy-user-del, hand large values to a background
// thread to be released, so deleting a multi-million-element hash or set does not stall the event loop (measured:
// 80-85 ms for 2 M fields or members freed inline). The key disappears at once; only the memory is given back
// later. A value is freed in the background when it owns much heap (Redis counts elements and uses a threshold of
// 64; the heap estimate MEMORY USAGE uses is the same idea for Cinnabar's representations).
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage
import Dispatch
import NIOConcurrencyHelpers

/// Objects waiting to be freed and objects freed by the background thread (INFO lazyfree_pending_objects,
/// lazyfreed_objects).
public final class LazyFreeStats: Sendable {
    private let counts = NIOLockedValueBox<(pending: Int, freed: Int)>((0, 0))
    public var pending: Int { counts.withLockedValue { $0.pending } }
    public var freed: Int { counts.withLockedValue { $0.freed } }
    func enqueued() { counts.withLockedValue { $0.pending += 1 } }
    func done() { counts.withLockedValue { $0.pending -= 1; $0.freed += 1 } }
    public func resetFreed() { counts.withLockedValue { $0.freed = 0 } }
}

/// The background thread values are released on.
let lazyFreeQueue = DispatchQueue(label: "cinnabar.lazyfree")

/// Values owning less heap than this are freed inline: handing them over would cost more than freeing them (Redis
/// uses 64 allocations; a 1,000-entry stream or a few hundred hash fields is about 8 KB here).
let lazyFreeHeapThreshold = 8 * 1024

/// Carries the last reference to a value across threads. Nothing else can reach a value once its key is gone
/// (the event loop owns the keyspace), so releasing it on another thread is safe.
private struct ValueBox: @unchecked Sendable {
    var value: Value?
}

extension Server {
    /// Releases `value`, in the background when it is large. The caller has removed it from the keyspace and keeps
    /// no reference.
    func lazyFree(_ value: consuming Value) {
        guard !value.isString, let collection = value.collection as? EncodedCollection,
              collection.heapSize >= lazyFreeHeapThreshold
        else { return }
        let stats = lazyFreeStats
        stats.enqueued()
        var box = ValueBox(value: value)
        lazyFreeQueue.async {
            box.value = nil
            stats.done()
        }
    }
}
