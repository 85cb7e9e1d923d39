import Hummingbird

extension RouterMethods {
    /// Registers `handler` for GET and for HEAD (RFC 9110 §9.3.2: the same status and headers as GET,
    /// no body), since the contract treats both as safe reads.
    @discardableResult
    public func read(
        _ path: RouterPath,
        use handler: @Sendable @escaping (Request, Context) async throws -> Response
    ) -> Self {
        self.get(path, use: handler)
        self.head(path) { request, context in
            var response = try await handler(request, context)
            response.body = ResponseBody()
            return response
        }
        return self
    }
}
