import TestSupport
import Testing

/// One request of a resource service (method, service, path, body), as a test argument.
struct ResourceEndpoint: Sendable, CustomTestStringConvertible {
    let method: HTTP.Method
    let service: ServiceKind
    let path: String
    let body: JSONValue?

    var testDescription: String { "\(self.method.rawValue) \(self.service.rawValue)\(self.path)" }

    /// A note id that exists nowhere.
    static let unknownNotePath = "/v1/notes/00000000-0000-4000-8000-000000000000"

    /// Every route of notes and profile.
    static let all: [ResourceEndpoint] = [
        ResourceEndpoint(method: .get, service: .notes, path: "/v1/notes", body: nil),
        ResourceEndpoint(method: .get, service: .notes, path: unknownNotePath, body: nil),
        ResourceEndpoint(method: .post, service: .notes, path: "/v1/notes", body: ["title": "t"]),
        ResourceEndpoint(method: .patch, service: .notes, path: unknownNotePath, body: ["title": "t"]),
        ResourceEndpoint(method: .delete, service: .notes, path: unknownNotePath, body: nil),
        ResourceEndpoint(method: .get, service: .profile, path: "/v1/profile", body: nil),
        ResourceEndpoint(method: .put, service: .profile, path: "/v1/profile", body: ["display_name": "d", "bio": nil]),
    ]
}
