import Hummingbird
import ServiceSupport
import TokenKit

/// `GET /.well-known/jwks.json`: every key whose tokens may be alive, and the next one.
struct JWKSController: Sendable {
    let ring: SigningKeyRing
    let maxAge: Int

    /// Where the key set is published (the public port, and the internal one when it has its own).
    static let path = "/.well-known/jwks.json"

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        router.get(RouterPath(Self.path), use: self.keySet)
    }

    /// The public keys, cacheable for `maxAge` seconds.
    @Sendable func keySet(request: Request, context: ServiceRequestContext) async throws -> Response {
        var headers = HTTPFields()
        headers[.cacheControl] = "public, max-age=\(self.maxAge)"
        return try JSONResponse.make(JSONWebKeySet(verificationKeys: await self.ring.publishedKeys), headers: headers)
    }
}

extension JWKSController {
    init(core: AuthCore) {
        self.init(ring: core.ring, maxAge: core.settings.jwksMaxAge)
    }
}
