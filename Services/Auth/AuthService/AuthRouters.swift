import Hummingbird
import ServiceSupport

/// The auth service's routers: the public one, and, when `INTERNAL_PORT` is set, the internal API's own.
struct AuthRouters {
    /// Health, the public API and the JWKS; also the internal API when it has no port of its own.
    let main: Router<ServiceRequestContext>
    /// The internal API and a copy of the JWKS, for the listener on `INTERNAL_PORT`; nil without one.
    let `internal`: Router<ServiceRequestContext>?
}
