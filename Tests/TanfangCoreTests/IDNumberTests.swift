import Testing
@testable import TanfangCore

@Suite struct IDNumberTests {
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    /// Builds a valid 18-character number from its first 17 digits using an independent
    /// implementation of the MOD 11-2 check (so a wrong table in `IDNumber` would fail).
    static func valid(_ first17: String) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(first17.map { Int(String($0))! }, weights).map(*).reduce(0, +)
        // 2^(17-i) mod 11 for the weights; check value c satisfies sum + c ≡ 1 (mod 11).
        let c = (12 - sum % 11) % 11
        return first17 + (c == 10 ? "X" : String(c))
    }

    @Test func publishedExampleIsValid() throws {
        // Given the example from the GB 11643-1999 standard
        // When it is parsed
        let info = try IDNumber.parse("11010519491231002X").get()
        // Then its parts are read out
        #expect(info.normalized == "11010519491231002X")
        #expect(info.birthDate == LocalDate(year: 1949, month: 12, day: 31))
        #expect(info.gender == .female)  // sequence 002 is even
        #expect(info.addressCode == "110105")
        #expect(!info.convertedFrom15)
    }

    @Test func checkCharacterMatchesIndependentComputation() {
        for first17 in ["11010519491231002", "65010220000229001", "44030419880808123",
                        "65422319560712051", "11010119800101003", "65010219000228001"] {
            #expect(String(IDNumber.checkCharacter(for: first17)) == String(Self.valid(first17).last!))
        }
        #expect(IDNumber.checkCharacter(for: "11010519491231002") == "X")
        #expect(IDNumber.checkCharacter(for: "65010220000229002") == "8")
    }

    @Test func genderFromSequenceParity() throws {
        #expect(try IDNumber.parse(Self.valid("65010219560712051")).get().gender == .male)
        #expect(try IDNumber.parse(Self.valid("65010219560712052")).get().gender == .female)
    }

    @Test func everyWrongCheckCharacterIsRejected() {
        // Given a valid number, when any other check character replaces the right one
        let good = Self.valid("44030419880808123")
        for c in "0123456789X" where c != good.last! {
            let bad = String(good.dropLast()) + String(c)
            // Then the check character is named as the reason
            #expect(IDNumber.parse(bad) == .failure(.checkCharacter))
        }
        #expect(IDNumber.parse(good).isSuccess)
    }

    @Test func impossibleBirthDates() {
        // 30 February never exists
        #expect(IDNumber.parse(Self.valid("11010519490230002")) == .failure(.birthDate))
        // 2000 is a leap year, 1900 is not
        #expect(IDNumber.parse(Self.valid("65010220000229001")).isSuccess)
        #expect(IDNumber.parse(Self.valid("65010219000229001")) == .failure(.birthDate))
        // Month 13, day 00, and a date before 1880
        #expect(IDNumber.parse(Self.valid("65010219491301001")) == .failure(.birthDate))
        #expect(IDNumber.parse(Self.valid("65010219490100001")) == .failure(.birthDate))
        #expect(IDNumber.parse(Self.valid("65010218791231001")) == .failure(.birthDate))
        #expect(IDNumber.parse(Self.valid("65010218800101001")).isSuccess)
    }

    @Test func futureBirthDateOnlyWhenTodayGiven() {
        let tomorrow = Self.valid("65010220261124001")
        let todayBorn = Self.valid("65010220261123001")
        #expect(IDNumber.parse(tomorrow, today: today) == .failure(.birthDate))
        #expect(IDNumber.parse(todayBorn, today: today).isSuccess)
        #expect(IDNumber.parse(tomorrow).isSuccess)
    }

    @Test func spreadsheetVariantsAreNormalized() throws {
        // lowercase x
        #expect(try IDNumber.parse("11010519491231002x").get().normalized == "11010519491231002X")
        // full-width digits and full-width X
        #expect(try IDNumber.parse("１１０１０５１９４９１２３１００２Ｘ").get().normalized == "11010519491231002X")
        #expect(IDNumber.normalize("１２ｘ") == "12X")
        // ideographic spaces, tabs and ordinary spaces around the number
        #expect(try IDNumber.parse("\u{3000}\t 11010519491231002X \u{3000}").get().normalized == "11010519491231002X")
    }

    @Test func fifteenDigitNumbersAreConverted() throws {
        // Given an old number: 650102 560712 051
        let info = try IDNumber.parse("650102560712051").get()
        // Then "19" is inserted and a check character computed
        #expect(info.normalized == Self.valid("65010219560712051"))
        #expect(info.convertedFrom15)
        #expect(info.birthDate == LocalDate(year: 1956, month: 7, day: 12))
        #expect(info.gender == .male)
        // An old number with an impossible date is still refused
        #expect(IDNumber.parse("650102560230051") == .failure(.birthDate))
        // Old numbers have no X
        #expect(IDNumber.parse("65010256071205X") == .failure(.characters))
    }

    @Test func lengthAndCharacterErrors() {
        #expect(IDNumber.parse("") == .failure(.empty))
        #expect(IDNumber.parse(" \u{3000} ") == .failure(.empty))
        #expect(IDNumber.parse("11010519491231002") == .failure(.length(17)))
        #expect(IDNumber.parse("11010519491231002X1") == .failure(.length(19)))
        #expect(IDNumber.parse("1101051949") == .failure(.length(10)))
        #expect(IDNumber.parse("1101051949123100X2") == .failure(.characters))  // X not last
        #expect(IDNumber.parse("110105-9491231002X") == .failure(.characters))
        #expect(IDNumber.parse("11010519491231 02X") == .failure(.characters))
    }

    @Test func errorsHaveCatalogKeysWithoutTheNumber() {
        #expect(IDNumberError.length(17).messageKey == "id.error.length")
        #expect(IDNumberError.length(17).args == ["17"])
        #expect(IDNumberError.checkCharacter.messageKey == "id.error.checkCharacter")
        #expect(IDNumberError.birthDate.messageKey == "id.error.birthDate")
        #expect(IDNumberError.characters.messageKey == "id.error.characters")
        #expect(IDNumberError.empty.messageKey == "id.error.empty")
    }

    @Test func masking() {
        #expect(Masking.idNumber("11010519491231002X") == "110105********002X")
        #expect(Masking.idNumber("1234") == "****")
        #expect(Masking.phone("13912345678") == "139****5678")
        #expect(Masking.phone("8123456") == "*****56")
        #expect(Masking.phone("12") == "**")
        // An invalid value keeps what is wrong with it in view, its digits masked as a phone's are
        #expect(Masking.invalidPhone("139abc00004") == "139abc*0004")
        #expect(Masking.invalidPhone("13912345678") == "139****5678")
        #expect(Masking.invalidPhone("13912345678/13800001111") == "139********/*******1111")
        // Chinese numerals are names, not digits: 王三 stays 王三
        #expect(Masking.invalidPhone("王三李四 13912345678") == "王三李四 *******5678")
        #expect(Masking.phonesIn("王明（女儿）13900001111 乌鲁木齐市；王三（儿子）；李四 0999-4292917")
                == "王明（女儿）139****1111 乌鲁木齐市；王三（儿子）；李四 0999-*****17")
        #expect(Masking.invalidPhone("812-3456") == "***-**56")
        #expect(Masking.invalidPhone("139abc*0004") == "139abc*0004")
    }
}

fileprivate extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
