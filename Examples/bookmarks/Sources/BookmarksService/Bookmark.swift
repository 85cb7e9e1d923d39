import Foundation
import Hummingbird

/// A saved link: `{id, url, title, created_at}`.
public struct Bookmark: ResponseEncodable, Sendable, Equatable {
    public let id: UUID
    public let url: String
    public let title: String
    public let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, url, title
        case createdAt = "created_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id.uuidString.lowercased(), forKey: .id)
        try container.encode(self.url, forKey: .url)
        try container.encode(self.title, forKey: .title)
        try container.encode(self.createdAt, forKey: .createdAt)
    }
}

/// `{items}`: the caller's bookmarks, newest first.
struct BookmarkList: ResponseEncodable {
    let items: [Bookmark]
}

/// The body of `POST /v1/bookmarks`: `{url, title?}`.
public struct NewBookmark: Decodable, Sendable {
    public var url: String
    public var title: String?

    public init(url: String, title: String? = nil) {
        self.url = url
        self.title = title
    }

    /// The most characters of a URL and of a title.
    public static let maximumURLLength = 2048
    public static let maximumTitleLength = 200

    /// The field errors: `url` an absolute `http(s)://` URL with a host, of at most 2048 characters;
    /// `title` at most 200. Neither may hold control characters (PostgreSQL's text refuses NUL).
    public var errors: [FieldError] {
        var errors: [FieldError] = []
        let components = URLComponents(string: self.url)
        let scheme = components?.scheme?.lowercased()
        if self.url.count > Self.maximumURLLength || Self.hasControlCharacters(self.url) || (scheme != "http" && scheme != "https")
            || (components?.host ?? "").isEmpty
        {
            errors.append(FieldError(field: "url", message: "must be an http:// or https:// URL of at most \(Self.maximumURLLength) characters"))
        }
        if let title = self.title, title.count > Self.maximumTitleLength || Self.hasControlCharacters(title) {
            errors.append(FieldError(field: "title", message: "must be text of at most \(Self.maximumTitleLength) characters"))
        }
        return errors
    }

    private static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
