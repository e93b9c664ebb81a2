import Foundation
import TanfangCore

/// Builds the screen for a destination: the one place that knows every screen type.
public enum ScreenFactory {
    public static func make(_ destination: Destination, env: AppEnvironment) -> any Screen {
        switch destination {
        case .login: LoginScreen()
        case .roster: RosterScreen()
        case .elderFile(let id): ElderFileScreen(elderID: id)
        case .newVisit(let id): VisitFormScreen(elderID: id)
        case .correctVisit(let visit): VisitFormScreen(correcting: visit)
        case .editElder(let id): ElderEditScreen(elderID: id)
        case .followUps(let id, let adding): FollowUpsScreen(elderID: id, adding: adding)
        case .redFlags: RedFlagsScreen()
        case .monthly(let month): MonthlyScreen(month: month)
        case .importRoster: ImportScreen()
        }
    }
}
