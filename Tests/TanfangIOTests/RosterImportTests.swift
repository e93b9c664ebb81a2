import Foundation
import TanfangCore
import Testing
@testable import TanfangIO

@Suite struct RosterImportTests {
    let parser = RosterImportParser(today: Fixture.today)

    func parse(_ rows: [[String]]) -> RosterImportResult {
        parser.parse(Fixture.table(rows), file: "t.csv")
    }

    /// Every data line is either a valid row or an invalid line, never both, never neither.
    func expectAccounted(_ result: RosterImportResult, dataLines: Set<Int>) {
        let valid = Set(result.rows.map(\.line))
        #expect(valid.isDisjoint(with: result.invalidLines))
        #expect(valid.union(result.invalidLines) == dataLines)
    }

    /// No issue shows a whole ID number or phone.
    func expectNothingRaw(_ result: RosterImportResult, _ secrets: [String]) {
        for issue in result.issues {
            for secret in secrets {
                #expect(!issue.value.contains(secret) && !issue.args.contains { $0.contains(secret) },
                        "line \(issue.line) shows a raw value")
            }
        }
    }

    @Test func aWholePersonWrittenInTheNameCellGoesToItsColumns() {
        // Given 赡养人 and 紧急联系人 cells written as 其他赡养人 takes them
        let result = parse([["姓名", "赡养人", "赡养人关系", "紧急联系人", "紧急联系人电话"],
                            ["甲", "李强（儿子）13900002222 伊宁市", "", "马兰(邻居) 13566667777", ""],
                            ["乙", "王二（女儿）13800001111", "儿子", "张三 13512345678", "13512345678"],
                            ["丙", "王二 13800001111；李四 13700001111", "", "", ""],
                            ["丁", "王二（女儿 13800001111", "", "", ""]])
        // Then the first row's parts are in their columns: nothing of them kept in a name
        let jia = result.rows.first { $0.line == 2 }
        #expect(jia?.supporterName == "李强" && jia?.supporterRelation == "儿子" && jia?.supporterPhone == "13900002222")
        #expect(jia?.supporterResidence == "伊宁市")
        #expect(jia?.contactName == "马兰" && jia?.contactRelation == "邻居" && jia?.contactPhone == "13566667777")
        #expect(!result.issues.contains { $0.line == 2 && $0.messageKey.hasPrefix("import.error") })
        // And a relation its own column gives differently is a problem naming that column; the same phone twice is not
        #expect(result.errors.filter { $0.line == 3 }.map(\.messageKey) == ["import.error.personCellConflict"])
        #expect(result.errors.first { $0.line == 3 }?.args == ["赡养人关系"])
        // And two people, or an entry that cannot be read, are said
        #expect(result.errors.first { $0.line == 4 }?.messageKey == "import.error.personCellSeveral")
        #expect(result.errors.first { $0.line == 4 }?.args == ["其他赡养人"])
        #expect(result.errors.first { $0.line == 5 }?.messageKey == "import.error.personCell")
        expectNothingRaw(result, ["13800001111", "13900002222"])
    }

    @Test func theExportsDerivedColumnsAreNamedAsSuch() throws {
        // Given a roster exported by the ledger, with its risk and visit columns
        let table = try TableReader.readCSV(text: "姓名,村(社区),风险等级,下次应探访,备用\n王秀英,红星村,高,2026-12-01,x\n", file: "e.csv")
        let result = parser.parse(table, file: "e.csv")
        // Then they are said to be the ledger's own, and an unknown column still as unknown
        #expect(result.issues.map(\.messageKey) == ["import.note.columnDerived", "import.note.columnDerived",
                                                     "import.note.columnIgnored"])
    }

    // MARK: - Fixtures end to end

    @Test func gbkFixture() throws {
        // Given the GBK CSV saved by Excel, with a title row
        let table = try TableReader.read(url: Fixture.url("roster-gbk", "csv"))
        // When it is parsed
        let result = parser.parse(table, file: "roster-gbk.csv")
        // Then the header is found on line 2 and 序号 is reported as ignored
        #expect(result.headerLine == 2)
        #expect(result.headerMapping.map(\.field) == [.name, .gender, .idNumber, .birthDate, .phone, .village, .categories, .note])
        #expect(result.headerMapping.map(\.header)[5] == "村（社区）")
        #expect(result.issues.contains(ImportIssue(line: 2, column: "序号", value: "", messageKey: "import.note.columnIgnored", args: ["1", "A", "序号"])))

        // And the full-width ID and the spaced phone are normalized; birth date comes from the ID
        let wang = try #require(result.rows.first { $0.line == 3 })
        #expect(wang == ImportedElder(line: 3, name: "王秀英", gender: .female, idNumber: Fixture.wang,
                                      birthDate: LocalDate(year: 1944, month: 5, day: 12), phone: "13912345678",
                                      villageName: "幸福村", categories: [.livingAlone, .emptyNest]))
        // And the lowercase x, 1950年3月6日 and +86 with dashes are accepted
        let li = try #require(result.rows.first { $0.line == 4 })
        #expect(li.idNumber == Fixture.li)
        #expect(li.birthDate == LocalDate(year: 1950, month: 3, day: 6))
        #expect(li.phone == "13800001111")
        #expect(li.categories == [.disabled])
        #expect(li.note == "住院一次,已出院")

        // And the three bad lines are rejected with their column and (masked) value
        #expect(result.invalidLines == [5, 6, 7])
        #expect(result.errors == [
            ImportIssue(line: 5, column: "身份证号码", value: "650102********2461", messageKey: "id.error.checkCharacter"),
            ImportIssue(line: 6, column: "姓名", value: "", messageKey: "import.error.nameMissing"),
            ImportIssue(line: 7, column: "类别", value: "孤寡", messageKey: "import.error.category", args: ["孤寡"]),
        ])
        // And the row holding only 序号 is blank, not an error
        expectAccounted(result, dataLines: [3, 4, 5, 6, 7])
        expectNothingRaw(result, [Fixture.zhangBad, Fixture.zhao, "13912345678"])
    }

    @Test func tabFixtureWithOtherHeadersAndOrder() throws {
        // Given the UTF-8-BOM tab-separated file: other header words, other column order
        let table = try TableReader.read(url: Fixture.url("roster-utf8-bom", "tsv"))
        let result = parser.parse(table, file: "roster-utf8-bom.tsv")
        #expect(result.headerLine == 1)
        #expect(Set(result.headerMapping.map(\.field)) == [.idNumber, .name, .birthDate, .phone, .categories,
                                                           .disabilityDegree, .supporterName, .supporterPhone,
                                                           .address, .ethnicity])

        // Then 1944.5 agrees with the ID, which gives the full date; 高龄 is ignored with a note
        let wang = try #require(result.rows.first { $0.line == 2 })
        #expect(wang.birthDate == LocalDate(year: 1944, month: 5, day: 12))
        #expect(wang.gender == .female)
        #expect(wang.categories == [.livingAlone])
        #expect(wang.supporterName == "李明")
        #expect(wang.supporterPhone == "0991-4567890")
        #expect(wang.address == "天山区幸福路 12 号\n3 单元")
        #expect(wang.ethnicity == "汉族")
        #expect(result.issues.contains(ImportIssue(line: 2, column: "人员类别", value: "独居 高龄",
                                                   messageKey: "import.note.advancedAgeIgnored", args: ["高龄"])))

        // And without an ID, 1950.3 becomes the 1st of the month, with a note; 半失能 gives mild
        let abdu = try #require(result.rows.first { $0.line == 3 })
        #expect(abdu.name == "阿不都·热合曼")
        #expect(abdu.idNumber == nil && abdu.gender == nil)
        #expect(abdu.birthDate == LocalDate(year: 1950, month: 3, day: 1))
        #expect(abdu.categories == [.disabled])
        #expect(abdu.disabilityDegree == .mild)
        #expect(result.issues.contains(ImportIssue(line: 3, column: "出生年月", value: "1950.3", messageKey: "import.note.monthPrecision")))

        // And 1952/2/30 and a 10-digit mobile are rejected, the phone masked
        #expect(result.invalidLines == [4])
        #expect(result.errors == [
            ImportIssue(line: 4, column: "出生年月", value: "1952/2/30", messageKey: "import.error.date"),
            ImportIssue(line: 4, column: "手机", value: "********67", messageKey: "import.error.phoneLength", args: ["10"]),
        ])
        expectAccounted(result, dataLines: [2, 3, 4])
    }

    @Test(arguments: ["roster", "roster-openpyxl"])
    func workbookFixtures(_ name: String) throws {
        // Given a workbook with a title row, a blank row, typed cells and gaps
        let table = try TableReader.read(url: Fixture.url(name, "xlsx"))
        let result = parser.parse(table, file: "\(name).xlsx")
        #expect(result.headerLine == 3)
        // Then the date cell, the ID typed as text and the phone stored as a number are read
        let wang = try #require(result.rows.first { $0.line == 4 })
        #expect(wang == ImportedElder(line: 4, name: "王秀英", gender: .female, idNumber: Fixture.wang,
                                      birthDate: LocalDate(year: 1944, month: 5, day: 12), phone: "13912345678",
                                      villageName: "幸福村", categories: [.livingAlone, .emptyNest]))
        // And the empty gender cell is filled from the ID; rich text is joined
        let li = try #require(result.rows.first { $0.line == 6 })
        #expect(li.gender == .male)
        #expect(li.birthDate == LocalDate(year: 1950, month: 3, day: 6))
        #expect(li.note == "需重点关注")
        // And the ID that Excel turned into a number is refused with its own reason
        #expect(result.invalidLines == [7])
        #expect(result.errors.map(\.messageKey) == ["import.error.idNumberAsNumber"])
        #expect(result.errors.first?.column == "公民身份号码")
        #expect(result.errors.first?.value.contains("********") == true)
    }

    // MARK: - Headers

    @Test func headerVariantsInAnyOrderBelowTitleRows() {
        // Given nine title/blank-ish rows and then headers written with spaces, full-width parentheses, * and line breaks
        var rows: [[String]] = (1...9).map { ["XX村特殊困难老年人台账 第\($0)页", "", "", ""] }
        rows.append(["*姓 名", "村（社区）", "身份证\n号码", "手机号码："])
        rows.append(["王秀英", "幸福村", Fixture.wang, "13912345678"])
        let result = parse(rows)
        // Then the tenth row is the header and every column is recognised
        #expect(result.headerLine == 10)
        #expect(result.headerMapping.map(\.field) == [.name, .village, .idNumber, .phone])
        #expect(result.rows.map(\.villageName) == ["幸福村"])
    }

    @Test func everyListedHeaderIsRecognised() {
        let expected: [String: RosterField] = [
            "姓名": .name, "性别": .gender, "身份证号": .idNumber, "身份证号码": .idNumber, "公民身份号码": .idNumber,
            "证件号码": .idNumber, "出生日期": .birthDate, "出生年月": .birthDate, "民族": .ethnicity,
            "联系电话": .phone, "电话": .phone, "手机": .phone, "手机号码": .phone, "联系方式": .phone, "住址": .address,
            "家庭住址": .address, "现住址": .address, "村(社区)": .village, "村（社区）": .village,
            "所属村": .village, "村": .village, "类别": .categories, "人员类别": .categories,
            "老人类别": .categories, "失能程度": .disabilityDegree, "赡养人": .supporterName,
            "赡养人姓名": .supporterName, "赡养人电话": .supporterPhone, "备注": .note,
            "居住情况": .livingArrangement, "紧急联系人": .contactName, "紧急联系人电话": .contactPhone,
            "结对责任人": .visitor, "责任人": .visitor, "帮扶责任人": .visitor, "状态": .status, "状态日期": .statusDate,
        ]
        for (header, field) in expected {
            #expect(parser.field(forHeader: header) == field, "\(header)")
        }
        #expect(parser.field(forHeader: "序号") == nil)
    }

    @Test func headerBeyondTheTenthRowIsNotFound() {
        // Given ten title rows before the header
        var rows: [[String]] = (1...10).map { ["标题\($0)", ""] }
        rows.append(["姓名", "性别"])
        rows.append(["王秀英", "女"])
        let result = parse(rows)
        // Then the file is refused as a whole, and all its lines are unaccounted-for as invalid
        #expect(result.headerLine == nil)
        #expect(result.issues == [ImportIssue(line: 0, column: "", value: "", messageKey: "import.error.noHeader", args: ["t.csv"])])
        #expect(result.rows.isEmpty)
        #expect(result.invalidLines.contains(12))
    }

    @Test func headerWithoutNameColumnRejectsTheFile() {
        let result = parse([["性别", "身份证号码"], ["女", Fixture.wang]])
        #expect(result.errors.map(\.messageKey) == ["import.error.nameColumnMissing"])
        #expect(result.rows.isEmpty)
        #expect(result.invalidLines == [2])
    }

    @Test func mappingFileAddsHeaders() throws {
        // Given a mapping file naming a local header
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("mapping.json")
        try Data(#"{"老人名字": "name", "户籍地址": "address"}"#.utf8).write(to: url)
        // When it is loaded and used
        let mapping = try RosterImportParser.loadMapping(url: url)
        let custom = RosterImportParser(mapping: mapping, today: Fixture.today)
        let result = custom.parse(Fixture.table([["老人名字", "户籍 地址", "性别"], ["王秀英", "幸福路1号", "女"]]), file: "m.csv")
        // Then those headers are understood
        #expect(result.rows.map(\.address) == ["幸福路1号"])
        #expect(result.headerMapping.map(\.header) == ["老人名字", "户籍 地址", "性别"])

        // And a field may be named as the standard roster heads it (出生日期, 村(社区)), not only by its code
        try Data(#"{"生日": "出生日期", "所属行政村": "村(社区)", "住所": "address"}"#.utf8).write(to: url)
        #expect(try RosterImportParser.loadMapping(url: url) == ["生日": .birthDate, "所属行政村": .village, "住所": .address])
        // And an unknown field name is refused by name, the fields that may be named listed
        try Data(#"{"老人名字": "fullName"}"#.utf8).write(to: url)
        #expect(throws: TanfangIOError.mappingField(file: "mapping.json", header: "老人名字", field: "fullName")) {
            try RosterImportParser.loadMapping(url: url)
        }
        #expect(TanfangIOError.mappingField(file: "m", header: "h", field: "f").args.last?.hasPrefix("姓名、性别、身份证号码、出生日期") == true)
        // And headers offices often write are known without a mapping
        let plain = parse([["姓名", "出生年月日", "所在村", "现居住地址"], ["王秀英", "1940-03-05", "红星村", "幸福路1号"]])
        #expect(plain.headerMapping.map(\.field) == [.name, .birthDate, .village, .address])
        try Data("[1,2]".utf8).write(to: url)
        #expect(throws: TanfangIOError.mappingFile(file: "mapping.json")) { try RosterImportParser.loadMapping(url: url) }
    }

    @Test func duplicateAndUnknownColumnsAreNoted() {
        let result = parse([["姓名", "电话", "手机", "爱好", ""], ["王秀英", "13912345678", "13800001111", "下棋", ""],
                            ["李建国", "13900002222", "", "", "x"]])
        #expect(result.rows.first?.phone == "13912345678")
        // (the cell under no header refuses its row: what it says is read by no field)
        #expect(result.issues.map(\.messageKey) == ["import.note.duplicateColumn", "import.note.columnIgnored",
                                                    "import.error.cellsPastHeader"])
        #expect(result.issues[0].args == ["C", "电话"])
        #expect(result.issues[2].args == ["4", "x"])
        #expect(result.invalidLines == [3])
    }

    @Test func aCellUnderAnEmptyHeaderRefusesItsRow() {
        // Given a CSV read into equal rows: a note with an unquoted comma put its end under an empty header
        let result = parse([["姓名", "备注", ""], ["王秀英", "腿脚不便", "住在东头"], ["李建国", "独居", ""]])
        // Then that row is refused naming what would be lost, and the other is read
        #expect(result.rows.map(\.name) == ["李建国"])
        let issue = result.issues.first { $0.line == 2 }
        #expect(issue?.messageKey == "import.error.cellsPastHeader" && issue?.args == ["2", "住在东头"])
        #expect(!result.issues.contains { $0.messageKey == "import.note.columnIgnored" })
    }

    @Test func cellsPastTheHeaderRefuseTheRowNamingThem() {
        // Given a row with one cell more than the header (a stray comma), one with an empty one more
        // (a trailing comma), and a row with only a cell past the header
        let result = parse([["姓名", "电话"], ["王秀英", "13912345678", "多余"], ["李建国", "13800001111", " "],
                            ["", "", "核实过"]])
        // Then the first and the last are refused, each naming what is past the header; the second is read
        #expect(result.rows.map(\.name) == ["李建国"])
        #expect(result.invalidLines == [2, 4])
        let issue = result.issues.first { $0.line == 2 }
        #expect(issue?.messageKey == "import.error.cellsPastHeader" && issue?.args == ["2", "多余"])
        #expect(result.issues.first { $0.line == 4 }?.args == ["2", "核实过"])
    }

    // MARK: - Normalizations

    @Test(arguments: [
        ("1950/3/6", "1950-03-06"), ("1950-03-06", "1950-03-06"), ("1950年3月6日", "1950-03-06"),
        ("1950.3.6", "1950-03-06"), ("19500306", "1950-03-06"), ("18328", "1950-03-06"),
        ("１９５０年０３月０６日", "1950-03-06"), ("1950-03-06 00:00:00", "1950-03-06"), ("18328.0", "1950-03-06"),
        ("1950 年 3 月 6 日", "1950-03-06"), ("1900/2/28", "1900-02-28"), ("59", "1900-02-28"), ("61", "1900-03-01"),
    ])
    func datesOfADay(_ text: String, _ iso: String) {
        #expect(RosterValues.date(text) == .day(LocalDate(iso)!), "\(text)")
    }

    @Test(arguments: [("1950.3", "1950-03-01"), ("1950年3月", "1950-03-01"), ("1950-03", "1950-03-01"), ("195003", "1950-03-01")])
    func datesOfAMonth(_ text: String, _ iso: String) {
        #expect(RosterValues.date(text) == .month(LocalDate(iso)!), "\(text)")
    }

    @Test(arguments: ["1950/2/30", "1950-02-30", "1950-13-01", "1950-00-10", "195a-03-06", "1950", "60", "50/3/6", "三月六日", "1950-03-06 08:30", "19501306"])
    func impossibleOrUnreadableDates(_ text: String) {
        #expect(RosterValues.date(text) == nil, "\(text)")
    }

    @Test func phones() {
        #expect(RosterValues.phone("电话：13912345678") == .success("13912345678"))  // as forms print it
        #expect(RosterValues.phone("139 1234 5678") == .success("13912345678"))
        #expect(RosterValues.phone("+86 139-1234-5678") == .success("13912345678"))
        #expect(RosterValues.phone("0086 13912345678") == .success("13912345678"))
        #expect(RosterValues.phone("１３９１２３４５６７８") == .success("13912345678"))
        #expect(RosterValues.phone("(0991) 456-7890") == .success("09914567890"))
        #expect(RosterValues.phone("4567890") == .success("4567890"))
        #expect(RosterValues.phone("1391234567") == .failure(.length(10)))
        #expect(RosterValues.phone("139123456789") == .failure(.length(12)))
        #expect(RosterValues.phone("12345") == .failure(.length(5)))
        #expect(RosterValues.phone("1.39123E+10") == .failure(.characters))
        #expect(RosterValues.phone("13912345678/13800001111") == .failure(.multiple))
    }

    @Test func genders() {
        for text in ["男", "男性", "male", "M", "Ｍ", " m "] { #expect(RosterValues.gender(text) == .male, "\(text)") }
        for text in ["女", "女性", "Female", "F", "f"] { #expect(RosterValues.gender(text) == .female, "\(text)") }
        for text in ["未知", "x", "1"] { #expect(RosterValues.gender(text) == nil, "\(text)") }
    }

    @Test func otherPeopleInOneCell() throws {
        let people = try RosterValues.people("王二（女儿）13900000000 乌鲁木齐市；王三(儿子)； 马兰 0999-4292917").get()
        #expect(people == [RosterPerson(name: "王二", relation: "女儿", phone: "13900000000", residence: "乌鲁木齐市"),
                           RosterPerson(name: "王三", relation: "儿子"),
                           RosterPerson(name: "马兰", phone: "0999-4292917")])
        #expect(RosterPerson.cell(people) == "王二（女儿）13900000000 乌鲁木齐市；王三（儿子）；马兰 0999-4292917")
        // People apart by a comma too; a residence may hold digits after its words
        #expect(try RosterValues.people("张三（儿子）13900001111 伊宁市，李四（女儿）13900001112 本村3组").get().map(\.name) == ["张三", "李四"])
        #expect(try RosterValues.people("张三（儿子）13900001111 伊宁市，李四（女儿）13900001112 本村3组").get().last?.residence == "本村3组")
        // People on lines of their own, as Excel keeps a cell's line breaks (\r\n from Windows)
        #expect(try RosterValues.people("王二（女儿）13900000000\r\n王三（儿子）\n马兰").get().map(\.name) == ["王二", "王三", "马兰"])
        // People apart by 、 or /, a relation without brackets, a phone after 电话：
        #expect(try RosterValues.people("王二（女儿）13900000000、王三（儿子）13900000001").get()
                == [RosterPerson(name: "王二", relation: "女儿", phone: "13900000000"),
                    RosterPerson(name: "王三", relation: "儿子", phone: "13900000001")])
        #expect(try RosterValues.people("王二 女儿 13900000000；王三 儿子").get()
                == [RosterPerson(name: "王二", relation: "女儿", phone: "13900000000"), RosterPerson(name: "王三", relation: "儿子")])
        #expect(try RosterValues.people("王二（女儿） 电话：13900000000 乌鲁木齐市").get()
                == [RosterPerson(name: "王二", relation: "女儿", phone: "13900000000", residence: "乌鲁木齐市")])
        #expect(try RosterValues.people("王二（女儿）13900000000 乌鲁木齐市 / 王三（儿子）").get().map(\.name) == ["王二", "王三"])
        // What cannot be a residence (another person's phone or bracket) is said, never stored as one
        #expect((try? RosterValues.people("王二（女儿）13900000000 王三（儿子）").get()) == nil)
        #expect((try? RosterValues.people("王二 乌鲁木齐市 13900000001").get()) == nil)
        // A relation written before the name (the longest word that fits)
        #expect(try RosterValues.people("邻居张三 13700000001；外孙女李小红").get()
                == [RosterPerson(name: "张三", relation: "邻居", phone: "13700000001"), RosterPerson(name: "李小红", relation: "外孙女")])
        // And a name that does not begin with one stays whole
        #expect(try RosterValues.people("王儿子").get().first?.name == "王儿子")
        // But a residence may hold brackets of its own
        #expect(try RosterValues.people("吾尔尼沙（女儿）13200005824 外省（甘肃省）").get().first?.residence == "外省（甘肃省）")
        // A relation left open, a phone that is no phone, letters where the phone goes: cannot be read
        #expect((try? RosterValues.people("王二（女儿 139").get()) == nil)
        #expect((try? RosterValues.people("王二 1390000").get()) == nil)
        #expect((try? RosterValues.people("张三（儿子）abc 伊宁市").get()) == nil)
        let result = parse([["姓名", "其他紧急联系人", "偏散远", "赡养人关系"], ["甲", "马兰（邻居）", "是", ""], ["乙", "", "远", ""],
                            ["丙", "钱七（邻居）13900004444 本村", "", ""], ["丁", "", "", "儿子"]])
        #expect(result.errors.map(\.messageKey) == ["import.error.otherContactPhone", "import.error.yesNo",
                                                     "import.error.supporterNameMissing"])
        #expect(result.issues.contains { $0.line == 4 && $0.messageKey == "import.note.contactResidence" && $0.value == "本村" })
    }

    @Test func statusAndItsDate() {
        for text in ["死亡", "已故", "去世", "Deceased"] { #expect(RosterValues.status(text) == .deceased, "\(text)") }
        for text in ["在册", "正常", "Active"] { #expect(RosterValues.status(text) == .active, "\(text)") }
        #expect(RosterValues.status("敬老院") == .institution && RosterValues.status("In an institution") == .institution)
        #expect(RosterValues.status("迁出") == .movedAway && RosterValues.status("住院") == .hospitalized)
        let result = parse([["姓名", "状态", "状态日期"],
                            ["甲", "死亡", "2026-10-02"], ["乙", "失联", ""], ["丙", "", "2026-10-02"], ["丁", "迁出", "2027-01-01"]])
        #expect(result.rows.first?.status == .deceased && result.rows.first?.statusDate == LocalDate(year: 2026, month: 10, day: 2))
        #expect(result.errors.map(\.messageKey) == ["import.error.status", "import.error.statusDateAlone", "import.error.statusDateFuture"])
        // A death (or a move) without its day is reported: it was dated the import day, unsaid
        let undated = parse([["姓名", "状态", "状态日期"], ["甲七", "已故", ""], ["乙八", "在册", ""], ["丙九", "住院", " "]])
        #expect(undated.errors.map(\.messageKey) == ["import.error.statusDateMissing", "import.error.statusDateMissing"])
        #expect(undated.errors.map(\.line) == [2, 4])
        #expect(parse([["姓名", "状态"], ["甲七", "迁出"]]).errors.map(\.messageKey) == ["import.error.statusDateMissing"])
        #expect(result.errors.map(\.line) == [3, 4, 5])
    }

    @Test func livingArrangementsAsRostersWriteThem() {
        for text in ["独居", "独自居住", " alone "] { #expect(RosterValues.livingArrangement(text) == .alone, "\(text)") }
        for text in ["与配偶同住", "夫妻同住", "With spouse"] { #expect(RosterValues.livingArrangement(text) == .withSpouse, "\(text)") }
        for text in ["与子女同住", "和子女同住"] { #expect(RosterValues.livingArrangement(text) == .withChildren, "\(text)") }
        for text in ["与他人同住", "其他"] { #expect(RosterValues.livingArrangement(text) == .withOthers, "\(text)") }
        #expect(RosterValues.livingArrangement("住养老院") == nil)
    }

    @Test func remarksLivingContactAndVisitorColumnsAreRead() {
        let result = parse([["姓名", "居住情况", "紧急联系人", "紧急联系人电话", "结对责任人", "备注"],
                            ["甲", "独居", "张 三", "139 1234 5678", "李四", "女儿电话13800001111"],
                            ["乙", "住养老院", "", "", "", ""],
                            ["丙", "", "王五", "", "", ""],
                            ["丁", "", "", "13912345678", "", ""]])
        let first = result.rows.first
        #expect(first?.livingArrangement == .alone && first?.contactName == "张三" && first?.contactPhone == "13912345678")
        #expect(first?.visitorName == "李四" && first?.note == "女儿电话13800001111")
        // A living arrangement not understood, and a contact without a phone or a name, reject their lines
        #expect(result.errors.map(\.messageKey) == ["import.error.livingArrangement", "import.error.contactPhoneMissing",
                                                     "import.error.contactNameMissing"])
        #expect(result.errors.map(\.line) == [3, 4, 5])
        #expect(result.errors.last?.value == "139****5678")
    }

    @Test func totalAndSignatureLinesUnderTheTableAreNotElders() {
        // Given an office table with a total and a signature line under it
        let result = parse([["姓名", "身份证号码", "类别"], ["王秀英", "", "独居"], ["合计：2人", "", ""], ["制表人：王丽娟", "", ""],
                            ["合计", "", "2"]])
        // Then only 王秀英 is an elder; the others are noted (not errors), named
        #expect(result.rows.map(\.name) == ["王秀英"])
        #expect(result.issues.map(\.messageKey) == Array(repeating: "import.note.footerRow", count: 3))
        #expect(result.errors.isEmpty && result.issues.map(\.line) == [3, 4, 5])
    }

    @Test func anEthnicityWithoutItsLastCharacterIsTheFullName() {
        // 汉 and 汉族 are one nationality (a later file with the other was reported as a conflict)
        let rows = parse([["姓名", "民族"], ["甲", "汉"], ["乙", "维吾尔"], ["丙", "哈萨克族"], ["丁", "未知"]]).rows
        #expect(rows.map(\.ethnicity) == ["汉族", "维吾尔族", "哈萨克族", "未知"])
        #expect(RosterValues.ethnicities.count == 56)
    }

    @Test func categoryWordsAndSeparators() {
        // Given every word the offices use, separated in every accepted way
        let cell = "独居、空巢,留守，失能;重残；计生特殊 特困\u{3000}五保"
        let result = parse([["姓名", "类别"], ["王秀英", cell]])
        #expect(result.rows.first?.categories == [.livingAlone, .emptyNest, .leftBehind, .disabled,
                                                  .severelyDisabled, .familyPlanningSpecial, .destitute])
        let cases: [(String, Set<TanfangCore.Category>, DisabilityDegree?)] = [
            ("半失能", [.disabled], .mild), ("完全失能", [.disabled], .severe), ("重度残疾", [.severelyDisabled], nil),
            ("一级残疾", [.severelyDisabled], nil), ("二级残疾", [.severelyDisabled], nil),
            ("计划生育特殊家庭", [.familyPlanningSpecial], nil), ("失独", [.familyPlanningSpecial], nil),
            ("分散供养特困", [.destitute], nil), ("独居老人", [.livingAlone], nil), ("emptyNest", [.emptyNest], nil),
            // As the visit sheet and older rosters write them (refused before)
            ("五保户", [.destitute], nil), ("特困供养", [.destitute], nil), ("特困供养人员", [.destitute], nil),
            ("集中供养特困", [.destitute], nil), ("重度残疾人", [.severelyDisabled], nil),
        ]
        for (word, categories, degree) in cases {
            let row = parse([["姓名", "类别"], ["王秀英", word]]).rows.first
            #expect(row?.categories == categories, "\(word)")
            #expect(row?.disabilityDegree == degree, "\(word)")
        }
    }

    @Test func advancedAgeIsAcceptedButNotStored() {
        let result = parse([["姓名", "类别"], ["王秀英", "高龄、独居"]])
        #expect(result.rows.first?.categories == [.livingAlone])
        #expect(result.issues.map(\.messageKey) == ["import.note.advancedAgeIgnored"])
        #expect(!result.issues[0].isError)
    }

    @Test func unknownCategoryWordsAreEachReported() {
        let result = parse([["姓名", "类别"], ["王秀英", "独居、孤寡、低保"]])
        #expect(result.invalidLines == [2])
        #expect(result.errors.map(\.args) == [["孤寡"], ["低保"]])
    }

    @Test func disabilityDegreeColumn() {
        // Given degrees typed in their own column
        let result = parse([["姓名", "类别", "失能程度"],
                            ["甲", "失能", "重度"], ["乙", "独居", "中度"], ["丙", "半失能", "重度"], ["丁", "", "很重"]])
        // Then the degree is read, implies 失能 with a note, and contradictions or unknown words are errors
        #expect(result.rows.map(\.disabilityDegree) == [.severe, .moderate])
        #expect(result.rows[1].categories == [.livingAlone, .disabled])
        #expect(result.issues.contains { $0.line == 3 && $0.messageKey == "import.note.disabledFromDegree" })
        #expect(result.errors.map(\.messageKey) == ["import.error.disabilityDegreeMismatch", "import.error.disabilityDegree"])
        #expect(result.invalidLines == [4, 5])
    }

    @Test func namesAreTidied() {
        #expect(RosterValues.name(" 王  英 ") == "王英")
        #expect(RosterValues.name("阿不都•热合曼") == "阿不都·热合曼")
        #expect(RosterValues.name("Mary  Lee") == "Mary Lee")
        #expect(RosterValues.name(" \u{3000} ") == nil)
    }

    // MARK: - Rejections and cross-checks

    @Test func idNumberProblemsCarryIDNumbersReasonMasked() {
        let valid = Fixture.id("19440512", seq: 122)
        let rows = [["姓名", "身份证号码"],
                    ["甲", "65010219440512"],          // 14 characters
                    ["乙", "6501021944051212AB"],      // letters
                    ["丙", "650102194402301220"],      // 30 February
                    ["丁", String(valid.dropLast()) + (valid.last == "1" ? "2" : "1")]]
        let result = parse(rows)
        #expect(result.errors.map(\.messageKey) == ["id.error.length", "id.error.characters", "id.error.birthDate", "id.error.checkCharacter"])
        #expect(result.errors[0].args == ["14"])
        #expect(result.errors.map(\.value) == ["650102********0512", "650102********12AB", "650102********1220", "650102********" + String(rows[4][1].suffix(4))])
        expectNothingRaw(result, rows.dropFirst().map { $0[1] })
    }

    @Test func spacesAndApostropheInIDsAreHarmless() {
        let result = parse([["姓名", "身份证号码"], ["王秀英", " '650102 19440512 1220 "]])
        #expect(result.rows.first?.idNumber == Fixture.wang)
    }

    @Test func fifteenDigitIDIsConvertedWithANote() {
        let result = parse([["姓名", "身份证号码"], ["王秀英", "650102440512122"]])
        let row = result.rows.first
        #expect(row?.idNumber?.count == 18)
        #expect(row?.birthDate == LocalDate(year: 1944, month: 5, day: 12))
        #expect(result.issues.map(\.messageKey) == ["import.note.idConverted"])
        #expect(result.issues[0].value == "650102********2122")
    }

    @Test func genderAndBirthDateMustAgreeWithTheID() {
        let result = parse([["姓名", "性别", "身份证号码", "出生日期"],
                            ["甲", "男", Fixture.wang, "1944-05-12"],
                            ["乙", "女", Fixture.wang, "1944-05-13"],
                            ["丙", "女", Fixture.id("19440512", seq: 124), "1944年6月"]])
        #expect(result.errors.map { [String($0.line), $0.column, $0.messageKey] } == [
            ["2", "性别", "import.error.genderMismatch"],
            ["3", "身份证号码", "import.error.duplicateIdNumber"],
            ["3", "出生日期", "import.error.birthDateMismatch"],
            ["4", "出生日期", "import.error.birthDateMismatch"],
        ])
        #expect(result.errors[1].args == ["2"])
    }

    @Test func futureAndAncientBirthDates() {
        let result = parse([["姓名", "出生日期"], ["甲", "2026-11-24"], ["乙", "1850-01-01"], ["丙", "2026-11-23"]])
        #expect(result.errors.map(\.messageKey) == ["import.error.dateFuture", "import.error.date"])
        #expect(result.rows.map(\.name) == ["丙"])
    }

    @Test func idNumberStoredAsNumberIsExplained() {
        let result = parse([["姓名", "身份证号码"], ["王秀英", "6.50102194405121E+17"]])
        #expect(result.errors.map(\.messageKey) == ["import.error.idNumberAsNumber"])
        #expect(!result.errors[0].value.contains("50102194405121"))
    }

    @Test func aPhoneExcelStoredAsANumberIsSaidSo() {
        // As the ID number's case: the cause and what to do, not "characters other than digits"
        let result = parse([["姓名", "联系电话"], ["王秀英", "1.3912345678E+10"], ["李建国", "1.39123E10"]])
        #expect(result.errors.map(\.messageKey) == ["import.error.phoneAsNumber", "import.error.phoneAsNumber"])
    }

    @Test func phoneProblemsAreMasked() {
        let result = parse([["姓名", "联系电话", "赡养人电话"],
                            ["甲", "139123456789", "138 0000 1111"], ["乙", "139-1234-abcd", ""], ["丙", "13912345678、0991456789", ""]])
        // (甲's supporter phone has no supporter's name: it would be lost, so it is a problem too.)
        #expect(result.errors.map(\.messageKey) == ["import.error.phoneLength", "import.error.supporterNameMissing",
                                                     "import.error.phoneCharacters", "import.error.phoneMultiple"])
        // The digits are masked; what makes the value wrong (letters, a second number) stays in view.
        #expect(result.errors.map(\.value) == ["139*****6789", "138 **** 1111", "139-****-abcd", "139********、******6789"])
        #expect(!result.errors.contains { $0.value.contains("12345") || $0.value.contains("0991456") })
        #expect(result.errors.map(\.column) == ["联系电话", "赡养人电话", "联系电话", "联系电话"])
    }

    @Test func unknownGenderAndMissingNameInvalidateTheLine() {
        let result = parse([["姓名", "性别", "备注"], ["王秀英", "不详", ""], ["", "女", "只有备注"], ["李建国", "男", ""]])
        #expect(result.errors.map { [String($0.line), $0.messageKey] } == [["2", "import.error.gender"], ["3", "import.error.nameMissing"]])
        #expect(result.rows.map(\.line) == [4])
        expectAccounted(result, dataLines: [2, 3, 4])
    }
}
