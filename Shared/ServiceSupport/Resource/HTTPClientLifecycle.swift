import AsyncHTTPClient
import ServiceLifecycle

/// Shuts a shared HTTP client down when the service group shuts down gracefully.
struct HTTPClientLifecycle: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await self.client.shutdown()
    }
}
