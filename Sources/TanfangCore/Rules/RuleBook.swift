import Foundation

/// Every rule the ledger applies, loaded once from the data files under `Resources`.
public struct RuleBook: Sendable {
    public let form: FormDefinition
    public let validator: FormValidator
    public let followUps: FollowUpRules
    public let frequency: FrequencyRules
    public let risk: RiskRules
    public let derivation: Derivation
    public let redFlags: RedFlagRules

    public init(form: FormDefinition, followUps: FollowUpRules, frequency: FrequencyRules,
                risk: RiskRules, redFlags: RedFlagRules) {
        self.form = form
        self.validator = FormValidator(form: form)
        self.followUps = followUps
        self.frequency = frequency
        self.risk = risk
        self.redFlags = redFlags
        let copyable = Set(form.sections.filter(\.copyable).flatMap(\.fields).map(\.code))
        self.derivation = Derivation(frequency: frequency, risk: risk, copyableFieldCodes: copyable)
    }

    /// Reads the form and every rules file; a bad file throws a `ResourceError` naming it.
    public static func load(resources: URL) throws -> RuleBook {
        let form = try FormDefinition.load(resources: resources)
        return RuleBook(
            form: form,
            followUps: try FollowUpRules.load(resources: resources, form: form),
            frequency: try FrequencyRules.load(resources: resources),
            risk: try RiskRules.load(resources: resources),
            redFlags: try RedFlagRules.load(resources: resources)
        )
    }
}
