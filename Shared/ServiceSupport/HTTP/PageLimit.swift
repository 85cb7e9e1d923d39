import Hummingbird

/// The `limit` of a paged list: 1–100, 20 when absent; anything else is a 400 naming the field.
public enum PageLimit {
    public static let range = 1...100
    public static let defaultValue = 20

    public static func parse(_ request: Request) throws -> Int {
        guard let raw = request.uri.queryParameters.get("limit") else { return self.defaultValue }
        guard let value = Int(raw), self.range.contains(value) else {
            throw Problem.validation(field: "limit", "must be a whole number from 1 to 100")
        }
        return value
    }
}
