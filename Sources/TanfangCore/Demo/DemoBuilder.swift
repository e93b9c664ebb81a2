import Foundation

/// A deliberate fault planted on one elder so that a red flag shows on the demo ledger.
enum DemoPlan: Equatable {
    case none, overdue, hazardOverdue, emergencyOpen, highRisk, remoteOnly, copied, implausible
    case missingID, invalidID, duplicateOriginal, duplicateCopy, deceasedVisit
}

/// The working record of one elder while the demo is built.
struct DemoElderDraft {
    var id: UUID
    var village: Int
    var grid: Int
    var people: DemoNames.People
    var gender: Gender
    var name: String
    var birth: LocalDate
    var idNumber: String?
    var cats: Int
    var degree: DisabilityDegree?
    var living: LivingArrangement
    var supporters: [Supporter]
    var contacts: [Contact]
    var phone: String?
    var address: String
    var visitor: Int
    var second: Int?
    var remote: Bool
    var wishes: String?
    var sources: Set<String>
    var history: [StatusChange]
    var riskOverride: RiskOverride?
    // Traits that shape the visit answers (option codes of visit-record.json).
    var expression: Int
    var mobility: Int
    var response: Int
    var mental: Int
    var illnessMask: Int
    var difficultiesMask: Int
    var benefitMask: Int
    var needsMask: Int
    var hasGas: Bool
    var hasSupporters: Bool
    var supportersNear: Bool
    var obligations: Int
    var neglectful: Bool
    var hazardFactor: Double
    var plan: DemoPlan

    func has(_ c: Category) -> Bool { cats & c.bit != 0 }
}

struct DemoVillage {
    var place: Place
    var township: Int
    var grids: [Place]
    var peopleWeights: [Double]
    var cadre: Int
    var gridWorkers: [Int]
    /// Volunteers, old party members, younger elders, neighbours.
    var helpers: [Int]
}

struct DemoTownship {
    var place: Place
    var doctor: Int
    var socialWorker: Int
    var careWorker: Int
}

/// Builds `DemoData` in stages; one generator for structure, one per elder for visits, so that
/// planting a fault on one elder does not reshuffle everyone else.
struct DemoBuilder {
    let seed: UInt64
    let elderCount: Int
    let months: Int
    let today: LocalDate
    let periodStart: LocalDate
    var rng: DemoRandom

    var places: [Place] = []
    var county: Place!
    var townships: [DemoTownship] = []
    var villages: [DemoVillage] = []
    var visitors: [Visitor] = []
    var users: [DemoUser] = []
    var drafts: [DemoElderDraft] = []
    var specialPeriods: [SpecialPeriod] = []
    var propertyStaff = 0

    init(seed: UInt64, elderCount: Int, months: Int, today: LocalDate) {
        self.seed = seed
        self.elderCount = elderCount
        self.months = months
        self.today = today
        self.periodStart = today.yearMonth.adding(months: -months).firstDay
        self.rng = DemoRandom(seed: DemoRandom.mix(seed ^ 0x7A6E_6661_6E67_0001))
    }

    mutating func build() -> DemoData {
        prepare()
        let (visits, closures) = makeVisits(for: drafts.indices)
        return DemoData(places: places, visitors: visitors, users: users, elders: drafts.map(elder),
                        visits: visits, closures: closures, specialPeriods: specialPeriods)
    }

    /// Everything but the visits: places, people, elders with their planted faults, special periods.
    /// Visits are then made per elder from the elder's own random stream, in any order or part.
    mutating func prepare() {
        makePlaces()
        makeVisitors()
        makeUsers()
        makeElders()
        plantFaults()
        // Once every draft exists (plantFaults adds some): identifiers ascending in elder order.
        // A build inserts elders batch by batch in that order, so the visit and follow-up indexes
        // that lead with the elder are kept during the load instead of rebuilt after it.
        for i in drafts.indices { drafts[i].id = DemoIDs.elder(seed: seed, index: i, tail: drafts[i].id) }
        makeSpecialPeriods()
    }

    // MARK: - Places

    mutating func makePlaces() {
        county = Place(id: rng.uuid(), code: DemoNames.county.code, name: DemoNames.county.name, level: .county, parentID: nil)
        places.append(county)
        // The first township always has 4 villages (3, 2, 3, 2 grids) so the log-ins stay stable.
        let townshipCount = 3 + rng.int(2)
        var perTownship = [4] + (1..<townshipCount).map { _ in 3 + rng.int(3) }
        let needed = (elderCount + 109) / 110
        if perTownship.reduce(0, +) < needed {
            let count = min(DemoNames.townships.count, max(townshipCount, (needed + 11) / 12))
            perTownship = (0..<count).map { needed / count + ($0 < needed % count ? 1 : 0) }
        }
        var towns = 0, xiang = 0
        var villageIndex = 0
        let hanVillages: Set<String> = ["红旗", "团结", "幸福", "和平", "新建", "东梁", "胜利", "友谊", "光明", "民主", "前进", "园艺"]
        for (t, villageCount) in perTownship.enumerated() {
            let name = DemoNames.township(t)
            let number: Int
            if name.hasSuffix("镇") { number = 100 + towns; towns += 1 } else { number = 200 + xiang; xiang += 1 }
            let township = Place(id: rng.uuid(), code: county.code + String(format: "%03d", number), name: name,
                                 level: .township, parentID: county.id)
            places.append(township)
            townships.append(DemoTownship(place: township, doctor: 0, socialWorker: 0, careWorker: 0))
            for v in 0..<villageCount {
                let vname = DemoNames.village(villageIndex)
                let base = DemoNames.villages[villageIndex % DemoNames.villages.count]
                villageIndex += 1
                let village = Place(id: rng.uuid(), code: township.code + String(format: "%03d", 201 + v),
                                    name: vname, level: .village, parentID: township.id)
                places.append(village)
                let gridCount = t == 0 ? (v % 2 == 0 ? 3 : 2) : 2 + rng.int(2)
                var grids: [Place] = []
                for g in 0..<gridCount {
                    let grid = Place(id: rng.uuid(), code: village.code + String(format: "%02d", g + 1),
                                     name: "\(g + 1)组", level: .grid, parentID: village.id)
                    grids.append(grid)
                    places.append(grid)
                }
                // Han, Uyghur, Kazakh, Hui shares differ by village.
                let weights: [Double]
                if name.contains("回族") {
                    weights = [0.15, 0.3, 0.05, 0.5]
                } else if hanVillages.contains(base) {
                    weights = [0.6, 0.2, 0.05, 0.15]
                } else if rng.chance(0.3) {
                    weights = [0.15, 0.25, 0.5, 0.1]
                } else {
                    weights = [0.15, 0.65, 0.08, 0.12]
                }
                villages.append(DemoVillage(place: village, township: t, grids: grids, peopleWeights: weights,
                                            cadre: 0, gridWorkers: [], helpers: []))
            }
        }
    }

    // MARK: - Visitors and users

    mutating func randomName(weights: [Double], old: Bool = false) -> String {
        let people = DemoNames.People(rawValue: rng.weighted(weights))!
        let gender: Gender = rng.chance(0.5) ? .male : .female
        return DemoNames.name(people, gender: gender, old: old, rng: &rng)
    }

    mutating func addVisitor(_ name: String, _ role: VisitorRole, _ placeID: UUID) -> Int {
        visitors.append(Visitor(id: rng.uuid(), name: name, role: role, phone: DemoNames.mobile(&rng), placeID: placeID))
        return visitors.count - 1
    }

    mutating func makeVisitors() {
        let countyWeights = DemoNames.peopleWeights
        for t in townships.indices {
            let pid = townships[t].place.id
            townships[t].doctor = addVisitor(randomName(weights: countyWeights), .familyDoctor, pid)
            townships[t].socialWorker = addVisitor(randomName(weights: countyWeights), .socialWorker, pid)
            townships[t].careWorker = addVisitor(randomName(weights: countyWeights), .careWorker, pid)
        }
        propertyStaff = addVisitor(randomName(weights: countyWeights), .propertyStaff, townships[0].place.id)
        var fixedGridNames = DemoNames.gridWorkerNames[...]
        for v in villages.indices {
            let weights = villages[v].peopleWeights
            let pid = villages[v].place.id
            villages[v].cadre = addVisitor(randomName(weights: weights), .villageCadre, pid)
            for _ in villages[v].grids {
                let name: String
                if villages[v].township == 0, let fixed = fixedGridNames.popFirst() {
                    name = fixed
                } else {
                    name = randomName(weights: weights)
                }
                villages[v].gridWorkers.append(addVisitor(name, .gridWorker, pid))
            }
            let first = v == 0
            if first || rng.chance(0.6) { villages[v].helpers.append(addVisitor(randomName(weights: weights, old: true), .partyMember, pid)) }
            if first || rng.chance(0.6) { villages[v].helpers.append(addVisitor(randomName(weights: weights), .volunteer, pid)) }
            if first || rng.chance(0.4) { villages[v].helpers.append(addVisitor(randomName(weights: weights, old: true), .youngerElder, pid)) }
            if first || rng.chance(0.3) { villages[v].helpers.append(addVisitor(randomName(weights: weights), .relativeNeighbour, pid)) }
        }
    }

    mutating func makeUsers() {
        func add(_ name: String, _ role: UserRole, _ area: UUID, _ pin: String, visitor: UUID? = nil) {
            users.append(DemoUser(user: User(id: rng.uuid(), name: name, role: role, areaID: area, visitorID: visitor,
                                             pinHash: ""), pin: pin))
        }
        add("周建华", .admin, county.id, "0000")
        add("李红梅", .supervisor, county.id, "1111")
        add("艾尔肯·吐尔逊", .supervisor, townships[0].place.id, "1111")
        var taken = Set(users.map(\.user.name))
        var clerkNames = DemoNames.clerkNames[...]
        let first = villages.filter { $0.township == 0 }
        for village in first {
            var name = clerkNames.popFirst() ?? randomName(weights: village.peopleWeights)
            while taken.contains(name) { name = randomName(weights: village.peopleWeights) }
            taken.insert(name)
            add(name, .clerk, village.place.id, "2222")
        }
        for village in first {
            for index in village.gridWorkers {
                let visitor = visitors[index]
                // A log-in name must be unique; a random grid worker name may repeat one.
                var name = visitor.name
                var n = 2
                while taken.contains(name) { name = visitor.name + "（\(n)）"; n += 1 }
                taken.insert(name)
                add(name, .gridWorker, village.place.id, "3333", visitor: visitor.id)
            }
        }
    }

    // MARK: - Elders

    mutating func makeElders() {
        guard elderCount > 0 else { return }
        // Uneven village sizes, summing exactly to elderCount.
        let weights = villages.map { _ in 0.7 + rng.unit() * 0.6 }
        let total = weights.reduce(0, +)
        var counts = weights.map { Int(Double(elderCount) * $0 / total) }
        var rest = elderCount - counts.reduce(0, +)
        var i = 0
        while rest > 0 { counts[i % counts.count] += 1; rest -= 1; i += 1 }
        var usedIDs = Set<String>()
        drafts.reserveCapacity(elderCount)
        for (v, count) in counts.enumerated() {
            var houseNumbers = Array(repeating: 0, count: villages[v].grids.count)
            for _ in 0..<count {
                drafts.append(makeElder(village: v, houseNumbers: &houseNumbers, usedIDs: &usedIDs))
            }
        }
    }

    static let ageBuckets: [(ClosedRange<Int>, Double)] = [
        (60...64, 12), (65...69, 18), (70...74, 20), (75...79, 18), (80...84, 15), (85...89, 10), (90...94, 5), (95...98, 2),
    ]

    mutating func makeElder(village v: Int, houseNumbers: inout [Int], usedIDs: inout Set<String>) -> DemoElderDraft {
        let village = villages[v]
        let people = DemoNames.People(rawValue: rng.weighted(village.peopleWeights))!
        let gender: Gender = rng.chance(0.55) ? .female : .male
        let name = DemoNames.name(people, gender: gender, old: true, rng: &rng)
        let bucket = Self.ageBuckets[rng.weighted(Self.ageBuckets.map(\.1))].0
        let age = rng.int(in: bucket)
        // A birth date that makes the elder exactly `age` today.
        let latest = LocalDate(year: today.year - age, month: today.month, day: min(today.day, 28))!
        let birth = latest.adding(days: -rng.int(364))
        let idNumber = makeIDNumber(birth: birth, gender: gender, used: &usedIDs)

        // Categories, correlated as on real ledgers.
        var cats = 0
        let alone = rng.chance(0.25)
        if alone { cats |= Category.livingAlone.bit }
        if !alone && rng.chance(0.4) { cats |= Category.emptyNest.bit }
        let disabled = rng.chance(age >= 85 ? 0.3 : 0.12)
        if disabled { cats |= Category.disabled.bit }
        if rng.chance(disabled ? 0.22 : 0.02) { cats |= Category.severelyDisabled.bit }
        if rng.chance(0.03) { cats |= Category.familyPlanningSpecial.bit }
        if rng.chance(0.06) { cats |= Category.destitute.bit }
        let childless = cats & (Category.destitute.bit | Category.familyPlanningSpecial.bit) != 0
        if !childless && rng.chance(cats & (Category.livingAlone.bit | Category.emptyNest.bit) != 0 ? 0.2 : 0.1) {
            cats |= Category.leftBehind.bit
        }
        if cats == 0 && age < advancedAgeThreshold {
            cats |= childless ? Category.livingAlone.bit : (rng.chance(0.75) ? Category.emptyNest.bit : Category.leftBehind.bit)
        }
        let degree: DisabilityDegree? = disabled ? [.mild, .moderate, .severe][rng.weighted([0.45, 0.35, 0.2])] : nil

        let living: LivingArrangement
        if cats & Category.livingAlone.bit != 0 { living = .alone }
        else if cats & Category.emptyNest.bit != 0 { living = .withSpouse }
        else if cats & Category.leftBehind.bit != 0 { living = rng.chance(0.6) ? .withSpouse : .withOthers }
        else { living = rng.chance(0.6) ? .withChildren : (rng.chance(0.5) ? .withSpouse : .withOthers) }

        // Supporters: children, far away for 留守, none for 特困 and most 计生特殊.
        var supporters: [Supporter] = []
        let leftBehind = cats & Category.leftBehind.bit != 0
        if !childless || (cats & Category.familyPlanningSpecial.bit != 0 && cats & Category.destitute.bit == 0 && rng.chance(0.3)) {
            let count = childless ? 1 : (people == .han ? 1 + rng.int(3) : 2 + rng.int(4))
            let father = gender == .male ? DemoNames.familyPart(of: name, people) : nil
            for k in 0..<min(count, 4) {
                let son = rng.chance(0.5)
                let childName: String
                if people.usesPatronym {
                    childName = DemoNames.name(people, gender: son ? .male : .female, old: false, father: father, rng: &rng)
                } else {
                    childName = DemoNames.name(people, gender: son ? .male : .female, old: false,
                                               surname: father ?? supporters.first.map { String($0.name.prefix(1)) },
                                               rng: &rng)
                }
                let residence: String
                if leftBehind { residence = rng.pick(DemoNames.farResidences) }
                else if k == 0 && living == .withChildren { residence = "同住" }
                else { residence = rng.pick(DemoNames.supporterResidences) }
                supporters.append(Supporter(name: childName, relation: son ? "儿子" : "女儿",
                                            phone: rng.chance(0.92) ? DemoNames.mobile(&rng) : nil, residence: residence))
            }
        } else if !childless && rng.chance(0.5) {
            supporters.append(Supporter(name: DemoNames.name(people, gender: .male, old: false, rng: &rng), relation: "侄子",
                                        phone: DemoNames.mobile(&rng), residence: "本乡其他村"))
        }
        var contacts: [Contact] = []
        if let s = supporters.first(where: { $0.phone != nil }), let phone = s.phone {
            contacts.append(Contact(name: s.name, relation: s.relation, phone: phone))
        }
        if contacts.isEmpty || rng.chance(0.3) {
            contacts.append(Contact(name: randomName(weights: village.peopleWeights), relation: "邻居", phone: DemoNames.mobile(&rng)))
        }
        let near = supporters.contains { ["同住", "本村", "本乡其他村", "伊宁县城"].contains($0.residence ?? "") }

        let grid = rng.int(village.grids.count)
        houseNumbers[grid] += 1 + rng.int(3)
        let address = "\(village.place.name)\(village.grids[grid].name)\(houseNumbers[grid])号"
        let phone: String?
        if rng.chance(age >= 85 || degree == .severe ? 0.5 : 0.78) { phone = DemoNames.mobile(&rng) }
        else if rng.chance(0.3) { phone = "0999-" + String(4_000_000 + rng.int(999_999)) }
        else { phone = nil }

        // The responsible visitor: mostly the grid worker, else a cadre, a helper or a professional.
        let township = townships[village.township]
        let roll = rng.unit()
        let visitor: Int
        if roll < 0.58 { visitor = village.gridWorkers[grid] }
        else if roll < 0.74 { visitor = village.cadre }
        else if roll < 0.90, !village.helpers.isEmpty { visitor = rng.pick(village.helpers) }
        else if disabled || cats & Category.destitute.bit != 0 {
            visitor = [township.doctor, township.socialWorker, township.careWorker][rng.int(3)]
        } else { visitor = village.gridWorkers[grid] }
        let second = visitor == village.cadre ? (disabled ? township.doctor : village.gridWorkers[grid]) : village.cadre

        var sources: Set<String> = rng.chance(0.9) ? ["村委会摸底"] : []
        if cats & (Category.disabled.bit | Category.severelyDisabled.bit) != 0, rng.chance(0.6) { sources.insert("残联") }
        if cats & Category.familyPlanningSpecial.bit != 0 { sources.insert("卫健") }
        if sources.isEmpty { sources.insert("村委会摸底") }

        // Health and circumstances the visits will report.
        let mobility: Int
        switch degree {
        case .severe: mobility = rng.chance(0.7) ? 4 : 3
        case .moderate: mobility = 3
        case .mild: mobility = 2
        case nil: mobility = age >= 85 && rng.chance(0.4) ? 2 : 1
        }
        let expression = degree == .severe ? [2, 3, 4][rng.weighted([0.5, 0.35, 0.15])] : (age >= 88 && rng.chance(0.3) ? 2 : 1)
        let response = degree == .severe || age >= 88 ? (rng.chance(0.6) ? 2 : 3) : (age >= 80 && rng.chance(0.3) ? 2 : 1)
        let mental: Int
        if alone && rng.chance(0.25) { mental = 3 }
        else if degree == .severe && rng.chance(0.2) { mental = 4 }
        else { mental = rng.chance(0.65) ? 1 : 2 }
        var illness = 0
        for (code, p) in [(2, 0.45), (3, 0.15), (4, 0.2), (5, 0.1), (6, 0.25), (8, 0.05)] where rng.chance(p) { illness |= 1 << code }
        if degree == .severe { illness |= 1 << 4 }
        var difficulties = 0
        if cats & Category.destitute.bit != 0 || rng.chance(0.08) {
            for (code, p) in [(2, 0.2), (3, 0.3), (4, 0.4), (5, 0.3), (6, 0.4)] where rng.chance(p) { difficulties |= 1 << code }
        }
        var benefits = 0
        if rng.chance(0.95) { benefits |= 1 << 1 }
        if rng.chance(0.97) { benefits |= 1 << 6 }
        if cats & Category.destitute.bit != 0 { benefits |= 1 << 3 } else if rng.chance(0.12) { benefits |= 1 << 2 }
        if cats & Category.severelyDisabled.bit != 0 { benefits |= 1 << 5 }
        if cats & Category.familyPlanningSpecial.bit != 0 { benefits |= 1 << 7 }
        var needs = 0
        switch degree {
        case .severe: needs |= 1 << 2 | 1 << 3
        case .moderate: needs |= 1 << 2
        case .mild: needs |= 1 << 3
        case nil: break
        }
        if alone && rng.chance(0.2) { needs |= 1 << 8 }
        if mental == 3 && rng.chance(0.5) { needs |= 1 << 4 }
        if rng.chance(0.06) { needs |= 1 << 9 }

        return DemoElderDraft(
            id: rng.uuid(), village: v, grid: grid, people: people, gender: gender, name: name, birth: birth,
            idNumber: idNumber, cats: cats, degree: degree, living: living, supporters: supporters, contacts: contacts,
            phone: phone, address: address, visitor: visitor, second: rng.chance(0.12) ? second : nil,
            remote: rng.chance(0.1), wishes: rng.chance(0.6) ? rng.pick(DemoNames.wishes) : nil, sources: sources,
            history: makeHistory(birth: birth, age: age), riskOverride: nil,
            expression: expression, mobility: mobility, response: response, mental: mental, illnessMask: illness,
            difficultiesMask: difficulties, benefitMask: benefits, needsMask: needs, hasGas: rng.chance(0.4),
            hasSupporters: !supporters.isEmpty, supportersNear: near, obligations: rng.chance(0.85) ? 1 : 2,
            neglectful: !supporters.isEmpty && rng.chance(0.04), hazardFactor: 0.4 + rng.unit() * 1.2, plan: .none)
    }

    /// A valid 18-character ID number from the county, unique on the ledger.
    mutating func makeIDNumber(birth: LocalDate, gender: Gender, used: inout Set<String>) -> String {
        while true {
            let sequence = rng.int(499) * 2 + (gender == .male ? 1 : 2)
            let first17 = DemoNames.county.code + DemoNames.digits(birth.year, 4) + DemoNames.digits(birth.month, 2)
                + DemoNames.digits(birth.day, 2) + DemoNames.digits(sequence, 3)
            if used.insert(first17).inserted {
                return first17 + String(IDNumber.checkCharacter(for: first17))
            }
        }
    }

    /// Active from the start of the period (or from joining), with a few hospital stays, moves,
    /// institutions and deaths.
    mutating func makeHistory(birth: LocalDate, age: Int) -> [StatusChange] {
        let last = today.adding(days: -1).dayNumber
        let span = last - periodStart.dayNumber
        var start = periodStart
        var note = "纳入台账"
        let sixty = LocalDate(year: birth.year + 60, month: birth.month, day: min(birth.day, 28))!
        if sixty > periodStart {
            start = sixty
            note = "年满60周岁纳入台账"
        } else if span > 60, rng.chance(0.04) {
            start = LocalDate(dayNumber: periodStart.dayNumber + 20 + rng.int(span - 40))
            note = "摸底新增"
        }
        var history = [StatusChange(date: start, status: .active, note: note)]
        let years = Double(months) / 12
        let from = start.dayNumber + 15
        guard last - from > 30 else { return history }
        // One terminal change at most.
        var end = last + 1
        let roll = rng.unit()
        let deathRate = min(0.35, (age >= 85 ? 0.07 : 0.025) * years)
        let moveRate = min(0.1, 0.01 * years)
        if roll < deathRate + 2 * moveRate {
            end = from + rng.int(last - from)
            let status: ElderStatus
            let text: String
            if roll < deathRate { status = .deceased; text = rng.pick(["因病去世", "病故", "在家中去世"]) }
            else if roll < deathRate + moveRate { status = .movedAway; text = rng.pick(["随子女迁往乌鲁木齐市", "随女儿迁往伊宁市", "户籍迁出"]) }
            else { status = .institution; text = rng.pick(["入住伊宁县社会福利中心", "入住乡镇敬老院", "入住民办养老院"]) }
            history.append(StatusChange(date: LocalDate(dayNumber: end), status: status, note: text))
        }
        if rng.chance(min(0.3, 0.05 * years)) {
            let day = from + rng.int(max(1, end - from))
            let back = day + 7 + rng.int(34)
            if back + 3 < end {
                history.insert(StatusChange(date: LocalDate(dayNumber: day), status: .hospitalized,
                                            note: rng.pick(["脑梗住院治疗", "肺炎住院", "跌倒骨折住院", "高血压住院观察"])),
                               at: 1)
                if back <= last {
                    history.insert(StatusChange(date: LocalDate(dayNumber: back), status: .active, note: "出院回家"), at: 2)
                }
            }
        }
        return history
    }

    // MARK: - Planted faults

    mutating func plantFaults() {
        let plans: [DemoPlan] = [
            .overdue, .hazardOverdue, .emergencyOpen, .highRisk, .remoteOnly, .copied, .implausible,
            .missingID, .invalidID, .duplicateOriginal, .deceasedVisit, .overdue, .missingID, .invalidID,
        ]
        // Candidates: full history, 66 or older, spread over villages by a shuffled order.
        var order = Array(drafts.indices)
        for i in order.indices.reversed() where i > 0 { order.swapAt(i, rng.int(i + 1)) }
        var candidates = order.filter { drafts[$0].birth.age(on: periodStart) >= 61 && drafts[$0].birth.age(on: today) >= 66 }[...]
        for plan in plans {
            guard let index = candidates.popFirst() else { break }
            drafts[index].plan = plan
            drafts[index].history = [StatusChange(date: periodStart, status: .active, note: "纳入台账")]
            apply(plan, to: index, candidates: &candidates)
        }
    }

    mutating func apply(_ plan: DemoPlan, to i: Int, candidates: inout ArraySlice<Int>) {
        switch plan {
        case .highRisk:
            drafts[i].cats |= Category.disabled.bit | Category.livingAlone.bit
            drafts[i].cats &= ~Category.emptyNest.bit
            drafts[i].degree = .moderate
            drafts[i].mobility = 3
            drafts[i].needsMask = 1 << 2
            drafts[i].living = .alone
        case .remoteOnly:
            drafts[i].cats |= Category.disabled.bit
            drafts[i].degree = drafts[i].degree ?? .mild
            drafts[i].mobility = max(drafts[i].mobility, 2)
            drafts[i].needsMask |= 1 << 3
        case .implausible:
            drafts[i].cats |= Category.severelyDisabled.bit | Category.disabled.bit
            drafts[i].degree = .severe
            drafts[i].mobility = 4
            drafts[i].expression = 3
            drafts[i].needsMask |= 1 << 2 | 1 << 3
            drafts[i].benefitMask |= 1 << 5
        case .missingID:
            drafts[i].idNumber = nil
        case .invalidID:
            if let valid = drafts[i].idNumber {
                let check = valid.last!
                let wrong = "10X98765432".first { $0 != check }!
                drafts[i].idNumber = String(valid.dropLast()) + String(wrong)
            }
        case .duplicateOriginal:
            // The same person again, listed by another village from another source.
            let original = drafts[i]
            guard let j = candidates.first(where: { drafts[$0].village != original.village }) else { return }
            candidates.removeAll { $0 == j }
            drafts[i].sources = ["村委会摸底"]
            drafts[j].plan = .duplicateCopy
            drafts[j].history = [StatusChange(date: periodStart, status: .active, note: "纳入台账")]
            drafts[j].name = original.name
            drafts[j].gender = original.gender
            drafts[j].people = original.people
            drafts[j].birth = original.birth
            drafts[j].idNumber = original.idNumber
            drafts[j].phone = original.phone
            drafts[j].sources = original.has(.disabled) ? ["残联"] : ["卫健"]
        case .deceasedVisit:
            let death = max(today.adding(days: -30), periodStart.adding(days: 5))
            drafts[i].history.append(StatusChange(date: death, status: .deceased, note: "因病去世"))
        case .none, .overdue, .hazardOverdue, .emergencyOpen, .copied, .duplicateCopy:
            break
        }
    }

    // MARK: - Special periods

    /// 春节 (Chinese New Year's Day) by Gregorian year.
    static let springFestival: [Int: (Int, Int)] = [
        2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25), 2021: (2, 12),
        2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26),
        2029: (2, 13), 2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19), 2035: (2, 8),
        2036: (1, 28), 2037: (2, 15), 2038: (2, 4), 2039: (1, 24), 2040: (2, 12),
    ]

    static func springFestival(_ year: Int) -> LocalDate {
        let md = springFestival[year] ?? (2, 5)
        return LocalDate(year: year, month: md.0, day: md.1)!
    }

    /// A cold wave covering today (独居 and 失能 every 3 days) and the last Spring Festival (all elders, every 15 days).
    mutating func makeSpecialPeriods() {
        specialPeriods.append(SpecialPeriod(
            id: rng.uuid(), name: "\(today.year)年\(today.month)月寒潮降温", kind: .coldWave,
            from: today.adding(days: -6), to: today.adding(days: 4), intervalDays: 3,
            categories: [.livingAlone, .disabled]))
        var year = today.year
        while Self.springFestival(year).adding(days: 8) >= today { year -= 1 }
        let day = Self.springFestival(year)
        specialPeriods.insert(SpecialPeriod(
            id: rng.uuid(), name: "\(year)年春节", kind: .festival, from: day.adding(days: -7), to: day.adding(days: 8),
            intervalDays: 15), at: 0)
    }

    // MARK: - Output

    func elder(_ d: DemoElderDraft) -> Elder {
        let village = villages[d.village]
        return Elder(
            id: d.id, name: d.name, gender: d.gender, idNumber: d.idNumber, birthDate: d.birth,
            ethnicity: d.people.ethnicity, phone: d.phone, address: d.address, villageID: village.place.id,
            gridID: village.grids[d.grid].id, categories: Category.from(mask: d.cats), disabilityDegree: d.degree,
            livingArrangement: d.living, supporters: d.supporters, emergencyContacts: d.contacts,
            visitorID: visitors[d.visitor].id, wishes: d.wishes, remote: d.remote, riskOverride: d.riskOverride,
            statusHistory: d.history, sources: d.sources)
    }
}

extension DemoRandom {
    /// The SplitMix64 finalizer, to derive unrelated seeds (elder i's stream) from one seed.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
