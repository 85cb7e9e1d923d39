import Foundation
import Hummingbird
import TokenKit
import TokenKitHummingbird

/// `/v1/bookmarks`. Reads get a `LocalIdentity` (verified here, no call to `auth`); writes get a
/// `ConfirmedIdentity` (`auth` said the session is active, in this request), so a write handler
/// that skipped the confirmation would not compile. Another user's bookmark is a 404, never a 403.
public struct BookmarksController: Sendable {
    let store: BookmarkStore

    public init(store: BookmarkStore) {
        self.store = store
    }

    public func addRoutes(
        reads: RouterGroup<AuthenticatedRequestContext<BookmarksRequestContext>>,
        writes: RouterGroup<ConfirmedRequestContext<BookmarksRequestContext>>
    ) {
        reads.get("/v1/bookmarks", use: self.list)
        writes.post("/v1/bookmarks", use: self.create)
        writes.delete("/v1/bookmarks/{id}", use: self.delete)
    }

    /// 200 `{items}`: the caller's bookmarks, newest first (at most 100).
    @Sendable func list(request: Request, context: AuthenticatedRequestContext<BookmarksRequestContext>) async throws -> BookmarkList {
        BookmarkList(items: try await self.store.list(ownerID: context.identity.userID))
    }

    /// 201 with the bookmark and its `Location`.
    @Sendable func create(request: Request, context: ConfirmedRequestContext<BookmarksRequestContext>) async throws -> EditedResponse<Bookmark> {
        let body = try await request.decode(as: NewBookmark.self, context: context)
        let errors = body.errors
        guard errors.isEmpty else { throw Problem.validation(errors) }
        // Nil when the account was deleted meanwhile: its session has ended.
        guard let bookmark = try await self.store.create(ownerID: context.identity.userID, url: body.url, title: body.title ?? "") else {
            throw AccessDenied.sessionEnded
        }
        return EditedResponse(status: .created, headers: [.location: "/v1/bookmarks/\(bookmark.id.uuidString.lowercased())"], response: bookmark)
    }

    /// 204, or 404 when the caller has no bookmark with this id.
    @Sendable func delete(request: Request, context: ConfirmedRequestContext<BookmarksRequestContext>) async throws -> HTTPResponse.Status {
        guard let id = context.parameters.get("id").flatMap(UUID.init(strict:)),
            try await self.store.delete(id: id, ownerID: context.identity.userID)
        else { throw Problem.notFound("No bookmark of yours has this id.") }
        return .noContent
    }
}
