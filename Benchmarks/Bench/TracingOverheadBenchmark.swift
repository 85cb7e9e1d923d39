import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOEmbedded
import ServiceSupport

/// What tracing costs a request while it is off (no `OTEL_*` setting: the process-wide tracer is
/// swift-distributed-tracing's no-op), in process, on one core, three routers with one route:
///
/// - `untraced`: no tracing middleware at all;
/// - `off`: what the services' router recipe builds with tracing off (``Observability/isTracing``
///   decides whether `TracingMiddleware` is added);
/// - `noop`: Hummingbird's `TracingMiddleware` with the no-op tracer, which the recipe added before
///   this benchmark showed what it costs.
///
/// The request is built and answered as the server would (a new context per request, the route's
/// response), without sockets, so the middleware is all that differs.
struct TracingOverheadBenchmark {
    let out: String
    let seconds: Double
    let rounds: Int
    var say: @Sendable (String) -> Void = { print($0) }

    func run() async throws {
        var logger = Logger(label: "latchkey-bench")
        logger.logLevel = .critical
        let untraced = Self.responder(traced: false)
        let recipe = Self.responder(traced: Observability.isTracing)
        let noop = Self.responder(traced: true)
        let channel = EmbeddedChannel()
        let source = ApplicationRequestContextSource(channel: channel, logger: logger)
        func request() -> Request {
            Request(
                head: HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/v1/whoami?limit=20"),
                body: RequestBody(buffer: ByteBuffer())
            )
        }
        let variants: [InterleavedVariants.Variant] = [
            InterleavedVariants.Variant(name: "untraced") { _ in
                _ = try await untraced.respond(to: request(), context: BasicRequestContext(source: source))
            },
            InterleavedVariants.Variant(name: "off") { _ in
                _ = try await recipe.respond(to: request(), context: BasicRequestContext(source: source))
            },
            InterleavedVariants.Variant(name: "noop") { _ in
                _ = try await noop.respond(to: request(), context: BasicRequestContext(source: source))
            },
        ]
        let measure = InterleavedVariants(bench: "tracing", noun: "requests", out: self.out, seconds: self.seconds, say: self.say)
        for round in 1...self.rounds {
            try await measure.measure(variants, round: round)
        }
    }

    /// A router with one route, `GET /v1/whoami`, behind `TracingMiddleware` or not.
    static func responder(traced: Bool) -> some HTTPResponder<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        if traced {
            router.add(middleware: TracingMiddleware(recordingHeaders: [], redactingQueryParameters: ["email"]))
        }
        router.get("/v1/whoami") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{}"))) }
        return router.buildResponder()
    }
}

/// `latchkey-bench tracing`: ``TracingOverheadBenchmark`` on its own.
struct TracingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracing",
        abstract: "What tracing costs a request while it is off: a router with and without TracingMiddleware, in process."
    )

    @Option(help: "The JSON-lines file the records are appended to.")
    var out: String

    @Option(help: "Seconds each variant runs per round.")
    var seconds: Double = 1

    @Option(help: "Rounds.")
    var rounds = 3

    func run() async throws {
        try await TracingOverheadBenchmark(out: self.out, seconds: self.seconds, rounds: self.rounds).run()
    }
}
