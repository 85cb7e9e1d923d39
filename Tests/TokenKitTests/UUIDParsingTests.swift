import Foundation
import Testing

@testable import TokenKit

/// The claims' own UUID parser (faster than Foundation's on Linux): the same value for every canonical
/// spelling, and nothing for anything else.
struct UUIDParsingTests {
    @Test func parsesWhatFoundationParses() {
        for _ in 0..<200 {
            let uuid = UUID()
            #expect(UUID(strict: uuid.uuidString) == uuid)
            #expect(UUID(strict: uuid.uuidString.lowercased()) == uuid)
        }
        #expect(UUID(strict: "00000000-0000-0000-0000-000000000000") == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        #expect(UUID(strict: "FFFFFFFF-ffff-FFFF-ffff-FFFFFFFFFFFF") == UUID(uuidString: "ffffffff-ffff-ffff-ffff-ffffffffffff"))
    }

    @Test(arguments: [
        "", "0", "00000000-0000-0000-0000-00000000000", "00000000-0000-0000-0000-0000000000000",
        "00000000-0000-0000-0000_000000000000", "000000000-000-0000-0000-000000000000", "0000000g-0000-0000-0000-000000000000",
        " 0000000-0000-0000-0000-000000000000", "+0000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-00000000000é",
        "{00000000-0000-0000-0000-000000000000}", "00000000000000000000000000000000",
    ])
    func refusesEverythingElse(_ value: String) {
        #expect(UUID(strict: value) == nil)
    }
}
