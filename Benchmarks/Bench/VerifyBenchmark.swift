import ArgumentParser
import Crypto
import Foundation
import Logging
import TokenKit
import TokenKitClients

/// Token verification in process, on one core (one task, nothing else running in this process):
///
/// - `raw`: swift-crypto's Ed25519 `isValidSignature` over the signing input of the same tokens;
/// - `full`: TokenKit's ``AccessTokenVerifier`` without a cache (size, split, header, key lookup in a
///   ``JWKSCache``, signature, claims), as a service does for a token it has not seen;
/// - `miss`: the same through a one-entry cache, tokens in rotation: every call misses, verifies in full,
///   inserts and evicts (the service's cost for a never-seen token);
/// - `hit`: through the service's cache, all 1,000 tokens already verified once.
///
/// Within each round the variants take turns of about 10 ms (raw, full, miss, hit, raw, …) until each has run
/// `--seconds`; `--rounds` rounds. `--only VARIANT` runs one of them (for profiling).
struct VerifyBenchmark {
    let out: String
    let seconds: Double
    let rounds: Int
    let tokenCount: Int
    /// Run only this variant (for profiling one path under callgrind or perf).
    var only: String? = nil
    /// Where each round's line goes (standard output alone; a log file within `run`).
    var say: @Sendable (String) -> Void = { print($0) }

    /// A fetcher that always returns one key set.
    struct StaticFetcher: JWKSFetcher {
        let document: JWKSDocument
        func fetch() async throws -> JWKSDocument { self.document }
    }

    func run() async throws {
        let key = SigningKey.generate()
        let signer = await AccessTokenSigner(key: key)
        let now = Int64(Date().timeIntervalSince1970)
        var tokens: [String] = []
        for _ in 0..<self.tokenCount {
            let claims = AccessTokenClaims(
                issuer: "latchkey",
                audience: ["notes", "profile"],
                subject: UUID(),
                sessionID: UUID(),
                tokenID: UUID(),
                issuedAt: now,
                notBefore: now,
                expiresAt: now + 3600,
                csrfHash: nil
            )
            tokens.append(try await signer.sign(claims))
        }
        var logger = Logger(label: "latchkey-bench")
        logger.logLevel = .critical
        let keys = JWKSCache(
            fetcher: StaticFetcher(document: JWKSDocument(keySet: JSONWebKeySet(verificationKeys: [key.verificationKey]), maxAgeSeconds: 300)),
            logger: logger
        )
        try await keys.refresh()
        let policy = VerificationPolicy(issuer: "latchkey", audiences: ["notes"])
        let full = AccessTokenVerifier(policy: policy, keys: keys)
        let missing = AccessTokenVerifier(policy: policy, keys: keys, cache: VerifiedTokenCache(capacity: 1))
        let cached = AccessTokenVerifier(policy: policy, keys: keys, cache: VerifiedTokenCache())
        for token in tokens { _ = try await cached.verify(token) }

        // The raw check gets exactly the bytes the verifier checks: signing input and decoded signature.
        let raw: [(message: [UInt8], signature: [UInt8])] = tokens.map { token in
            let bytes = Array(token.utf8)
            let dot = bytes.lastIndex(of: UInt8(ascii: "."))!
            let signature = Base64URL.decode(utf8: bytes[(dot + 1)...])!
            return (Array(bytes[..<dot]), signature)
        }
        let publicKey = key.privateKey.publicKey

        let variants: [InterleavedVariants.Variant] = [
            InterleavedVariants.Variant(name: "raw") { index in
                let item = raw[index % raw.count]
                guard publicKey.isValidSignature(item.signature, for: item.message) else { throw BenchError("raw verify failed") }
            },
            InterleavedVariants.Variant(name: "full") { index in _ = try await full.verify(tokens[index % tokens.count]) },
            InterleavedVariants.Variant(name: "miss") { index in _ = try await missing.verify(tokens[index % tokens.count]) },
            InterleavedVariants.Variant(name: "hit") { index in _ = try await cached.verify(tokens[index % tokens.count]) },
        ].filter { self.only == nil || $0.name == self.only }
        for round in 1...self.rounds {
            try await InterleavedVariants(bench: "verify", noun: "calls", out: self.out, seconds: self.seconds, say: self.say).measure(
                variants,
                round: round
            )
        }
    }
}

/// `latchkey-bench verify`: ``VerifyBenchmark`` on its own (e.g. under callgrind; see bench/README.md).
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Token verification in process: TokenKit's verify against raw Ed25519."
    )

    @Option(help: "The JSON-lines file the records are appended to.")
    var out: String

    @Option(help: "Seconds each variant runs per round.")
    var seconds: Double = 1

    @Option(help: "Rounds.")
    var rounds = 3

    @Option(help: "Tokens in rotation.")
    var tokens = 1000

    @Option(help: "Run only this variant (raw, full, miss or hit), e.g. to profile it.")
    var only: String?

    func run() async throws {
        try await VerifyBenchmark(out: self.out, seconds: self.seconds, rounds: self.rounds, tokenCount: self.tokens, only: self.only).run()
    }
}
