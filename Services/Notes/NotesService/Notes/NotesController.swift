import Foundation
import Hummingbird
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// `/v1/notes`: reads with the locally verified identity, writes with the confirmed one.
/// Another user's note is a 404, never a 403.
///
/// `package` so that the benchmark server (`Benchmarks/BenchServer`) can compose these very routes
/// with other authenticators; the shipped service has no switch for that.
package struct NotesController: Sendable {
    let notes: NoteRepository

    package init(notes: NoteRepository) {
        self.notes = notes
    }

    package func addRoutes(
        reads: RouterGroup<AuthenticatedRequestContext<ServiceRequestContext>>,
        writes: RouterGroup<ConfirmedRequestContext<ServiceRequestContext>>
    ) {
        reads.read("/v1/notes", use: self.list)
        reads.read("/v1/notes/{id}", use: self.show)
        writes.post("/v1/notes", use: self.create)
        writes.patch("/v1/notes/{id}", use: self.update)
        writes.delete("/v1/notes/{id}", use: self.delete)
    }

    /// One page of the caller's notes, newest first.
    @Sendable func list(request: Request, context: AuthenticatedRequestContext<ServiceRequestContext>) async throws -> Response {
        let query = request.uri.queryParameters
        let limit = try PageLimit.parse(request)
        var position: Int64?
        if let cursor = query.get("cursor") {
            guard let seq = NotesCursor.decode(cursor) else { throw Problem.validation(field: "cursor", "is not a cursor from this API") }
            position = seq
        }
        let rows = try await self.notes.page(ownerID: context.identity.userID, before: position, limit: limit + 1)
        let page = rows.prefix(limit)
        let next = rows.count > limit ? page.last.map { NotesCursor.encode(seq: $0.seq) } : nil
        return try JSONResponse.make(NoteListResponse(items: page.map(NoteResponse.init), nextCursor: next))
    }

    /// One of the caller's notes, with its `ETag`.
    @Sendable func show(request: Request, context: AuthenticatedRequestContext<ServiceRequestContext>) async throws -> Response {
        guard let id = Self.noteID(context.parameters), let note = try await self.notes.find(id: id, ownerID: context.identity.userID) else {
            throw Self.missing()
        }
        return try Self.noteResponse(note, status: .ok)
    }

    /// Creates a note: 201 with `Location` and `ETag`.
    @Sendable func create(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateNoteRequest.self, context: context)
        var validator = FieldValidator()
        NoteRules.check(title: body.title, body: body.body, in: &validator)
        try validator.validate()
        let note = try await self.notes.create(ownerID: context.identity.userID, title: body.title, body: body.body ?? "", now: Date())
        var response = try Self.noteResponse(note, status: .created)
        response.headers[.location] = "/v1/notes/\(note.id.lowercased)"
        return response
    }

    /// Changes the title and/or body; honours `If-Match` (412 when the note has changed since).
    @Sendable func update(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        guard let id = Self.noteID(context.parameters) else { throw Self.missing() }
        let body = try await request.decodeJSON(as: UpdateNoteRequest.self, context: context)
        var validator = FieldValidator()
        validator.require(body.title != nil || body.body != nil, field: "body", "must change title or body")
        NoteRules.check(title: body.title, body: body.body, in: &validator)
        try validator.validate()
        let precondition = request.headers[.ifMatch]
        let updated = try await self.notes.update(id: id, ownerID: context.identity.userID, now: Date()) { note in
            if let precondition, !EntityTag.matches(ifMatch: precondition, current: note.entityTag) {
                throw Problem(.preconditionFailed, detail: "The note has changed since you read it; reload it and retry.")
            }
            if let title = body.title { note.title = title }
            if let text = body.body { note.body = text }
        }
        guard let updated else { throw Self.missing() }
        return try Self.noteResponse(updated, status: .ok)
    }

    /// Deletes one of the caller's notes: 204.
    @Sendable func delete(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        guard let id = Self.noteID(context.parameters), try await self.notes.delete(id: id, ownerID: context.identity.userID) else {
            throw Self.missing()
        }
        return JSONResponse.noContent()
    }

    static func noteID(_ parameters: Parameters) -> UUID? {
        parameters.get("id").flatMap(UUID.init(strict:))
    }

    static func missing() -> Problem {
        Problem.notFound("No note of yours has this id.")
    }

    static func noteResponse(_ note: Note, status: HTTPResponse.Status) throws -> Response {
        var headers = HTTPFields()
        headers[.eTag] = note.entityTag
        return try JSONResponse.make(NoteResponse(note), status: status, headers: headers)
    }
}
