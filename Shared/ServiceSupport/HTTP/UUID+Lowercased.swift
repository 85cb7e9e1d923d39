import Foundation

extension UUID {
    /// The canonical lower-case spelling used in every JSON body and token.
    public var lowercased: String { self.uuidString.lowercased() }
}
