import Foundation
import Hummingbird
import TokenKit

extension Request {
    /// Decodes a JSON body of at most `context.maxUploadSize` bytes.
    ///
    /// Over the limit: 413. A body that is not declared as JSON: 415. Malformed JSON, invalid
    /// UTF-8, a missing field or a wrong type: 400 `validation-failed` naming the field. With
    /// `emptyBody` given, an empty body decodes as that value instead.
    public func decodeJSON<Value: Decodable>(
        as type: Value.Type,
        context: some RequestContext,
        emptyBody: Value? = nil
    ) async throws -> Value {
        if let length = self.headers[.contentLength].flatMap(Int.init), length > context.maxUploadSize {
            throw Problem(.payloadTooLarge, detail: "The request body is larger than \(context.maxUploadSize) bytes.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await self.body.collect(upTo: context.maxUploadSize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem(.payloadTooLarge, detail: "The request body is larger than \(context.maxUploadSize) bytes.")
        }
        if buffer.readableBytes == 0, let emptyBody {
            return emptyBody
        }
        guard Self.isJSON(self.headers[.contentType]) else {
            throw Problem(.unsupportedMediaType, detail: "Send the body as application/json.")
        }
        // JSONDecoder checks only the strings it reads, so invalid UTF-8 in an ignored field would pass.
        guard String(validating: buffer.readableBytesView, as: UTF8.self) != nil else {
            throw Problem.validation(field: "body", "is not valid UTF-8")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Problem.validation([FieldError(decodingError: error)])
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.validation(field: "body", "is not valid JSON")
        }
    }

    /// Whether a `Content-Type` names JSON (`application/json` or `…+json`), ignoring parameters.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}

extension FieldError {
    /// Describes a JSON decoding failure in terms of the field that caused it.
    init(decodingError: DecodingError) {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "body" : keys.joined(separator: ".")
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath, key), message: "is required")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            self.init(field: field, message: field == "body" ? "must be a JSON object" : "must be \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            self.init(field: path(context.codingPath), message: "must be \(Self.describe(type)), not null")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            self.init(field: field, message: field == "body" ? "is not valid JSON" : "has an invalid value")
        @unknown default:
            self.init(field: "body", message: "is not valid JSON")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default: "of another type"
        }
    }
}
