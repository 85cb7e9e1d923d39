/// A fetched key set together with how long it may be cached.
public struct JWKSDocument: Sendable {
    public var keySet: JSONWebKeySet
    /// The `max-age` of the response's `Cache-Control`, if it had one.
    public var maxAgeSeconds: Int?

    public init(keySet: JSONWebKeySet, maxAgeSeconds: Int?) {
        self.keySet = keySet
        self.maxAgeSeconds = maxAgeSeconds
    }
}
