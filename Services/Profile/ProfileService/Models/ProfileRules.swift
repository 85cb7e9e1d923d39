import ServiceSupport

/// The limits of a profile: a display name of at most 64 characters, a bio of at most 1,000.
enum ProfileRules {
    static let displayNameLength = 0...64
    static let bioLength = 0...1000

    static func check(_ request: ProfileRequest, in validator: inout FieldValidator) {
        validator.length(of: request.displayName, field: "display_name", in: self.displayNameLength)
        validator.storableText(request.displayName, field: "display_name")
        validator.length(of: request.bio, field: "bio", in: self.bioLength)
        validator.storableText(request.bio, field: "bio")
    }
}
