/// A fixed-capacity map that evicts its least recently used entry: the storage of ``VerifiedTokenCache``.
///
/// Entries live in one array linked as a doubly linked list by index (most recent at `head`), with a
/// dictionary from key to slot, so get, set and eviction are O(1) and allocation-free once full.
struct LeastRecentlyUsed {
    /// What is stored per token.
    struct Entry {
        let claims: AccessTokenClaims
        let kid: String
    }

    private struct Slot {
        var key: VerifiedTokenCache.Key
        var entry: Entry
        var previous: Int
        var next: Int
    }

    private let capacity: Int
    private var slots: [Slot] = []
    private var index: [VerifiedTokenCache.Key: Int] = [:]
    private var free: [Int] = []
    private var head = -1
    private var tail = -1

    init(capacity: Int) {
        self.capacity = capacity
        self.index.reserveCapacity(min(capacity, 1 << 16))
    }

    var count: Int { self.index.count }

    mutating func get(_ key: VerifiedTokenCache.Key) -> Entry? {
        guard let slot = self.index[key] else { return nil }
        self.moveToFront(slot)
        return self.slots[slot].entry
    }

    mutating func set(_ key: VerifiedTokenCache.Key, _ entry: Entry) {
        if let slot = self.index[key] {
            self.slots[slot].entry = entry
            self.moveToFront(slot)
            return
        }
        if self.index.count >= self.capacity, self.tail >= 0 {
            self.remove(self.slots[self.tail].key)
        }
        let slot: Int
        if let reused = self.free.popLast() {
            slot = reused
            self.slots[slot] = Slot(key: key, entry: entry, previous: -1, next: -1)
        } else {
            slot = self.slots.count
            self.slots.append(Slot(key: key, entry: entry, previous: -1, next: -1))
        }
        self.index[key] = slot
        self.linkAtFront(slot)
    }

    mutating func remove(_ key: VerifiedTokenCache.Key) {
        guard let slot = self.index.removeValue(forKey: key) else { return }
        self.unlink(slot)
        self.free.append(slot)
    }

    mutating func removeAll(where shouldRemove: (Entry) -> Bool) {
        for (key, slot) in self.index where shouldRemove(self.slots[slot].entry) {
            self.remove(key)
        }
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != self.head else { return }
        self.unlink(slot)
        self.linkAtFront(slot)
    }

    private mutating func linkAtFront(_ slot: Int) {
        self.slots[slot].previous = -1
        self.slots[slot].next = self.head
        if self.head >= 0 { self.slots[self.head].previous = slot }
        self.head = slot
        if self.tail < 0 { self.tail = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let previous = self.slots[slot].previous
        let next = self.slots[slot].next
        if previous >= 0 { self.slots[previous].next = next } else { self.head = next }
        if next >= 0 { self.slots[next].previous = previous } else { self.tail = previous }
        self.slots[slot].previous = -1
        self.slots[slot].next = -1
    }
}
