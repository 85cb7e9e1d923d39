import Foundation
import TokenKit

/// The fields of an RFC 7662 answer that a resource service relies on.
struct IntrospectionResponse: Decodable {
    let active: Bool
    let sub: String?
    let sid: String?
}
