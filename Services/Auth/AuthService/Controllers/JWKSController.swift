import Hummingbird
import ServiceSupport
import TokenKit

/// `GET /.well-known/jwks.json`: every key whose tokens may be alive, and the next one.
struct JWKSController: Sendable {
    let ring: SigningKeyRing
    let maxAge: Int

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        router.get("/.well-known/jwks.json", use: self.keySet)
    }

    /// The public keys, cacheable for `maxAge` seconds.
    @Sendable func keySet(request: Request, context: ServiceRequestContext) async throws -> Response {
        var headers = HTTPFields()
        headers[.cacheControl] = "public, max-age=\(self.maxAge)"
        return try JSONResponse.make(JSONWebKeySet(verificationKeys: await self.ring.publishedKeys), headers: headers)
    }
}
