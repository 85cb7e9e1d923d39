/// `{email, password}`: the body of sign-up and login.
struct CredentialsRequest: Decodable, Sendable {
    let email: String
    let password: String
}
