import Foundation
import HTTPTypes
import Hummingbird

/// Request headers tests send often.
extension HTTPFields {
    /// `Authorization: Bearer <token>`.
    package static func bearer(_ token: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        return headers
    }

    /// `Authorization: Basic <id:secret>`.
    package static func basic(_ id: String, _ secret: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
        return headers
    }

    /// `Token-Transport: cookie`.
    package static var cookieTransport: HTTPFields {
        var headers = HTTPFields()
        headers[HTTPField.Name("Token-Transport")!] = "cookie"
        return headers
    }

    /// `X-Forwarded-For: <address>`.
    package static func forwardedFor(_ address: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[HTTPField.Name("X-Forwarded-For")!] = address
        return headers
    }

    /// These headers and `other`'s.
    package func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other {
            merged.append(field)
        }
        return merged
    }
}
