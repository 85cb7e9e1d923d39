import Foundation

/// A note as stored: `seq` orders notes newest first and backs the pagination cursor.
struct Note: Sendable {
    let seq: Int64
    let id: UUID
    let ownerID: UUID
    var title: String
    var body: String
    let createdAt: Date
    var updatedAt: Date
    var version: Int

    /// The strong entity tag of this version.
    var entityTag: String { "\"\(self.version)\"" }
}
