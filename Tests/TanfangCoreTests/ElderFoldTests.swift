import Foundation
import Testing
@testable import TanfangCore

/// `ElderFold.history`: the status history of one person registered twice.
@Suite struct ElderFoldTests {
    static func d(_ s: String) -> LocalDate { LocalDate(s)! }
    static func c(_ s: String, _ status: ElderStatus) -> StatusChange { StatusChange(date: d(s), status: status) }

    @Test func aCountyListsImportDayAddsNothingToTheVillagesHistory() {
        // Kept: the county list's record, active from its import day; folded: the village's, with a stay in hospital
        let county = [Self.c("2026-12-07", .active)]
        let village = [Self.c("2025-12-01", .active), Self.c("2026-11-12", .hospitalized), Self.c("2026-11-22", .active)]
        #expect(ElderFold.history(kept: county, folded: village) == village)
        #expect(ElderFold.history(kept: village, folded: county) == village)
    }

    @Test func aDeathBothKnowIsKeptWithTheEarlierRegistration() {
        let county = [Self.c("2026-02-06", .deceased)]
        let village = [Self.c("2025-12-01", .active), Self.c("2026-02-06", .deceased)]
        #expect(ElderFold.history(kept: county, folded: village) == village)
    }

    @Test func aStatusOnlyTheFoldedRecordHasDoesNotOverrideTheKeptOne() {
        // The county says she died; the village, kept, has her living: the village's stands, from its registration
        let county = [Self.c("2026-02-06", .deceased)]
        let village = [Self.c("2025-12-01", .active)]
        #expect(ElderFold.history(kept: village, folded: county) == village)
        // A later registration kept: its own history, from the earlier date
        #expect(ElderFold.history(kept: [Self.c("2026-12-07", .active)], folded: [Self.c("2025-12-01", .active),
                                                                               Self.c("2026-03-01", .deceased)])
                == [Self.c("2025-12-01", .active)])
    }

    @Test func changesOfBothRecordsAreInterleavedByDate() {
        let kept = [Self.c("2025-01-01", .active), Self.c("2026-05-01", .hospitalized), Self.c("2026-06-01", .active)]
        let folded = [Self.c("2025-06-01", .active), Self.c("2026-01-10", .hospitalized), Self.c("2026-01-20", .active)]
        #expect(ElderFold.history(kept: kept, folded: folded) == [
            Self.c("2025-01-01", .active), Self.c("2026-01-10", .hospitalized), Self.c("2026-01-20", .active),
            Self.c("2026-05-01", .hospitalized), Self.c("2026-06-01", .active),
        ])
    }
}
