import BookmarksService
import Testing

@Suite struct NewBookmarkTests {
    @Test(arguments: ["https://swift.org", "http://example.com/a?b=c#d", "HTTPS://EXAMPLE.COM"])
    func validURLs(url: String) {
        #expect(NewBookmark(url: url, title: "A title").errors.isEmpty)
    }

    @Test(arguments: [
        "", "swift.org", "ftp://example.com", "javascript:alert(1)", "https://", "https:///path", "https://exa\u{0}mple.com",
        "https://example.com/\n",
    ])
    func invalidURLs(url: String) {
        #expect(NewBookmark(url: url).errors.map(\.field) == ["url"])
    }

    @Test func longURLs() {
        let base = "https://example.com/"
        #expect(NewBookmark(url: base + String(repeating: "a", count: 2048 - base.count)).errors.isEmpty)
        #expect(NewBookmark(url: base + String(repeating: "a", count: 2049 - base.count)).errors.map(\.field) == ["url"])
    }

    @Test func titles() {
        #expect(NewBookmark(url: "https://a.example", title: String(repeating: "é", count: 200)).errors.isEmpty)
        #expect(NewBookmark(url: "https://a.example", title: String(repeating: "a", count: 201)).errors.map(\.field) == ["title"])
        #expect(NewBookmark(url: "https://a.example", title: "a\u{0}b").errors.map(\.field) == ["title"])
        #expect(NewBookmark(url: "ftp://a.example", title: "a\u{7}").errors.map(\.field) == ["url", "title"])
    }
}
