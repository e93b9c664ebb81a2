import Foundation

/// What one demo visit finds; drives the answers and, through the follow-up rules, the follow-ups.
struct DemoFindings {
    /// `safety.hazards` option code, or 0.
    var hazard = 0
    var unmetNeed = false
    var benefitGap = false
    var neglect = false
    var emergency = false
    /// Record no problem in any section (the implausible "all fine" sheet).
    var allClear = false
}

/// A planned visit day before answers are made.
struct DemoSlot {
    enum Kind { case regular, coldWave, festival }
    var day: Int
    var kind: Kind = .regular
    var method: VisitMethod?
    var findings: DemoFindings?
    /// A planted follow-up that must stay open.
    var leaveOpen = false
}

extension DemoBuilder {
    /// `.choices` answers for every set of option codes 1…9 (bit c = code c), so that visits share
    /// the arrays instead of allocating one per answer.
    static let choiceTable: [Answer] = (0..<1024).map { mask in .choices((1...9).filter { mask & (1 << $0) != 0 }) }

    static let copyableSections: Set<String> = ["health", "economic", "family", "safety", "needs"]

    /// The visits of the elders `range` (chronological, ties in elder order) and the closing
    /// records of their follow-ups (by `closedAt`). Each elder's visits come from that elder's own
    /// random stream, so they do not depend on which range is asked for.
    func makeVisits(for range: Range<Int>) -> ([Visit], [DemoClosure]) {
        var visits: [Visit] = []
        visits.reserveCapacity(range.count * (months + 1) * 11 / 10)
        var closures: [DemoClosure] = []
        let coldWave = specialPeriods.first { $0.kind == .coldWave }!
        let festival = specialPeriods.first { $0.kind == .festival }!
        var sheet = DemoSheet()
        for index in range {
            var erng = DemoRandom(seed: DemoRandom.mix(seed ^ DemoRandom.mix(UInt64(index) &+ 0x0E1D_E500)))
            visitsFor(index, coldWave: coldWave, festival: festival, sheet: &sheet, rng: &erng, visits: &visits, closures: &closures)
        }
        // Sort by time through a packed key; the index breaks ties in a fixed order.
        let keys = visits.indices.map { i -> UInt64 in
            let at = visits[i].at
            let minute = UInt64(at.date.dayNumber + 100_000) * 1440 + UInt64(at.hour * 60 + at.minute)
            return minute << 32 | UInt64(i)
        }.sorted()
        let sorted = keys.map { visits[Int($0 & 0xFFFF_FFFF)] }
        let closureKeys = closures.indices.map { i -> UInt64 in
            let at = closures[i].closedAt
            let minute = UInt64(at.date.dayNumber + 100_000) * 1440 + UInt64(at.hour * 60 + at.minute)
            return minute << 32 | UInt64(i)
        }.sorted()
        return (sorted, closureKeys.map { closures[Int($0 & 0xFFFF_FFFF)] })
    }

    /// Active day ranges (day numbers) from the status history, up to the end of today's month.
    func activeRanges(_ history: [StatusChange]) -> [ClosedRange<Int>] {
        let horizon = today.yearMonth.lastDay.dayNumber
        var ranges: [ClosedRange<Int>] = []
        var start: Int?
        for change in history {
            let day = change.date.dayNumber
            if change.status == .active {
                if start == nil { start = day }
            } else if let s = start {
                if day - 1 >= s { ranges.append(s...(day - 1)) }
                start = nil
            }
        }
        if let s = start, s <= horizon { ranges.append(s...horizon) }
        return ranges.compactMap { r in
            let lo = max(r.lowerBound, periodStart.dayNumber)
            return lo <= r.upperBound ? lo...r.upperBound : nil
        }
    }

    func visitsFor(_ index: Int, coldWave: SpecialPeriod, festival: SpecialPeriod, sheet: inout DemoSheet, rng: inout DemoRandom,
                   visits: inout [Visit], closures: inout [DemoClosure]) {
        let e = drafts[index]
        let todayN = today.dayNumber
        let ranges = activeRanges(e.history)
        func active(_ day: Int) -> Bool { ranges.contains { $0.contains(day) } }
        let disabled = e.has(.disabled)

        // 1. Regular monthly visits, more for 失能, some months missed.
        var slots: [DemoSlot] = []
        var month = periodStart.yearMonth
        while month <= today.yearMonth {
            let first = month.firstDay.dayNumber, last = month.lastDay.dayNumber
            var segments: [ClosedRange<Int>] = []
            var total = 0
            for r in ranges where r.upperBound >= first && r.lowerBound <= last {
                let s = max(r.lowerBound, first)...min(r.upperBound, last)
                segments.append(s)
                total += s.count
            }
            if total > 0 {
                var n = 1
                if disabled && rng.chance(0.5) { n += 1 }
                if rng.chance(0.04) { n += 1 }
                if rng.chance(e.remote ? 0.07 : 0.035) { n -= 1 }
                for _ in 0..<n {
                    var k = rng.int(total)
                    for s in segments {
                        if k < s.count { slots.append(DemoSlot(day: s.lowerBound + k)); break }
                        k -= s.count
                    }
                }
            }
            month = month.adding(months: 1)
        }
        // 2. Special periods: the cold wave every 3 days for those it covers, a Spring Festival call.
        if e.has(.livingAlone) || disabled {
            var day = coldWave.from.dayNumber
            while day < todayN {
                if active(day) && rng.chance(0.9) { slots.append(DemoSlot(day: day, kind: .coldWave)) }
                day += coldWave.intervalDays
            }
        }
        let festivalDay = festival.from.dayNumber + rng.int(7)
        if festivalDay < todayN, active(festivalDay), rng.chance(0.85) {
            slots.append(DemoSlot(day: festivalDay, kind: .festival))
        }
        slots.removeAll { $0.day >= todayN }

        // 3. Planted faults.
        var copyFrom: Int?
        switch e.plan {
        case .overdue:
            let cutoff = todayN - 70 - rng.int(30)
            slots.removeAll { $0.day > cutoff }
        case .remoteOnly:
            slots.removeAll { $0.day > todayN - 85 }
            slots.append(DemoSlot(day: todayN - 88, method: .home))
            for back in [62, 33, 6] { slots.append(DemoSlot(day: todayN - back, method: .phone)) }
        case .highRisk:
            slots.removeAll { $0.day > todayN - 50 }
            slots.append(DemoSlot(day: todayN - 48, method: .home, findings: DemoFindings(hazard: 3), leaveOpen: true))
            for back in [25, 4] { slots.append(DemoSlot(day: todayN - back, method: .phone, findings: DemoFindings())) }
        case .emergencyOpen:
            slots.removeAll { $0.day > todayN - 3 }
            slots.append(DemoSlot(day: todayN - 2, method: .home, findings: DemoFindings(emergency: true), leaveOpen: true))
        case .hazardOverdue:
            slots.removeAll { $0.day >= todayN - 25 && $0.day <= todayN - 15 }
            slots.append(DemoSlot(day: todayN - 20, method: .home, findings: DemoFindings(hazard: 5), leaveOpen: true))
        case .implausible:
            if !slots.contains(where: { $0.day >= todayN - 10 }) { slots.append(DemoSlot(day: todayN - 3)) }
        case .deceasedVisit:
            if let death = e.history.last?.date.dayNumber, death + 8 < todayN {
                slots.append(DemoSlot(day: death + 8, method: .home, findings: DemoFindings()))
            }
        case .none, .copied, .missingID, .invalidID, .duplicateOriginal, .duplicateCopy:
            break
        }
        // With a short history a planted visit may fall before the ledger starts.
        slots.removeAll { $0.day < periodStart.dayNumber }
        slots.sort { $0.day < $1.day }
        // One visit a day; a planted slot wins over a random one.
        var unique: [DemoSlot] = []
        for slot in slots {
            if let lastSlot = unique.last, lastSlot.day == slot.day {
                if slot.method != nil || slot.findings != nil { unique[unique.count - 1] = slot }
            } else {
                unique.append(slot)
            }
        }
        slots = unique
        if e.plan == .copied, slots.count >= 4 {
            copyFrom = slots.count - 4
            for k in copyFrom!..<slots.count { slots[k].method = .home; slots[k].findings = DemoFindings() }
        }
        if e.plan == .implausible, !slots.isEmpty {
            slots[slots.count - 1].method = .home
            slots[slots.count - 1].findings = DemoFindings(allClear: true)
        }

        // 4. The visits.
        let visitor = visitors[e.visitor]
        let solo = [visitor.id]
        let pair = e.second.map { [visitor.id, visitors[$0].id] }
        let returns = e.history.filter { $0.status == .active && $0.note == "出院回家" }.map(\.date.dayNumber)
        let end = e.history.first { $0.status == .deceased || $0.status == .movedAway || $0.status == .institution }
        var base: [String: Answer]?
        for (k, slot) in slots.enumerated() {
            let date = LocalDate(dayNumber: slot.day)
            let method = slot.method ?? pickMethod(e, slot.kind, &rng)
            let at = LocalDateTime(date: date, hour: 8 + rng.int(11), minute: rng.int(60))!
            let visitorIDs = (pair != nil && rng.chance(0.5)) ? pair! : solo
            let findings = slot.findings ?? randomFindings(e, method: method, month: date.month, &rng)
            var interval = disabled ? 15 : 30
            if slot.kind == .coldWave { interval = 3 }
            let next = date.adding(days: interval + (interval > 3 ? rng.int(7) - 3 : 0))
            let recentHospital = returns.contains { slot.day - $0 >= 0 && slot.day - $0 <= 30 }
            var copied: Set<String> = []
            var built: (answers: [String: Answer], followUps: [FollowUpType], gap: Int)
            if let from = copyFrom, k > from, let b = base {
                built = (copyHelp(b, next: next, &rng), [], 0)
                copied = Self.copyableSections
            } else {
                built = answers(e, method: method, date: date, findings: findings, kind: slot.kind,
                                recentHospital: recentHospital, next: next, &sheet, &rng)
                if let from = copyFrom, k == from { base = built.answers }
            }
            let id = DemoIDs.visit(base: DemoIDs.base(seed: seed), index: index, ordinal: k, tail: rng.uuid())
            let visit = Visit(id: id, elderID: e.id, at: at, visitorIDs: visitorIDs, method: method,
                              seenInPerson: method.seesTheElder, answers: built.answers, copiedSections: copied)
            visits.append(visit)
            if slot.leaveOpen { continue }
            for type in built.followUps {
                if e.plan != .deceasedVisit,
                   let closure = close(type, visit: visit, findings: findings, gap: built.gap, owner: visitor.name, end: end, &rng) {
                    closures.append(closure)
                } else if let death = end, death.status == .deceased, visit.date <= death.date, death.date < today {
                    // Left open until the death was recorded, which cancels it (Ledger.changeStatus).
                    closures.append(DemoClosure(visitID: visit.id, type: type,
                                                closedAt: max(visit.at, LocalDateTime(date: death.date, hour: 0, minute: 0)!),
                                                action: "老人已去世，事项终止", by: visitor.name, cancelled: true))
                }
            }
        }
    }

    func pickMethod(_ e: DemoElderDraft, _ kind: DemoSlot.Kind, _ rng: inout DemoRandom) -> VisitMethod {
        let home: Double
        switch kind {
        case .coldWave: home = 0.4
        case .festival: home = 0.9
        case .regular: home = e.has(.disabled) ? 0.9 : (e.remote ? 0.6 : 0.8)
        }
        if rng.chance(home) { return .home }
        let r = rng.unit()
        return r < 0.75 ? .phone : (r < 0.95 ? .video : .remoteMonitoring)
    }

    func randomFindings(_ e: DemoElderDraft, method: VisitMethod, month: Int, _ rng: inout DemoRandom) -> DemoFindings {
        var f = DemoFindings()
        if rng.chance((method == .home ? 0.095 : 0.035) * e.hazardFactor) {
            if method == .home {
                let winter = month >= 10 || month <= 3
                // 房屋 用水 用电 燃气 取暖 人身 诈骗 其他
                let weights = [0.12, winter ? 0.08 : 0.03, 0.25, e.hasGas ? 0.06 : 0, winter ? 0.3 : 0.05, 0.15, 0.05, 0.02]
                f.hazard = rng.weighted(weights) + 1
            } else {
                f.hazard = [7, 6, 5][rng.weighted([0.5, 0.3, 0.2])]
            }
        }
        f.unmetNeed = rng.chance(e.has(.disabled) ? 0.09 : 0.045)
        f.benefitGap = rng.chance(0.015)
        f.neglect = e.neglectful && rng.chance(0.5)
        f.emergency = rng.chance(0.0015)
        return f
    }

    // MARK: - Answers

    /// Answers for every applicable choice, yes/no and date field of the sheet, the hazard
    /// description when there is one, and notes now and then; plus the follow-up types the rules will open and the
    /// `economic.benefits` code due but not received (0 when none).
    func answers(_ e: DemoElderDraft, method: VisitMethod, date: LocalDate, findings f: DemoFindings,
                 kind: DemoSlot.Kind, recentHospital: Bool, next: LocalDate,
                 _ a: inout DemoSheet, _ rng: inout DemoRandom) -> (answers: [String: Answer], followUps: [FollowUpType], gap: Int) {
        let table = Self.choiceTable
        a.reset()
        var followUps: [FollowUpType] = []
        let clear = f.allClear

        // 一 Health.
        var illness = clear ? 0 : e.illnessMask | (recentHospital ? 1 << 7 : 0)
        if illness == 0 { illness = 1 << 1 }
        var mental = clear ? 1 : e.mental
        if !clear && mental <= 2 && rng.chance(0.1) { mental = 3 - mental }
        a[.expression] = .choice(clear ? 1 : e.expression)
        a[.mobility] = .choice(clear ? 1 : e.mobility)
        a[.response] = .choice(clear ? 1 : e.response)
        a[.illness] = table[illness]
        a[.mental] = .choice(mental)
        if !clear && rng.chance(0.2) {
            if e.mobility == 4 {
                a[.healthNote] = .text(DemoTexts.bedridden)
            } else {
                let codes = (2...8).filter { illness & (1 << $0) != 0 }
                a[.healthNote] = .text(codes.isEmpty ? DemoTexts.healthy : DemoTexts.healthNotes[rng.pick(codes)] ?? DemoTexts.healthy)
            }
        }

        // 二 Economic.
        var benefits = e.benefitMask | (e.birth.age(on: date) >= advancedAgeThreshold ? 1 << 4 : 0)
        var gap = 0
        if f.benefitGap && !clear, let code = [4, 5, 2, 3].first(where: { benefits & (1 << $0) != 0 }) {
            gap = code
            benefits &= ~(1 << code)
        }
        a[.difficulties] = table[clear || e.difficultiesMask == 0 ? 1 << 1 : e.difficultiesMask]
        a[.benefits] = table[benefits == 0 ? 1 << 8 : benefits]
        a[.benefitsReceived] = .choice(gap != 0 ? 2 : 1)
        if gap != 0 {
            followUps.append(.benefitApplication)
            if rng.chance(0.8) { a[.economicNote] = .text(DemoTexts.benefitGaps[gap]!) }
        } else if !clear && rng.chance(0.08) {
            a[.economicNote] = .text(rng.pick(DemoTexts.economicNotes))
        }

        // 三 Family support.
        let neglect = f.neglect && !clear && e.hasSupporters
        if !e.hasSupporters {
            a[.familyContact] = .choice(4)
            a[.obligations] = .choice(4)
        } else if neglect {
            a[.familyContact] = .choice(rng.chance(0.5) ? 3 : 2)
            a[.obligations] = .choice(3)
            followUps.append(.notifySupporters)
            if rng.chance(0.7) { a[.familyNote] = .text(rng.pick(DemoTexts.neglectFamily)) }
        } else {
            let obligations = clear ? 1 : (e.neglectful ? 2 : e.obligations)
            let often = clear || rng.chance(e.supportersNear ? 0.85 : 0.55)
            a[.familyContact] = .choice(often ? 1 : 2)
            a[.obligations] = .choice(obligations)
            let kinds = obligations == 1 ? (e.supportersNear ? 0b1110 : 0b1010) : (e.supportersNear ? 0b0100 : 0b0010)
            a[.supportKinds] = table[kinds]
            if !clear && rng.chance(0.1) {
                a[.familyNote] = .text(rng.pick(e.supportersNear ? DemoTexts.nearFamily : DemoTexts.farFamily))
            }
        }

        // 四 Safety.
        if method == .home {
            let full = e.hasGas ? 0b111110 : 0b101110
            a[.inspected] = table[rng.chance(0.88) ? full : 0b101010]
        }
        let hazard = clear ? 0 : f.hazard
        a[.hasHazard] = .yesNo(hazard != 0)
        if hazard != 0 {
            a[.hazards] = table[1 << hazard]
            a[.hazardDetail] = .text(rng.pick(DemoTexts.hazards[hazard]!.details))
            followUps.append(.hazardRectification)
        }
        var reminders = 0
        let winter = date.month >= 10 || date.month <= 3
        if winter { reminders |= 1 << 2 | 1 << 6 }
        if rng.chance(0.5) { reminders |= 1 << 1 }
        if e.birth.age(on: date) >= 75 || e.has(.disabled) { reminders |= 1 << 4 }
        if rng.chance(0.3) { reminders |= 1 << 5 }
        if rng.chance(0.2) { reminders |= 1 << 3 }
        if !winter && date.month >= 6 && date.month <= 8 && rng.chance(0.3) { reminders |= 1 << 6 }
        if reminders == 0 || rng.chance(0.02) { reminders = 1 << 8 }
        a[.reminders] = table[reminders]

        // 五 Needs.
        let emergency = f.emergency && !clear
        var needs = clear ? 0 : e.needsMask
        let unmet = f.unmetNeed && !clear
        if unmet && needs == 0 { needs = 1 << [6, 9, 4, 8][rng.int(4)] }
        if emergency { needs |= 1 << 5 }
        a[.needs] = table[needs == 0 ? 1 << 1 : needs]
        if needs != 0 {
            let met = unmet ? (rng.chance(0.7) ? 2 : 3) : 1
            a[.needsMet] = .choice(met)
            if met != 1 { followUps.append(.referral) }
        }
        a[.emergency] = .yesNo(emergency)
        if emergency { followUps.append(.emergency) }
        if unmet && rng.chance(0.5) || !clear && rng.chance(0.03) {
            a[.needsOther] = .text(rng.pick(DemoTexts.otherNeeds))
        }

        // 六 Help given, consistent with what was found.
        var help = 0
        var note: String?
        if hazard != 0 { help |= 1 << 3; if rng.chance(0.5) { help |= 1 << 5 }; note = rng.pick(DemoTexts.hazardNotes) }
        if neglect { help |= 1 << 4; note = rng.pick(DemoTexts.neglectNotes) }
        if unmet { help |= 1 << 2; if rng.chance(0.5) { help |= 1 << 5 }; note = rng.pick(DemoTexts.needNotes) }
        if gap != 0 { help |= 1 << 6; note = rng.pick(DemoTexts.benefitNotes) }
        if emergency { help |= 1 << 7 | 1 << 8 | 1 << 3; note = rng.pick(DemoTexts.emergencyNotes) }
        switch kind {
        case .festival: help |= 1 << 1; note = note ?? rng.pick(DemoTexts.festivalNotes)
        case .coldWave: note = note ?? (rng.chance(0.6) ? rng.pick(DemoTexts.coldWaveNotes) : nil)
        case .regular: if note == nil && rng.chance(0.25) { note = rng.pick(DemoTexts.routineNotes) }
        }
        if help == 0 { help = rng.chance(0.55) ? 1 << 1 : 1 << 9 } else if rng.chance(0.3) { help |= 1 << 1 }
        a[.helpGiven] = table[help]
        if let note { a[.notes] = .text(note) }
        a[.nextVisit] = .date(next)
        return (a.answers(), followUps, gap)
    }

    /// A "same as last visit" sheet: the five sections unchanged, only the help section new.
    func copyHelp(_ base: [String: Answer], next: LocalDate, _ rng: inout DemoRandom) -> [String: Answer] {
        var a = base
        a[FieldCode.helpGiven] = Self.choiceTable[rng.chance(0.5) ? 1 << 1 : 1 << 9]
        a[FieldCode.notes] = nil
        a[FieldCode.nextVisit] = .date(next)
        return a
    }

    // MARK: - Closing follow-ups

    /// Most follow-ups closed within days by their owner, some late, a few never; those of an elder
    /// who died, moved or entered an institution meanwhile are cancelled on that day.
    func close(_ type: FollowUpType, visit: Visit, findings: DemoFindings, gap: Int, owner: String, end: StatusChange?,
               _ rng: inout DemoRandom) -> DemoClosure? {
        let (usual, late): (ClosedRange<Int>, ClosedRange<Int>)
        var action: String
        switch type {
        case .hazardRectification:
            (usual, late) = (20...150, 175...420)
            action = rng.pick(DemoTexts.hazards[findings.hazard]?.actions ?? ["已协助处理"])
        case .notifySupporters:
            (usual, late) = (2...72, 175...300)
            action = rng.pick(DemoTexts.notifyActions)
        case .referral:
            (usual, late) = (40...300, 340...600)
            action = rng.pick(DemoTexts.referralActions)
        case .benefitApplication:
            (usual, late) = (72...600, 730...1200)
            action = DemoTexts.benefitActions[gap] ?? "已协助提交申请材料"
        case .emergency:
            (usual, late) = (1...12, 26...60)
            action = rng.pick(DemoTexts.emergencyActions)
        case .revisit:
            (usual, late) = (24...200, 200...400)
            action = "已回访，情况稳定"
        }
        let roll = rng.unit()
        if type != .emergency && roll < 0.04 { return nil }
        var cancelled = false
        if (type == .referral || type == .benefitApplication) && roll < 0.06 {
            cancelled = true
            action = rng.pick(DemoTexts.cancelActions)
        }
        var closedAt = visit.at.adding(hours: rng.int(in: roll > 0.92 ? late : usual))
        if closedAt.hour < 8 || closedAt.hour > 20 {
            let day = closedAt.hour < 8 ? closedAt.date : closedAt.date.adding(days: 1)
            closedAt = LocalDateTime(date: day, hour: 9 + rng.int(3), minute: rng.int(60))!
        }
        if let end, closedAt.date >= end.date {
            guard end.date > visit.date else { return nil }
            // A death cancels as of that day, as recording it does (Ledger.changeStatus).
            closedAt = LocalDateTime(date: end.date, hour: end.status == .deceased ? 0 : 10, minute: 0)!
            cancelled = true
            switch end.status {
            case .deceased: action = "老人已去世，事项终止"
            case .movedAway: action = "老人已迁出，已告知迁入地"
            default: action = "老人已入住养老机构，事项终止"
            }
        }
        guard closedAt.date < today else { return nil }
        return DemoClosure(visitID: visit.id, type: type, closedAt: closedAt, action: action, by: owner, cancelled: cancelled)
    }
}
